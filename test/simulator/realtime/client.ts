import WebSocket from 'ws';
import type { RealtimeClientEvent } from 'openai/resources/realtime/realtime';
import { getDialect } from '../../../src/engine/realtime/dialects';
import type { DialectName, WireEvent } from '../../../src/engine/realtime/dialects/types';
import { specValidator } from '../../../src/simulator/realtime/spec/validator';
import { pcm16ToBase64 } from '../../../src/engine/audio/pcm';

/**
 * A plain ws client for simulator tests. It writes GA client events (encoded into the connection's
 * dialect), keeps every server event with its arrival time, checks each one against the spec, and
 * lets a test await events in order.
 */

export interface Received {
  at: number;
  event: WireEvent;
}

export interface ConnectOptions {
  dialect?: DialectName;
  headers?: Record<string, string>;
  path?: string;
}

export class TestClient {
  readonly received: Received[] = [];
  /** Server events that failed spec validation: every test expects none. */
  readonly invalid: Array<{ event: WireEvent; message: string }> = [];
  /** Frames that were not JSON. */
  readonly malformed: string[] = [];
  private cursor = 0;
  private waiters: Array<() => void> = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(
    readonly ws: WebSocket,
    readonly dialect: DialectName,
  ) {
    ws.on('message', (data) => {
      const text = String(data);
      let event: WireEvent;
      try {
        event = JSON.parse(text) as WireEvent;
      } catch {
        this.malformed.push(text);
        return;
      }
      const check = specValidator(dialect).validate('server', event);
      if (!check.ok && !event.type.startsWith('simulator.')) this.invalid.push({ event, message: check.message });
      this.received.push({ at: performance.now(), event });
      this.wake();
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => {
      this.wake();
      resolve({ code, reason: String(reason) });
    }));
  }

  static async connect(baseUrl: string, options: ConnectOptions = {}): Promise<TestClient> {
    const dialect = options.dialect ?? 'ga';
    const url = options.path ? new URL(options.path, baseUrl.replace(/^ws/, 'http')).href.replace(/^http/, 'ws') : baseUrl;
    const headers = { ...(dialect === 'beta' ? getDialect('beta').handshakeHeaders : {}), ...options.headers };
    const ws = new WebSocket(url, { headers });
    const client = new TestClient(ws, dialect);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  /** Sends a GA client event, translated to the connection's dialect. */
  send(event: RealtimeClientEvent): void {
    this.sendRaw(getDialect(this.dialect).encodeClient(event));
  }

  /** Sends any JSON value (or text) as is. */
  sendRaw(value: unknown): void {
    this.ws.send(typeof value === 'string' ? value : JSON.stringify(value));
  }

  appendAudio(pcm: Int16Array, chunkSamples = 480): void {
    for (let i = 0; i < pcm.length; i += chunkSamples) {
      this.send({ type: 'input_audio_buffer.append', audio: pcm16ToBase64(pcm.subarray(i, i + chunkSamples)) });
    }
  }

  /**
   * The next event (after the previous `next`) of this wire type, or matching the predicate.
   * Events skipped over stay in `received`.
   */
  async next(match: string | ((e: WireEvent) => boolean), timeoutMs = 10_000): Promise<WireEvent> {
    const test = typeof match === 'string' ? (e: WireEvent) => e.type === match : match;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.cursor < this.received.length) {
        const { event } = this.received[this.cursor++]!;
        if (test(event)) return event;
      }
      if (this.ws.readyState === WebSocket.CLOSED) throw new Error(`connection closed while waiting for ${String(match)}`);
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`timed out waiting for ${String(match)}; got ${this.types().slice(-12).join(', ')}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Received events of a wire type (from the start). */
  all(type: string): WireEvent[] {
    return this.received.filter((r) => r.event.type === type).map((r) => r.event);
  }

  types(): string[] {
    return this.received.map((r) => r.event.type);
  }

  /** Index in `received` of the first event matching, or -1. */
  indexOf(match: (e: WireEvent) => boolean): number {
    return this.received.findIndex((r) => match(r.event));
  }

  async close(): Promise<void> {
    if (this.ws.readyState !== WebSocket.CLOSED) {
      this.ws.close();
      await this.closed;
    }
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

export function audioDeltaType(dialect: DialectName): string {
  return dialect === 'ga' ? 'response.output_audio.delta' : 'response.audio.delta';
}

export function transcriptDeltaType(dialect: DialectName): string {
  return dialect === 'ga' ? 'response.output_audio_transcript.delta' : 'response.audio_transcript.delta';
}

export function transcriptDoneType(dialect: DialectName): string {
  return dialect === 'ga' ? 'response.output_audio_transcript.done' : 'response.audio_transcript.done';
}

export function itemAddedType(dialect: DialectName): string {
  return dialect === 'ga' ? 'conversation.item.added' : 'conversation.item.created';
}

/** Samples of a base64 PCM16 delta. */
export function deltaSamples(event: WireEvent): number {
  return Buffer.from(String(event.delta), 'base64').length / 2;
}
