import { MALFORMED_FRAME, UNKNOWN_EVENT_TYPE, type FaultPlan } from './faults';
import { newId } from './ids';

/**
 * The way out of one simulated session: every server frame passes here, where the fault plan
 * (drop, delay, malformed or unknown frames) applies and sent frames are recorded. Both protocols
 * (Realtime, GPT-Live) send through it.
 */

export interface SessionTransport {
  send(text: string): void;
  close(code: number, reason: string): void;
  /** Drops the connection without a close frame. */
  terminate(): void;
}

/** A wire event as received or sent, stamped with `performance.now()` (ms). */
export interface Recorded<T> {
  at: number;
  event: T;
}

export interface WireObject {
  type: string;
  [key: string]: unknown;
}

export class Outbox {
  /** Every server frame sent (the wire object, or raw text for injected malformed frames), up to the record limit. */
  readonly sent: Recorded<WireObject | string>[] = [];
  private count = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private disposed = false;

  constructor(
    private readonly transport: SessionTransport,
    private readonly faults: FaultPlan,
    private readonly recordLimit: number,
    /** Called when a `dropAfterEvents` fault cuts the connection. */
    private readonly onDrop: () => void,
    private readonly malformedFrame = MALFORMED_FRAME,
  ) {}

  get closed(): boolean {
    return this.disposed;
  }

  send(wire: WireObject): void {
    if (this.disposed) return;
    const text = JSON.stringify(wire);
    const n = ++this.count;
    const faults = this.faults;
    if (faults.unknownEventAtEvent === n) {
      const unknown = JSON.stringify({ type: UNKNOWN_EVENT_TYPE, event_id: newId('event') });
      this.out(() => this.transport.send(unknown));
    }
    const frame = faults.malformedAtEvent === n ? this.malformedFrame : text;
    this.record(this.sent, performance.now(), frame === text ? wire : frame);
    this.out(() => this.transport.send(frame));
    if (faults.dropAfterEvents !== undefined && n >= faults.dropAfterEvents) {
      this.out(() => this.transport.terminate());
      this.onDrop();
    }
  }

  /** Closes the socket after everything already sent (respecting the fault plan's delay). */
  close(code: number, reason: string): void {
    this.out(() => this.transport.close(code, reason));
  }

  /**
   * Runs `action` now, or after the fault plan's delay (timers of equal delay keep their order).
   * Delayed frames are already decided, so they still go out after `dispose()`; the transport
   * drops them if the socket is gone.
   */
  out(action: () => void): void {
    const delay = this.faults.delayMs;
    if (!delay) action();
    else setTimeout(action, delay);
  }

  /** Runs `action` after `ms` unless the session is disposed first. */
  later(ms: number, action: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.disposed) action();
    }, ms);
    this.timers.add(timer);
    return timer;
  }

  cancel(timer: NodeJS.Timeout | undefined): void {
    if (!timer) return;
    clearTimeout(timer);
    this.timers.delete(timer);
  }

  /** Parses a client text frame and records it in `list`: the JSON value, or the raw text when it is not JSON. */
  receiveText(list: Recorded<unknown>[], text: string): { ok: true; value: unknown } | { ok: false; message: string } {
    const at = performance.now();
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      this.record(list, at, text);
      return { ok: false, message: `Invalid JSON: ${(err as Error).message}` };
    }
    this.record(list, at, value);
    return { ok: true, value };
  }

  record<T>(list: Recorded<T>[], at: number, event: T): void {
    if (list.length < this.recordLimit) list.push({ at, event });
  }

  dispose(): void {
    this.disposed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
