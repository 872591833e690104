import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ENGINE_SAMPLE_RATE,
  measureLevel,
  pcm16ToBase64,
  pcm16ToBytes,
  streamingWavHeader,
  InputError,
  TurnError,
  type AssistantEvent,
  type ConversationOptions,
  type Credentials,
  type RecordingDecoder,
  type Settings,
} from '../engine';
import { englishT, messageWords } from '../shared/i18n';
import { Conversations } from './conversations';
import { hostAllowed, tokenAllowed } from './guard';
import { Refusal } from './refusal';
import { checkMediaType, checkPicturesTaken, readTurnRequest, refusalOf, type TurnRequest } from './turn-request';

/**
 * Kaiwa as a voice endpoint: `POST /v1/turn` with a recording (any format audio/decode reads)
 * runs one turn of a conversation and streams the spoken answer back as it is made, as
 * `audio/wav` (chunked, a header that needs no seeking) or, with `Accept: application/x-ndjson`,
 * as JSON lines (transcript deltas, base64 audio chunks with their level, usage, the end).
 *
 * It listens on 127.0.0.1 only and spends the user's API key, so: a bearer token, a `Host` that
 * names the loopback address and port (DNS rebinding), no CORS allowances, a body limit, a limit
 * on turns at once, and every refusal a JSON error with its status, never a crash.
 */

export interface KaiwaServerOptions {
  settings: Settings;
  credentials: Credentials;
  /** The in-process simulator's URL, for provider 'local'. */
  localUrl?: string;
  token: string;
  /** 0 picks a free port. */
  port: number;
  /** Largest recording accepted, in bytes. Default 25 MB. */
  maxBodyBytes?: number;
  /** Turns running at once. Default 4. */
  maxConcurrentTurns?: number;
  /** A conversation unused this long is closed. Default 10 minutes. */
  conversationIdleMs?: number;
  maxConversations?: number;
  resilience?: ConversationOptions['resilience'];
  turnTimeoutMs?: number;
  log?: (line: string) => void;
  /** Decodes m4a/AAC: the system's ffmpeg unless given (the desktop app passes Chromium's). */
  decodeAac?: RecordingDecoder;
}

export interface KaiwaServer {
  readonly url: string;
  readonly port: number;
  /** Turns running now. */
  readonly activeTurns: number;
  readonly conversations: number;
  close(): Promise<void>;
}

export const TURN_PATH = '/v1/turn';
export const CONVERSATION_HEADER = 'x-kaiwa-conversation';
const NDJSON = 'application/x-ndjson';
const CONVERSATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export async function startKaiwaServer(options: KaiwaServerOptions): Promise<KaiwaServer> {
  const maxBody = options.maxBodyBytes ?? 25 * 1024 * 1024;
  const maxTurns = options.maxConcurrentTurns ?? 4;
  const log = options.log ?? (() => {});
  const conversations = new Conversations(
    () => ({
      settings: options.settings,
      credentials: options.credentials,
      ...(options.localUrl ? { localUrl: options.localUrl } : {}),
      ...(options.resilience ? { resilience: options.resilience } : {}),
      ...(options.turnTimeoutMs ? { turnTimeoutMs: options.turnTimeoutMs } : {}),
      log,
    }),
    options.conversationIdleMs ?? 10 * 60_000,
    options.maxConversations ?? 64,
  );
  let active = 0;
  let port = options.port;

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      log(`serve: ${(error as Error).message}`);
      if (!response.headersSent) sendError(response, 500, 'internal', 'internal error');
      else response.destroy();
    });
  });
  server.headersTimeout = 15_000;
  server.requestTimeout = 0; // a turn streams for as long as the model speaks

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      check(request);
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      // The body is not read: the connection closes after the answer.
      response.setHeader('Connection', 'close');
      return sendError(response, error.status, error.code, error.message, error.status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {});
    }
    if (active >= maxTurns) {
      response.setHeader('Connection', 'close');
      return sendError(response, 429, 'busy', `${maxTurns} turns are running; try again shortly`, { 'Retry-After': '1' });
    }
    active++;
    try {
      await turn(request, response);
    } finally {
      active--;
    }
  }

  function check(request: IncomingMessage): void {
    if (!hostAllowed(request.headers.host, port)) throw new Refusal(403, 'host', `Host must be 127.0.0.1:${port}`);
    const path = (request.url ?? '/').split('?')[0];
    if (path !== TURN_PATH) throw new Refusal(404, 'not-found', `no such endpoint; POST ${TURN_PATH}`);
    if (request.method !== 'POST') throw new Refusal(405, 'method', `use POST ${TURN_PATH}`);
    if (!tokenAllowed(request, options.token)) throw new Refusal(401, 'auth', 'missing or wrong bearer token');
    checkMediaType(request);
    const id = request.headers[CONVERSATION_HEADER];
    if (id !== undefined && (typeof id !== 'string' || !CONVERSATION_ID.test(id))) {
      throw new Refusal(400, 'conversation', 'X-Kaiwa-Conversation must be 1-128 letters, digits or ._:-');
    }
  }

  async function turn(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let asked: TurnRequest;
    try {
      asked = await readTurnRequest(request, maxBody, options.decodeAac);
      checkPicturesTaken(asked, options.settings);
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      response.setHeader('Connection', 'close');
      return sendError(response, error.status, error.code, error.message);
    }
    // (The request stream is destroyed once read to its end; the response tells whether the client is still there.)
    if (response.destroyed) return;

    const id = request.headers[CONVERSATION_HEADER] as string | undefined;
    const conversation = conversations.get(id);
    if (conversation.busy) return sendError(response, 429, 'busy', 'this conversation is already answering; wait for its turn to end');
    const ndjson = (request.headers.accept ?? '').includes(NDJSON);
    const stream = ndjson ? new NdjsonReply(response, id) : new WavReply(response, id);

    const cancel = new AbortController();
    // The client went away before the reply ended: cancel the turn at the model.
    response.on('close', () => {
      if (!response.writableFinished) cancel.abort();
    });
    request.socket.setNoDelay(true);
    try {
      const result = await conversation.turn(asked, { audio: (pcm) => stream.audio(pcm), event: (event) => stream.event(event) }, cancel.signal);
      if (result.completed) stream.end(result);
      else log(`serve: turn cancelled (the client went away)`);
    } catch (error) {
      if (error instanceof InputError) {
        const refusal = refusalOf(error);
        return sendError(response, refusal.status, refusal.code, refusal.message);
      }
      if (!(error instanceof TurnError)) throw error;
      log(`serve: turn failed: ${englishOf(error)}`);
      stream.fail(error);
    } finally {
      if (!conversations.kept(conversation)) void conversation.close();
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get activeTurns() {
      return active;
    },
    get conversations() {
      return conversations.size;
    },
    async close() {
      await conversations.closeAll();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** A failed turn in English, for the program that called (and the log). */
function englishOf(error: TurnError): string {
  return error.said ? messageWords(englishT(), error.said) : error.message;
}

/**
 * A JSON error for the program that called: `code` is what it acts on, `message` plain English for
 * its developer. Deliberately not through the i18n catalogues: no person reads these as Kaiwa's
 * words (the front ends' own words all are).
 */
function sendError(response: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const body = JSON.stringify({ error: { code, message } });
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store', ...headers });
  response.end(body);
}

/** The status of a turn that failed before anything was sent: the model (or its connection) failed. */
function statusOf(error: TurnError): number {
  return error.code === 'rate-limit' ? 429 : 502;
}

interface ReplyStream {
  audio(pcm: Int16Array): void;
  event(event: AssistantEvent): void;
  end(result: { usage?: unknown; seconds?: number }): void;
  fail(error: TurnError): void;
}

const commonHeaders = (id: string | undefined) => ({
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  ...(id ? { 'X-Kaiwa-Conversation': id } : {}),
});

/** `audio/wav`, chunked: the header with the first audio, then the samples as they come. */
class WavReply implements ReplyStream {
  constructor(
    private readonly response: ServerResponse,
    private readonly id: string | undefined,
  ) {}

  audio(pcm: Int16Array): void {
    if (this.response.destroyed) return;
    this.begin();
    this.response.write(Buffer.from(pcm16ToBytes(pcm)));
  }

  event(): void {}

  end(): void {
    if (this.response.destroyed) return;
    this.begin(); // a reply without audio is an empty WAV
    this.response.end();
  }

  fail(error: TurnError): void {
    if (!this.response.headersSent) return sendError(this.response, statusOf(error), error.code, englishOf(error));
    // Mid-stream: the transfer is cut short (no last chunk), so the client knows it is incomplete.
    this.response.destroy();
  }

  private begin(): void {
    if (this.response.headersSent) return;
    this.response.writeHead(200, { 'Content-Type': 'audio/wav', ...commonHeaders(this.id) });
    this.response.write(streamingWavHeader(ENGINE_SAMPLE_RATE));
  }
}

/** `application/x-ndjson`: one JSON object a line, for clients that draw a pulse or show text. */
class NdjsonReply implements ReplyStream {
  constructor(
    private readonly response: ServerResponse,
    private readonly id: string | undefined,
  ) {}

  audio(pcm: Int16Array): void {
    const level = measureLevel(pcm);
    this.line({ type: 'audio', audio: pcm16ToBase64(pcm), ms: (pcm.length * 1000) / ENGINE_SAMPLE_RATE, rmsDb: level.rmsDb, peakDb: level.peakDb });
  }

  event(event: AssistantEvent): void {
    switch (event.type) {
      case 'transcript.delta':
        return this.line({ type: 'transcript.delta', speaker: event.speaker, delta: event.delta });
      case 'transcript.final':
        return this.line({ type: 'transcript', speaker: event.speaker, text: event.text, ...(event.typed ? { typed: true } : {}) });
      case 'picture': {
        const { thumbnail: _thumbnail, ...picture } = event.picture;
        return this.line({ type: 'picture', picture });
      }
      case 'usage':
        return this.line({ type: 'usage', usage: event.usage });
      case 'session.usage':
        return this.line({ type: 'usage', seconds: event.seconds });
      default:
        return;
    }
  }

  end(result: { usage?: unknown; seconds?: number }): void {
    this.line({ type: 'done', ...(this.id ? { conversation: this.id } : {}), ...(result.usage ? { usage: result.usage } : {}), ...(result.seconds !== undefined ? { seconds: result.seconds } : {}) });
    if (!this.response.destroyed) this.response.end();
  }

  fail(error: TurnError): void {
    if (!this.response.headersSent) return sendError(this.response, statusOf(error), error.code, englishOf(error));
    this.line({ type: 'error', code: error.code, message: englishOf(error) });
    if (!this.response.destroyed) this.response.end();
  }

  private line(value: object): void {
    if (this.response.destroyed) return;
    if (!this.response.headersSent) this.response.writeHead(200, { 'Content-Type': `${NDJSON}; charset=utf-8`, ...commonHeaders(this.id) });
    this.response.write(`${JSON.stringify(value)}\n`);
  }
}
