/**
 * Re-chunks a stream of Int16Array pieces of any length into fixed-size frames (e.g. 240 samples,
 * 10 ms at 24 kHz). Each emitted frame is a new array the receiver may keep, unless `reuse` is set:
 * then one buffer serves every frame, valid only during the callback (for receivers that copy or
 * consume it at once, on the audio path). Nothing else is allocated per call.
 */
export class Framer {
  private current: Int16Array;
  private fill = 0;
  private readonly reuse: boolean;

  constructor(
    readonly frameSamples: number,
    private readonly onFrame: (frame: Int16Array) => void,
    options: { reuse?: boolean } = {},
  ) {
    if (!Number.isInteger(frameSamples) || frameSamples < 1) throw new RangeError(`invalid frame size: ${frameSamples}`);
    this.current = new Int16Array(frameSamples);
    this.reuse = options.reuse ?? false;
  }

  /** Samples waiting for a full frame. */
  get pending(): number {
    return this.fill;
  }

  push(pcm: Int16Array): void {
    const size = this.frameSamples;
    let i = 0;
    while (i < pcm.length) {
      const n = Math.min(size - this.fill, pcm.length - i);
      const frame = this.current;
      frame.set(pcm.subarray(i, i + n), this.fill);
      this.fill += n;
      i += n;
      if (this.fill === size) {
        if (!this.reuse) this.current = new Int16Array(size);
        this.fill = 0;
        this.onFrame(frame);
      }
    }
  }

  /** Emits the partial frame, zero-padded, if any samples are pending. */
  flush(): void {
    if (this.fill === 0) return;
    const frame = this.current;
    frame.fill(0, this.fill); // a reused buffer holds the last frame's samples
    this.current = new Int16Array(this.frameSamples);
    this.fill = 0;
    this.onFrame(frame);
  }

  /** Emits the pending samples, if any, as a shorter frame (the tail of a stream that ends here). */
  drain(): void {
    if (this.fill === 0) return;
    const frame = this.current.subarray(0, this.fill);
    this.current = new Int16Array(this.frameSamples);
    this.fill = 0;
    this.onFrame(frame);
  }

  /** Drops pending samples. */
  reset(): void {
    this.current.fill(0);
    this.fill = 0;
  }
}
