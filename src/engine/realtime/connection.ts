import { EventEmitter } from 'node:events';
import type { ClientRequest, IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import type { ErrorCode } from '../events';
import { say, type EngineMessage, type EngineMessageKey, type Words } from '../messages';
import { getDialect, type DecodeResult, type Dialect, type RealtimeClientEvent, type RealtimeServerEvent } from './dialects';
import { snippet } from './dialects/wire';
import type { Endpoint } from './endpoints';

/**
 * One JSON-event WebSocket: connect (with a timeout and typed handshake errors), send client
 * events, receive server events, close. A codec translates both ways: a Realtime dialect
 * (`RealtimeConnection`) or the GPT-Live codec (`engine/live/connection.ts`).
 *
 * One socket per instance: a reconnecting wrapper makes a new connection per attempt, listening to
 * `close` to decide. `close` is emitted only for a connection that opened.
 */

/**
 * Why a connection could not open: `code` for programs, `said` for people (a catalogue key, see
 * messages.ts), `message` the same in English for logs.
 */
export class ConnectionError extends Error {
  readonly said: EngineMessage;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly status?: number,
    said?: EngineMessage,
  ) {
    super(message);
    this.name = 'ConnectionError';
    // A ConnectionError made without a key (GPT-Live's own, until they have one) says its English.
    this.said = said ?? say('error.connectionFailed', { detail: message });
  }
}

export interface ProtocolErrorInfo {
  /** English, for logs. */
  message: string;
  /** What is wrong, for people: by key (messages.ts), or a codec's English where it is not on keys yet. */
  said: Words;
  /** At most 200 characters of what arrived. */
  raw: string;
}

export interface CloseInfo {
  code: number;
  reason: string;
  /** False when the socket dropped without a closing handshake (code 1006). */
  wasClean: boolean;
}

export interface ConnectionEvents<S = RealtimeServerEvent> {
  event: [S];
  'protocol-error': [ProtocolErrorInfo];
  close: [CloseInfo];
}

export interface ConnectionOptions {
  /** Default 10 s: from the start of the TCP connection to the end of the upgrade. */
  connectTimeoutMs?: number;
}

export type ConnectionState = 'idle' | 'connecting' | 'open' | 'closing' | 'closed';

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const BODY_LIMIT = 4_096;
const SERVER_MESSAGE_LIMIT = 200;

/** What a WebSocket connection needs of an endpoint (Realtime and GPT-Live endpoints both have it). */
export type SocketEndpoint = Pick<Endpoint, 'url' | 'headers' | 'authHeaders' | 'redactedUrl'>;

/** Client events to wire JSON, wire text to server events (never throwing). */
export interface WireCodec<C, S> {
  encode(event: C): unknown;
  decode(text: string): DecodeResult<S>;
}

export class WsConnection<C extends { type: string }, S> extends EventEmitter<ConnectionEvents<S>> {
  private readonly connectTimeoutMs: number;
  // A #private field: util.inspect(connection) must not reach the handshake request's headers.
  #ws: WebSocket | null = null;
  /** This connect's per-connect auth header values (a bearer token), to mask in what the server says. */
  #secrets: string[] = [];
  private stateValue: ConnectionState = 'idle';
  private firstEventValue: S | null = null;
  private abortConnect: ((error: ConnectionError) => void) | null = null;

  constructor(
    readonly endpoint: SocketEndpoint,
    private readonly codec: WireCodec<C, S>,
    options: ConnectionOptions = {},
  ) {
    super();
    this.connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  }

  get state(): ConnectionState {
    return this.stateValue;
  }

  /** Bytes queued in the socket but not yet sent: the caller's backpressure signal. */
  get bufferedAmount(): number {
    return this.#ws?.bufferedAmount ?? 0;
  }

  async connect(): Promise<void> {
    if (this.stateValue !== 'idle') {
      throw new ConnectionError('internal', `connect() was already called (the connection is ${this.stateValue}).`, undefined, say('failure.openedTwice'));
    }
    this.stateValue = 'connecting';
    const auth = await this.authHeaders();
    if (this.stateValue !== 'connecting') {
      throw new ConnectionError('network', 'The connection was closed before it opened.', undefined, say('failure.closedBeforeOpen'));
    }
    return this.open(auth);
  }

  /** The endpoint's per-connect auth headers (a fresh Entra token), or a ConnectionError saying why none came. */
  private async authHeaders(): Promise<Record<string, string>> {
    if (!this.endpoint.authHeaders) return {};
    try {
      return await this.endpoint.authHeaders();
    } catch (error) {
      this.stateValue = 'closed';
      const said = (error as { said?: EngineMessage }).said ?? say('auth.tokenFailed', { detail: (error as Error).message });
      throw new ConnectionError('auth', (error as Error).message, undefined, said);
    }
  }

  private open(auth: Record<string, string>): Promise<void> {
    const host = hostOf(this.endpoint.redactedUrl);
    this.#secrets = Object.values(auth);
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const ws = new WebSocket(this.endpoint.url, {
        headers: { ...this.endpoint.headers, ...auth },
        perMessageDeflate: false,
        handshakeTimeout: this.connectTimeoutMs,
      });
      this.#ws = ws;

      const fail = (error: ConnectionError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.abortConnect = null;
        this.stateValue = 'closed';
        ws.removeAllListeners();
        ws.on('error', () => {}); // terminate() may still report; nobody is listening any more
        ws.terminate();
        reject(error);
      };
      this.abortConnect = fail;

      const timer = setTimeout(() => fail(timedOut(host, this.connectTimeoutMs)), this.connectTimeoutMs);

      ws.on('unexpected-response', (req: ClientRequest, res: IncomingMessage) => {
        void readBody(res).then((body) => fail(handshakeError(res.statusCode ?? 0, body, this.endpoint, this.#secrets)));
        req.on('error', () => {});
      });
      ws.on('error', (err: NodeJS.ErrnoException) => fail(networkError(err, host, this.connectTimeoutMs)));
      ws.on('close', (code: number) =>
        fail(new ConnectionError('network', `${host} closed the connection during the handshake (${code}).`, undefined, say('failure.closedInHandshake', { host, code }))),
      );
      ws.on('open', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.abortConnect = null;
        this.stateValue = 'open';
        ws.removeAllListeners();
        this.attach(ws);
        resolve();
      });
    });
  }

  /** Encodes and sends one client event. Throws when not open or the codec cannot express it. */
  send(event: C): void {
    const ws = this.#ws;
    if (this.stateValue !== 'open' || !ws) {
      throw new ConnectionError('network', `Cannot send '${event.type}': the connection is ${this.stateValue}.`, undefined, say('failure.notOpen', { event: event.type }));
    }
    ws.send(JSON.stringify(this.codec.encode(event)));
  }

  /** Idempotent. A pending connect() rejects; an open socket closes with `code` and emits `close`. */
  close(code = 1000, reason = ''): void {
    if (this.stateValue === 'connecting') {
      if (this.abortConnect) this.abortConnect(new ConnectionError('network', 'The connection was closed before it opened.', undefined, say('failure.closedBeforeOpen')));
      else this.stateValue = 'closed'; // still fetching a token: connect() sees it and stops
      return;
    }
    if (this.stateValue !== 'open' || !this.#ws) {
      if (this.stateValue === 'idle') this.stateValue = 'closed';
      return;
    }
    this.stateValue = 'closing';
    this.#ws.close(code, reason);
  }

  /** The server's first event, kept: it often comes before the connection's owner listens (with the handshake's last bytes). */
  get firstEvent(): S | null {
    return this.firstEventValue;
  }

  /** Closes normally with nobody listening: its owner has moved on, so the close is no loss to report. */
  abandon(reason: string): void {
    this.removeAllListeners();
    this.on('close', () => {});
    this.close(1000, reason);
  }

  private attach(ws: WebSocket): void {
    ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
      if (isBinary) {
        const bytes = byteLength(data);
        this.emit('protocol-error', { message: 'The server sent a binary frame.', said: say('protocol.binaryFrame', { bytes }), raw: `(${bytes} bytes)` });
        return;
      }
      const text = textOf(data);
      const result = this.codec.decode(text);
      if (result.ok === true) {
        this.firstEventValue ??= result.event;
        this.emit('event', result.event);
      } else if (result.ok === false) this.emit('protocol-error', { message: result.error, said: result.said ?? result.error, raw: snippet(text) });
    });
    ws.on('error', () => {}); // a 'close' always follows, and carries what the caller needs
    ws.on('close', (code: number, reason: Buffer) => {
      this.stateValue = 'closed';
      this.#ws = null;
      this.emit('close', { code, reason: reason.toString('utf8'), wasClean: code !== 1006 });
    });
  }
}

/** A Realtime WebSocket: GA client and server events, translated by the endpoint's dialect. */
export class RealtimeConnection extends WsConnection<RealtimeClientEvent, RealtimeServerEvent> {
  readonly dialect: Dialect;
  declare readonly endpoint: Endpoint;

  constructor(endpoint: Endpoint, options: ConnectionOptions = {}) {
    const dialect = getDialect(endpoint.dialect);
    super(endpoint, { encode: (event) => dialect.encodeClient(event), decode: (text) => dialect.decodeServer(text) }, options);
    this.dialect = dialect;
  }

  /** The session's `session.created` (the server's first event), if it came. */
  get sessionCreated(): Extract<RealtimeServerEvent, { type: 'session.created' }> | null {
    const first = this.firstEvent;
    return first?.type === 'session.created' ? first : null;
  }
}

function textOf(data: WebSocket.RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

function byteLength(data: WebSocket.RawData): number {
  if (Array.isArray(data)) return data.reduce((n, b) => n + b.length, 0);
  return data.byteLength;
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/** The host to name in a message; a URL that does not parse (never a real endpoint's) shows as it was redacted. */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function timedOut(host: string, ms: number): ConnectionError {
  return new ConnectionError('network', `Connecting to ${host} timed out after ${seconds(ms)}.`, undefined, say('failure.timedOut', { host, ms }));
}

function networkError(err: NodeJS.ErrnoException, host: string, timeoutMs: number): ConnectionError {
  switch (err.code) {
    case 'ECONNREFUSED':
      return new ConnectionError('network', `Could not connect to ${host}: the connection was refused.`, undefined, say('failure.refused', { host }));
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ConnectionError('network', `Could not find ${host} (DNS lookup failed).`, undefined, say('failure.dnsFailed', { host }));
    case 'ECONNRESET':
      return new ConnectionError('network', `${host} reset the connection during the handshake.`, undefined, say('failure.reset', { host }));
    default:
      if (/handshake has timed out/i.test(err.message)) return timedOut(host, timeoutMs);
      // The OS's own words (err.message) are passed on as they are.
      return new ConnectionError('network', `Could not connect to ${host}: ${err.message}`, undefined, say('failure.other', { host, detail: err.message }));
  }
}

/** At most BODY_LIMIT bytes of the refused handshake's body (the server's JSON error, if any). */
function readBody(res: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => resolve(Buffer.concat(chunks).toString('utf8'));
    res.on('data', (chunk: Buffer) => {
      if (size < BODY_LIMIT) chunks.push(chunk.subarray(0, BODY_LIMIT - size));
      size += chunk.length;
      if (size >= BODY_LIMIT) {
        res.destroy();
        done();
      }
    });
    res.on('end', done);
    res.on('error', done);
    res.on('close', done);
  });
}

type StatusKey = Extract<EngineMessageKey, `failure.http${string}`>;

/** A refused upgrade by HTTP status: the code, the key, and the English of that key for logs. */
const STATUS: [test: (s: number) => boolean, code: ErrorCode, key: StatusKey, english: (s: number) => string][] = [
  [(s) => s === 401, 'auth', 'failure.httpKeyRejected', (s) => `The API key was rejected (${s}).`],
  [(s) => s === 403, 'auth', 'failure.httpNoAccess', (s) => `The API key has no access to this model or resource (${s}).`],
  [(s) => s === 404, 'not-found', 'failure.httpNotFound', (s) => `The model or deployment was not found (${s}).`],
  [(s) => s === 429, 'rate-limit', 'failure.httpTooManyRequests', (s) => `Too many requests, or the quota is used up (${s}).`],
  [(s) => s >= 500, 'server', 'failure.httpServerFailed', (s) => `The server failed to open the session (${s}).`],
  [(s) => s >= 400, 'config', 'failure.httpRefused', (s) => `The server refused the request (${s}); check the endpoint settings.`],
  [() => true, 'network', 'failure.http', (s) => `The server answered the WebSocket upgrade with HTTP ${s}.`],
];

/** A 401/403 answering a Microsoft Entra token: the token, or the account's role on the resource. */
const ENTRA_STATUS: Record<number, [StatusKey | 'failure.entraRejected' | 'failure.entraNoRole', (s: number) => string]> = {
  401: ['failure.entraRejected', (s) => `The Microsoft Entra token was refused (${s}): sign in again, or check the resource's tenant.`],
  403: ['failure.entraNoRole', (s) => `Your account lacks the Cognitive Services OpenAI User role on this resource (${s}).`],
};

function handshakeError(status: number, body: string, endpoint: SocketEndpoint, secrets: readonly string[]): ConnectionError {
  const found = STATUS.find(([test]) => test(status))!;
  const entra = endpoint.authHeaders ? ENTRA_STATUS[status] : undefined;
  const [, code] = found;
  const [key, english] = entra ?? [found[2], found[3]];
  const why = say(key, { status });
  const detail = serverMessage(body, [...Object.values(endpoint.headers), ...secrets]);
  return detail
    ? new ConnectionError(code, `${english(status)} The server said: ${detail}`, status, say('failure.serverSaid', { failure: why, detail }))
    : new ConnectionError(code, english(status), status, why);
}

/** The `error.message` (or `message`) of a JSON body, with every credential value masked. */
function serverMessage(body: string, secrets: readonly string[]): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  const root = parsed as { error?: { message?: unknown } | string; message?: unknown } | null;
  const candidate = typeof root?.error === 'object' && root.error !== null ? root.error.message : (root?.error ?? root?.message);
  if (typeof candidate !== 'string' || candidate.trim() === '') return undefined;
  let text = candidate.trim();
  for (const value of secrets) {
    for (const secret of [value, value.replace(/^Bearer\s+/i, '')]) {
      if (secret.length >= 4) text = text.split(secret).join('***');
    }
  }
  return text.length > SERVER_MESSAGE_LIMIT ? `${text.slice(0, SERVER_MESSAGE_LIMIT - 1)}…` : text;
}
