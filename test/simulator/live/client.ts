import WebSocket from 'ws';
import type { ClientEvent } from 'openai/resources/live/live';
import { pcm16ToBase64 } from '../../../src/engine/audio/pcm';
import { liveSpecValidator } from '../../../src/simulator/live/spec/validator';

/**
 * A plain ws client for the GPT-Live simulator: sends typed Live client events, keeps every server
 * event with its arrival time, checks each against the Live spec, and lets a test await events.
 */

export interface LiveEvent {
  type: string;
  [key: string]: unknown;
}

export interface Received {
  at: number;
  event: LiveEvent;
}

export class LiveTestClient {
  readonly received: Received[] = [];
  /** Server events that failed spec validation: every test expects none. */
  readonly invalid: Array<{ event: LiveEvent; message: string }> = [];
  readonly malformed: string[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private cursor = 0;
  private waiters: Array<() => void> = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const text = String(data);
      let event: LiveEvent;
      try {
        event = JSON.parse(text) as LiveEvent;
      } catch {
        this.malformed.push(text);
        return;
      }
      const check = liveSpecValidator().validate('server', event);
      if (!check.ok && !event.type.startsWith('simulator.')) this.invalid.push({ event, message: check.message });
      this.received.push({ at: performance.now(), event });
      this.wake();
    });
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => {
        this.wake();
        resolve({ code, reason: String(reason) });
      }),
    );
  }

  static async connect(url: string, headers: Record<string, string> = {}): Promise<LiveTestClient> {
    const ws = new WebSocket(url, { headers });
    const client = new LiveTestClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  send(event: ClientEvent): void {
    this.sendRaw(event);
  }

  sendRaw(value: unknown): void {
    this.ws.send(typeof value === 'string' ? value : JSON.stringify(value));
  }

  /** `session.start` with the given session (model gpt-live-1 unless set), then waits for `session.started`. */
  async start(session: Partial<Extract<ClientEvent, { type: 'session.start' }>['session']> = {}): Promise<LiveEvent> {
    this.send({ type: 'session.start', session: { model: 'gpt-live-1', ...session } });
    return this.next('session.started');
  }

  /** Sends audio as fast as the socket takes it. */
  appendAudio(pcm: Int16Array, chunkSamples = 480): void {
    for (let i = 0; i < pcm.length; i += chunkSamples) {
      this.send({ type: 'session.input_audio.append', audio: pcm16ToBase64(pcm.subarray(i, i + chunkSamples)) });
    }
  }

  /** Sends audio at real-time pace, 20 ms a chunk, as a microphone would. Resolves once all is sent. */
  async streamAudio(pcm: Int16Array, chunkMs = 20): Promise<void> {
    const chunk = chunkMs * 24;
    const began = performance.now();
    for (let i = 0, n = 0; i < pcm.length; i += chunk, n++) {
      const due = began + n * chunkMs;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (this.ws.readyState !== WebSocket.OPEN) return;
      this.send({ type: 'session.input_audio.append', audio: pcm16ToBase64(pcm.subarray(i, i + chunk)) });
    }
  }

  async next(match: string | ((e: LiveEvent) => boolean), timeoutMs = 10_000): Promise<LiveEvent> {
    const test = typeof match === 'string' ? (e: LiveEvent) => e.type === match : match;
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

  all(type: string): LiveEvent[] {
    return this.received.filter((r) => r.event.type === type).map((r) => r.event);
  }

  allReceived(type: string): Received[] {
    return this.received.filter((r) => r.event.type === type);
  }

  types(): string[] {
    return this.received.map((r) => r.event.type);
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

/** Joined `delta`s of events of a type. */
export function joined(events: LiveEvent[]): string {
  return events.map((e) => String(e.delta)).join('');
}
