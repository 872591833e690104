/**
 * The session's input audio buffer as positions on the session's input clock (samples appended
 * since the session began), so VAD positions map straight onto it. The simulator never replays
 * or transcribes input audio, so it keeps the extent of the buffer, not its samples.
 */
export class InputBuffer {
  /** Clock position of the first buffered sample. */
  private start = 0;
  /** Clock position just past the last sample (= all samples ever appended). */
  private stop = 0;

  get end(): number {
    return this.stop;
  }

  get first(): number {
    return this.start;
  }

  get size(): number {
    return this.stop - this.start;
  }

  append(samples: number): void {
    this.stop += samples;
  }

  /** Forgets everything before clock position `position`. */
  dropBefore(position: number): void {
    this.start = Math.min(Math.max(this.start, position), this.stop);
  }

  clear(): void {
    this.start = this.stop;
  }
}
