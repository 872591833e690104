/** Pure motion helpers for the pulse: level mapping and a critically damped spring. */

export const FLOOR_DB = -60;
export const CEIL_DB = 0;

/** dBFS to 0..1: -60 dB (and anything quieter) is 0, 0 dB is 1; linear in dB, which is how loudness is heard. */
export function levelFromDb(db: number): number {
  if (!Number.isFinite(db)) return 0;
  return Math.min(1, Math.max(0, (db - FLOOR_DB) / (CEIL_DB - FLOOR_DB)));
}

export interface Spring {
  value: number;
  velocity: number;
}

/**
 * Advances a critically damped spring towards `target` by `dtSeconds`, using the exact solution
 * (stable for any frame time, so a dropped frame never overshoots). `omega` is the stiffness in
 * rad/s: ~1/omega is the time constant.
 */
export function stepSpring(spring: Spring, target: number, omega: number, dtSeconds: number): void {
  const delta = spring.value - target;
  const decay = Math.exp(-omega * dtSeconds);
  const slope = spring.velocity + omega * delta;
  spring.value = target + (delta + slope * dtSeconds) * decay;
  spring.velocity = (spring.velocity - omega * slope * dtSeconds) * decay;
}

/** Exponential approach of `current` to `target` with time constant `tauSeconds`. */
export function approach(current: number, target: number, tauSeconds: number, dtSeconds: number): number {
  return target + (current - target) * Math.exp(-dtSeconds / tauSeconds);
}
