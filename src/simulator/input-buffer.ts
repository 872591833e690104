/**
 * The session's input audio buffer: PCM16 samples addressed by their position on the session's
 * input clock (samples appended since the session began), so VAD positions map straight onto it.
 */
export class InputBuffer {
  private data = new Int16Array(24_000);
  private length = 0;
  /** Clock position of data[0]. */
  private start = 0;

  /** Clock position just past the last sample (= all samples ever appended). */
  get end(): number {
    return this.start + this.length;
  }

  get first(): number {
    return this.start;
  }

  get size(): number {
    return this.length;
  }

  append(pcm: Int16Array): void {
    if (this.length + pcm.length > this.data.length) {
      const grown = new Int16Array(Math.max(this.data.length * 2, this.length + pcm.length));
      grown.set(this.data.subarray(0, this.length));
      this.data = grown;
    }
    this.data.set(pcm, this.length);
    this.length += pcm.length;
  }

  /** A copy of clock range [from, to), clamped to what is held. */
  copy(from: number, to: number): Int16Array {
    const a = Math.max(from, this.start) - this.start;
    const b = Math.min(to, this.end) - this.start;
    return b > a ? this.data.slice(a, b) : new Int16Array(0);
  }

  /** Forgets everything before clock position `position`. */
  dropBefore(position: number): void {
    const n = Math.min(Math.max(0, position - this.start), this.length);
    if (n === 0) return;
    this.data.copyWithin(0, n, this.length);
    this.length -= n;
    this.start += n;
  }

  clear(): void {
    this.dropBefore(this.end);
  }
}
