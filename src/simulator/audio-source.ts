/** Audio rendered on demand, as the babble voice renders it. */
export interface AudioSource {
  readonly totalSamples: number;
  readonly remaining: number;
  /** Fills `out` with the next samples; returns how many were written (less than out.length at the end). */
  render(out: Int16Array): number;
}
