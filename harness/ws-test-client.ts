import WebSocket from 'ws';
import type { WireEvent } from '../src/engine/realtime/dialects/types';

/**
 * A plain ws client for simulator tests, whatever the protocol: keeps every server event with its
 * arrival time, checks each one against the protocol's spec, and lets a test await events in order.
 * Each protocol's client (test/simulator/realtime, test/simulator/live) adds how it connects and sends.
 */

export interface Received {
  at: number;
  event: WireEvent;
}

/** Checks a server event against the protocol's spec. */
export type ServerEventCheck = (event: WireEvent) => { ok: true } | { ok: false; message: string };

export class WsTestClient {
  readonly received: Received[] = [];
  /** Server events that failed spec validation: every test expects none. */
  readonly invalid: Array<{ event: WireEvent; message: string }> = [];
  /** Frames that were not JSON. */
  readonly malformed: string[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private cursor = 0;
  private waiters: Array<() => void> = [];

  protected constructor(
    readonly ws: WebSocket,
    check: ServerEventCheck,
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
      const result = check(event);
      if (!result.ok && !event.type.startsWith('simulator.')) this.invalid.push({ event, message: result.message });
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

  /** Resolves once `ws` is open, rejects on a failed handshake. */
  protected static opened(ws: WebSocket): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
  }

  /** Sends any JSON value (or text) as is. */
  sendRaw(value: unknown): void {
    this.ws.send(typeof value === 'string' ? value : JSON.stringify(value));
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
    return this.allReceived(type).map((r) => r.event);
  }

  /** Received events of a wire type (from the start), with their arrival times. */
  allReceived(type: string): Received[] {
    return this.received.filter((r) => r.event.type === type);
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
