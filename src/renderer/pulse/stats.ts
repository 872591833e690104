/**
 * Frame-time figures of the pulse, for the e2e test and the benchmark: numbers only. Ring buffers
 * of the last `PULSE_STATS_CAPACITY` frames, indexed by `frames % capacity`.
 */
export const PULSE_STATS_CAPACITY = 600;

export interface PulseStats {
  /** Frames drawn since the pulse mounted. */
  frames: number;
  /** Time between consecutive animation frames, ms. */
  intervalsMs: Float64Array;
  /** Time spent drawing each frame, ms. */
  drawMs: Float64Array;
  /** Radius of the pulse's disc in the last frame, CSS pixels. */
  radiusPx: number;
}

declare global {
  interface Window {
    __kaiwaPulseStats?: PulseStats;
  }
}

export function createPulseStats(): PulseStats {
  return {
    frames: 0,
    intervalsMs: new Float64Array(PULSE_STATS_CAPACITY),
    drawMs: new Float64Array(PULSE_STATS_CAPACITY),
    radiusPx: 0,
  };
}

export function recordFrame(stats: PulseStats, intervalMs: number, drawMs: number, radiusPx: number): void {
  const slot = stats.frames % PULSE_STATS_CAPACITY;
  stats.intervalsMs[slot] = intervalMs;
  stats.drawMs[slot] = drawMs;
  stats.radiusPx = radiusPx;
  stats.frames += 1;
}
