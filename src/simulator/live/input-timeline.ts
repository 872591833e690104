import { samplesToMs } from '../../engine/audio/pcm';

/**
 * Maps positions on the input audio clock (samples appended since the session started) to the
 * session timeline (ms since `session.started`): a sample is placed by when the chunk holding it
 * arrived, less the audio after it in that chunk. A client streaming in real time gets times that
 * match its own clock; one sending faster than real time gets them compressed.
 */
export class InputTimeline {
  /** Recent chunks: [first sample, end sample, arrival ms]. */
  private readonly chunks: Array<[number, number, number]> = [];
  private end = 0;

  append(samples: number, arrivalMs: number): void {
    this.chunks.push([this.end, this.end + samples, arrivalMs]);
    this.end += samples;
    if (this.chunks.length > 1000) this.chunks.splice(0, this.chunks.length - 500);
  }

  msAt(sample: number): number {
    for (let i = this.chunks.length - 1; i >= 0; i--) {
      const [first, end, arrival] = this.chunks[i]!;
      if (sample >= first || i === 0) return Math.max(0, Math.round(arrival - samplesToMs(end - sample)));
    }
    return 0;
  }
}
