/**
 * Levels of PCM16 frames in dBFS (0 = full scale, 32768), and the smoothing/throttling that turns
 * per-frame levels into the at-most-60 Hz `levels` events the pulse animates from.
 *
 * Convention: a full-scale square wave is 0 dBFS RMS; a full-scale sine is about -3 dBFS RMS.
 */
import { SILENCE_DB, type Level } from '../events';

const FULL_SCALE = 32768;

export function amplitudeToDb(amplitude: number): number {
  if (!(amplitude > 0)) return SILENCE_DB;
  return Math.max(SILENCE_DB, 20 * Math.log10(amplitude / FULL_SCALE));
}

export function rmsDb(frame: Int16Array, start = 0, end = frame.length): number {
  if (end <= start) return SILENCE_DB;
  let sum = 0;
  for (let i = start; i < end; i++) {
    const v = frame[i]!;
    sum += v * v;
  }
  return amplitudeToDb(Math.sqrt(sum / (end - start)));
}

export function peakDb(frame: Int16Array, start = 0, end = frame.length): number {
  let peak = 0;
  for (let i = start; i < end; i++) {
    const v = frame[i]!;
    const a = v < 0 ? -v : v;
    if (a > peak) peak = a;
  }
  return amplitudeToDb(peak);
}

/** RMS and peak in one pass. Fills `out` when given (no allocation). */
export function measureLevel(frame: Int16Array, out: Level = { rmsDb: SILENCE_DB, peakDb: SILENCE_DB }): Level {
  let sum = 0;
  let peak = 0;
  for (let i = 0; i < frame.length; i++) {
    const v = frame[i]!;
    sum += v * v;
    const a = v < 0 ? -v : v;
    if (a > peak) peak = a;
  }
  out.rmsDb = frame.length === 0 ? SILENCE_DB : amplitudeToDb(Math.sqrt(sum / frame.length));
  out.peakDb = amplitudeToDb(peak);
  return out;
}

export const silentLevel = (): Level => ({ rmsDb: SILENCE_DB, peakDb: SILENCE_DB });

export interface LevelSmootherOptions {
  /** Time constant when the level rises; default 10 ms (the pulse reacts at once). */
  attackMs?: number;
  /** Time constant when the level falls; default 150 ms (the pulse decays smoothly). */
  releaseMs?: number;
}

/**
 * One-pole smoothing in the dB domain with a fast attack and a slower release, driven by the
 * duration of each measured frame.
 */
export class LevelSmoother {
  private readonly attackMs: number;
  private readonly releaseMs: number;
  private rms = SILENCE_DB;
  private peak = SILENCE_DB;

  constructor(options: LevelSmootherOptions = {}) {
    this.attackMs = options.attackMs ?? 10;
    this.releaseMs = options.releaseMs ?? 150;
  }

  /** Feeds the level of a frame lasting `durationMs` (allocates nothing). */
  update(level: Level, durationMs: number): void {
    this.rms = this.step(this.rms, level.rmsDb, durationMs);
    this.peak = this.step(this.peak, level.peakDb, durationMs);
  }

  /** The smoothed level, as a fresh object (read it at the update rate, not per frame). */
  get level(): Level {
    return { rmsDb: this.rms, peakDb: this.peak };
  }

  reset(): void {
    this.rms = SILENCE_DB;
    this.peak = SILENCE_DB;
  }

  private step(current: number, target: number, durationMs: number): number {
    const tau = target > current ? this.attackMs : this.releaseMs;
    const alpha = tau <= 0 ? 1 : 1 - Math.exp(-durationMs / tau);
    const next = current + (target - current) * alpha;
    return Math.max(SILENCE_DB, next);
  }
}
