/**
 * When to check: shortly after start, then every six hours. A check that falls due during a
 * conversation waits for its end (`idle()`); a failed check is not retried before the next one
 * (no retry storm: the next time is the schedule's or the user's "Check now").
 */
export const CHECK_EVERY_MS = 6 * 60 * 60 * 1000;
/** After start: the app is up and the first conversation has its network to itself for a moment. */
export const FIRST_CHECK_AFTER_MS = 15_000;

export class CheckSchedule {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private due = false;

  constructor(
    private readonly check: () => void,
    private readonly busy: () => boolean,
    private readonly timing = { first: FIRST_CHECK_AFTER_MS, every: CHECK_EVERY_MS },
  ) {}

  get running(): boolean {
    return this.timer !== undefined;
  }

  start(): void {
    if (!this.running) this.arm(this.timing.first);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.due = false;
  }

  /** The conversation ended: a check that fell due meanwhile runs now. */
  idle(): void {
    if (!this.due || this.busy()) return;
    this.due = false;
    this.check();
  }

  private arm(ms: number): void {
    this.timer = setTimeout(() => {
      this.arm(this.timing.every);
      if (this.busy()) this.due = true;
      else this.check();
    }, ms);
    this.timer.unref?.();
  }
}
