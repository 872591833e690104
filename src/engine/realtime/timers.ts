/**
 * The timers a long-lived connection keeper owns, so that one call cancels them all when it gives
 * up or closes (a forgotten timer would fire a reconnect after the end).
 */
export class TimerSet {
  private readonly timers = new Set<NodeJS.Timeout>();

  /** Runs `action` after `ms`; `unref` lets the process exit while it waits. */
  later(ms: number, action: () => void, unref = false): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      action();
    }, ms);
    if (unref) timer.unref();
    this.timers.add(timer);
    return timer;
  }

  clear(timer: NodeJS.Timeout | null): void {
    if (!timer) return;
    clearTimeout(timer);
    this.timers.delete(timer);
  }

  clearAll(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
