import type { AssistantEvent } from '../shared/ipc';

/** ~60 Hz. */
export const FLUSH_INTERVAL_MS = 16;

/**
 * Coalesces assistant events into one IPC message per ~16 ms: `levels` keep only the latest value
 * (the pulse needs the current level, not every audio chunk's), everything else is delivered in
 * order. The timer runs only while something is pending.
 */
export class EventBatcher {
  private pending: AssistantEvent[] = [];
  private levels: AssistantEvent | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly send: (events: AssistantEvent[]) => void,
    private readonly intervalMs = FLUSH_INTERVAL_MS,
  ) {}

  push(event: AssistantEvent): void {
    if (event.type === 'levels') this.levels = event;
    else this.pending.push(event);
    this.timer ??= setTimeout(() => this.flush(), this.intervalMs);
  }

  flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0 && this.levels === undefined) return;
    const batch = this.levels ? [...this.pending, this.levels] : this.pending;
    this.pending = [];
    this.levels = undefined;
    this.send(batch);
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = [];
    this.levels = undefined;
  }
}
