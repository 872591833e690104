/**
 * Calls `tick(framesDue)` so that, on average, one frame is due per `frameMs / speed` of wall
 * time. The count comes from elapsed time since start (not from counting timer ticks), so timer
 * jitter and a busy event loop never make the stream drift: late ticks deliver the frames owed.
 */
export class FramePacer {
  private timer: NodeJS.Timeout | null = null;
  private startedAt = 0;
  private framesDone = 0;

  constructor(
    private readonly frameMs: number,
    private readonly speed: number,
    private readonly tick: (framesDue: number) => void,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(speed > 0) || !Number.isFinite(speed)) throw new RangeError(`invalid speed: ${speed}`);
  }

  get running(): boolean {
    return this.timer !== null;
  }

  /** Frames handed out so far. */
  get frames(): number {
    return this.framesDone;
  }

  start(): void {
    if (this.timer) return;
    this.startedAt = this.now();
    this.framesDone = 0;
    const intervalMs = Math.max(1, this.frameMs / this.speed / 2);
    this.timer = setInterval(() => this.run(), intervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private run(): void {
    const elapsedMs = (this.now() - this.startedAt) * this.speed;
    const due = Math.floor(elapsedMs / this.frameMs) - this.framesDone;
    if (due <= 0) return;
    this.framesDone += due;
    this.tick(due);
  }
}
