import { createHash, timingSafeEqual } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { DialectName } from '../engine/realtime/dialects/types';
import { specValidator } from './realtime/spec/validator';
import { newId } from './ids';
import type { SessionTransport } from './outbox';
import { faultsFor, type FaultOption } from './faults';
import type { ReplyBed } from './reply-bed';
import { LiveSimSession } from './live/session';
import { ToolCallScript, type ScriptedToolCall } from './live/delegation';
import { SimSession } from './realtime/session';
import type { RealtimeToolScript, ScriptedMcpCall } from './realtime/tool-script';
import type { StrictOptions } from './strict';

/**
 * A local WebSocket server speaking OpenAI's voice protocols. GPT-Live at `/v1/live/sessions` (and
 * Azure's `/openai/v1/live/sessions`); Realtime on any other path and query (`/v1/realtime?model=...`,
 * `/openai/realtime?api-version=...&deployment=...`), GA, or beta when the client asks for it.
 * Each connection gets its own session.
 *
 * Start it on its own with `npm run sim -- --port 8765`, then point Kaiwa at it:
 * `--url ws://127.0.0.1:8765/v1/live/sessions --model gpt-live-1` (GPT-Live) or
 * `--url ws://127.0.0.1:8765/v1/realtime --model gpt-realtime` (Realtime).
 */

export interface SimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /**
   * `auto` (default): beta when the handshake carries `OpenAI-Beta: realtime=v1` (or the browser
   * subprotocol `openai-beta.realtime-v1`), or the path is Azure's preview `/openai/realtime`;
   * GA otherwise. `ga`/`beta` force one dialect for every connection.
   */
  dialect?: DialectName | 'auto';
  /** When set, the handshake must carry this key (`Authorization: Bearer`, `api-key`), else 401. */
  requireApiKey?: string;
  /** Length of every spoken reply (default 3000 ms). */
  replyMs?: number;
  /** What sounds under every spoken reply (default none): a steady tone or chords, for echo tests. */
  replyBed?: ReplyBed;
  /** How much faster than real time reply audio streams; default: a whole reply within ~0.8 s (at least 2x). */
  realtimeFactor?: number;
  /** Audio per delta event (default 100 ms). */
  chunkMs?: number;
  faults?: FaultOption;
  /** GPT-Live pacing: audio per delta (default 40 ms), speed (default 1: real time), usage interval (default 5000 ms). */
  live?: {
    chunkMs?: number;
    realtimeFactor?: number;
    usageIntervalMs?: number;
    /** Tool calls the model makes by delegation, one per user turn, in order across the server's sessions (`--tool-call`). */
    toolCalls?: readonly ScriptedToolCall[];
  };
  /** Realtime tool use, one per user turn, in order across the server's Realtime sessions (`--tool-call`, scripted MCP calls). */
  realtime?: {
    toolCalls?: readonly ScriptedToolCall[];
    mcpCalls?: readonly ScriptedMcpCall[];
  };
  /**
   * Answer the Realtime beta shape (`OpenAI-Beta: realtime=v1`, the beta subprotocol, Azure's
   * preview path) as OpenAI has since 2026-05-12: the `beta_api_shape_disabled` error, then close
   * code 4000. Default false (the beta dialect is served).
   */
  retireBeta?: boolean;
  /**
   * A server of another API version (issue 21): Realtime refuses every field its dialect's schema
   * does not have with `unknown_parameter`; both protocols refuse the parameters named
   * (`unknown: ['session.speed']`, `invalid: ['session.voice']`). `true`: the schema check only.
   */
  strict?: boolean | StrictOptions;
  /** Check every outgoing event against the spec; failures land in `session.violations`. */
  validateOutgoing?: boolean;
  /**
   * Keep received and sent events on each session for inspection: true (default) keeps the first
   * 5000 each way, a number keeps that many, false none. Long-running front ends pass false.
   */
  record?: boolean | number;
}

export const DEFAULT_REPLY_MS = 3000;
const DEFAULT_CHUNK_MS = 100;
const TARGET_STREAM_MS = 800;
const GA_MODEL = 'gpt-realtime';
const LIVE_CHUNK_MS = 40;
const LIVE_USAGE_INTERVAL_MS = 5000;
/** OpenAI's error when the retired beta shape is asked for, and the close code that follows it. */
const BETA_RETIRED = {
  code: 4000,
  error: {
    type: 'invalid_request_error',
    code: 'beta_api_shape_disabled',
    message: 'The Realtime Beta API is no longer supported. Please use /v1/realtime for the GA API.',
    param: null,
    event_id: null,
  },
} as const;

/** What the server needs of a session of either protocol. */
interface WireSession {
  start(): void;
  receive(text: string): void;
  receiveBinary(): void;
  dispose(): void;
}
const BETA_MODEL = 'gpt-4o-realtime-preview-2024-12-17';

export class SimulatorServer extends EventEmitter<{ session: [SimSession]; liveSession: [LiveSimSession] }> {
  /** Every Realtime session this server has had, in connection order (closed ones too). */
  readonly sessions: SimSession[] = [];
  /** Every GPT-Live session, in connection order. */
  readonly liveSessions: LiveSimSession[] = [];
  private readonly liveToolCalls: ToolCallScript;
  private readonly realtimeTools: RealtimeToolScript;
  private readonly http: Server;
  private readonly wss = new WebSocketServer({ noServer: true, handleProtocols: pickProtocol });
  private readonly sockets = new Set<WebSocket>();
  private address: AddressInfo | undefined;

  constructor(private readonly options: SimulatorOptions = {}) {
    super();
    validateOptions(options);
    this.liveToolCalls = new ToolCallScript(options.live?.toolCalls);
    this.realtimeTools = { calls: new ToolCallScript(options.realtime?.toolCalls), mcp: [...(options.realtime?.mcpCalls ?? [])] };
    this.http = createServer((_req, res) => {
      const body = errorBody('This is a Realtime WebSocket endpoint; connect with a WebSocket upgrade.', null);
      res.writeHead(426, { 'Content-Type': 'application/json', Upgrade: 'websocket' }).end(body);
    });
    this.http.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
  }

  async listen(): Promise<void> {
    const { port = 0, host = '127.0.0.1' } = this.options;
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(port, host, () => {
        this.http.off('error', reject);
        resolve();
      });
    });
    this.address = this.http.address() as AddressInfo;
  }

  get port(): number {
    if (!this.address) throw new Error('the simulator is not listening');
    return this.address.port;
  }

  /** Base URL of the GA endpoint, e.g. `ws://127.0.0.1:8765/v1/realtime?model=gpt-realtime`. */
  get url(): string {
    return `${this.origin}/v1/realtime?model=${GA_MODEL}`;
  }

  /** The GPT-Live endpoint, e.g. `ws://127.0.0.1:8765/v1/live/sessions` (the model goes in `session.start`). */
  get liveUrl(): string {
    return `${this.origin}/v1/live/sessions`;
  }

  private get origin(): string {
    const host = this.address!.family === 'IPv6' ? `[${this.address!.address}]` : this.address!.address;
    return `ws://${host}:${this.port}`;
  }

  async close(): Promise<void> {
    for (const session of [...this.sessions, ...this.liveSessions]) session.dispose();
    for (const ws of this.sockets) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const { requireApiKey } = this.options;
    if (requireApiKey !== undefined) {
      const presented = presentedKey(req);
      if (presented === undefined || !sameKey(presented, requireApiKey)) {
        const body = presented === undefined
          ? errorBody("You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the api-key header.", null)
          : errorBody('Incorrect API key provided.', 'invalid_api_key');
        socket.end(
          'HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\n' +
            `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
        return;
      }
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.connect(ws, req));
  }

  private connect(ws: WebSocket, req: IncomingMessage): void {
    this.sockets.add(ws);
    ws.on('close', () => this.sockets.delete(ws));
    ws.on('error', () => ws.terminate());
    if (isLivePath(req)) return this.connectLive(ws);
    const dialect = this.options.dialect && this.options.dialect !== 'auto' ? this.options.dialect : dialectOf(req);
    if (dialect === 'beta' && this.options.retireBeta) {
      ws.send(JSON.stringify({ type: 'error', event_id: newId('event'), error: BETA_RETIRED.error }));
      ws.close(BETA_RETIRED.code, BETA_RETIRED.error.code);
      return;
    }
    const replyMs = this.options.replyMs ?? DEFAULT_REPLY_MS;
    const session = new SimSession(
      transportOf(ws),
      {
        dialect,
        model: modelOf(req, dialect),
        replyMs,
        replyBed: this.options.replyBed,
        realtimeFactor: this.options.realtimeFactor ?? Math.max(2, replyMs / TARGET_STREAM_MS),
        chunkMs: this.options.chunkMs ?? DEFAULT_CHUNK_MS,
        validateOutgoing: this.options.validateOutgoing ?? false,
        recordLimit: recordLimit(this.options.record),
        faults: faultsFor(this.options.faults, this.sessions.length),
        tools: this.realtimeTools,
        ...this.strict(),
      },
    );
    this.sessions.push(session);
    attach(ws, session);
    this.emit('session', session);
  }

  private strict(): { strict?: StrictOptions } {
    const { strict } = this.options;
    return strict ? { strict: strict === true ? {} : strict } : {};
  }

  private connectLive(ws: WebSocket): void {
    const live = this.options.live ?? {};
    const session = new LiveSimSession(transportOf(ws), {
      replyMs: this.options.replyMs ?? DEFAULT_REPLY_MS,
      replyBed: this.options.replyBed,
      chunkMs: live.chunkMs ?? LIVE_CHUNK_MS,
      realtimeFactor: live.realtimeFactor ?? 1,
      usageIntervalMs: live.usageIntervalMs ?? LIVE_USAGE_INTERVAL_MS,
      validateOutgoing: this.options.validateOutgoing ?? false,
      recordLimit: recordLimit(this.options.record),
      faults: faultsFor(this.options.faults, this.sessions.length + this.liveSessions.length),
      toolCalls: this.liveToolCalls,
      ...this.strict(),
    });
    this.liveSessions.push(session);
    attach(ws, session);
    this.emit('liveSession', session);
  }
}

function transportOf(ws: WebSocket): SessionTransport {
  return {
    send: (text) => {
      if (ws.readyState === ws.OPEN) ws.send(text);
    },
    close: (code, reason) => ws.close(code, reason),
    terminate: () => ws.terminate(),
  };
}

function attach(ws: WebSocket, session: WireSession): void {
  ws.on('message', (data, isBinary) => {
    if (isBinary) session.receiveBinary();
    else session.receive(Array.isArray(data) ? Buffer.concat(data).toString('utf8') : data.toString('utf8'));
  });
  ws.on('close', () => session.dispose());
  session.start();
}

/** GPT-Live's primary WebSocket: OpenAI's `/v1/live/sessions`, Azure's `/openai/v1/live/sessions`. */
function isLivePath(req: IncomingMessage): boolean {
  const { pathname } = new URL(req.url ?? '/', 'http://localhost');
  return /^(\/openai)?\/v1\/live\/sessions\/?$/.test(pathname);
}

const DEFAULT_RECORD_LIMIT = 5000;

function recordLimit(record: boolean | number | undefined): number {
  if (record === undefined || record === true) return DEFAULT_RECORD_LIMIT;
  return record === false ? 0 : Math.max(0, Math.floor(record));
}

function dialectOf(req: IncomingMessage): DialectName {
  const beta = req.headers['openai-beta'];
  const betaHeader = (Array.isArray(beta) ? beta.join(',') : beta ?? '').includes('realtime=v1');
  const protocols = String(req.headers['sec-websocket-protocol'] ?? '');
  const url = new URL(req.url ?? '/', 'http://localhost');
  const azurePreview = /^\/openai\/realtime\/?$/.test(url.pathname) && url.searchParams.has('api-version');
  return betaHeader || protocols.includes('openai-beta.realtime-v1') || azurePreview ? 'beta' : 'ga';
}

/** The model the session reports: the query's `model` (or Azure `deployment`) when the dialect allows it. */
function modelOf(req: IncomingMessage, dialect: DialectName): string {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const asked = url.searchParams.get('model') ?? url.searchParams.get('deployment') ?? undefined;
  if (dialect === 'ga') return asked ?? GA_MODEL;
  const allowed = (specValidator('beta').schema('RealtimeSession') as { properties?: { model?: { enum?: string[] } } } | undefined)
    ?.properties?.model?.enum;
  return asked && (!allowed || allowed.includes(asked)) ? asked : BETA_MODEL;
}

function presentedKey(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
  const apiKey = req.headers['api-key'];
  if (typeof apiKey === 'string') return apiKey.trim();
  // Browsers cannot set headers; OpenAI accepts the key as a subprotocol instead.
  const protocols = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
  const prefix = 'openai-insecure-api-key.';
  const fromProtocol = protocols.find((p) => p.startsWith(prefix));
  return fromProtocol ? fromProtocol.slice(prefix.length) : undefined;
}

/** Agrees to `realtime` (what browsers offer), never echoing a key-carrying subprotocol back. */
function pickProtocol(protocols: Set<string>): string | false {
  if (protocols.has('realtime')) return 'realtime';
  for (const p of protocols) if (!p.startsWith('openai-insecure-api-key.')) return p;
  return false;
}

function sameKey(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

function errorBody(message: string, code: string | null): string {
  return JSON.stringify({ error: { message, type: 'invalid_request_error', param: null, code } });
}

function validateOptions(o: SimulatorOptions): void {
  const positive = (name: string, v: number | undefined) => {
    if (v !== undefined && !(Number.isFinite(v) && v > 0) && !(name === 'realtimeFactor' && v === Infinity)) {
      throw new RangeError(`simulator option ${name} must be a positive number, got ${v}`);
    }
  };
  positive('replyMs', o.replyMs);
  positive('realtimeFactor', o.realtimeFactor);
  positive('chunkMs', o.chunkMs);
  positive('live.chunkMs', o.live?.chunkMs);
  positive('realtimeFactor', o.live?.realtimeFactor);
  positive('live.usageIntervalMs', o.live?.usageIntervalMs);
  if (o.port !== undefined && !(Number.isInteger(o.port) && o.port >= 0 && o.port <= 65535)) {
    throw new RangeError(`simulator option port must be an integer 0-65535, got ${o.port}`);
  }
  if (o.dialect !== undefined && !['ga', 'beta', 'auto'].includes(o.dialect)) {
    throw new RangeError(`simulator option dialect must be ga, beta or auto, got ${String(o.dialect)}`);
  }
}
