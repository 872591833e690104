/** Test signals at 24 kHz (the engine's rate). */

/** `ms` of silence. */
export function silence(ms: number): Int16Array {
  return new Int16Array(Math.round(ms * 24));
}

/** A harmonic tone (fundamental `hz`) at roughly `dbfs` RMS. */
export function tone(ms: number, dbfs = -20, hz = 200): Int16Array {
  const n = Math.round(ms * 24);
  const out = new Int16Array(n);
  const amp = 32768 * 10 ** (dbfs / 20) * Math.SQRT2;
  for (let i = 0; i < n; i++) {
    const t = i / 24_000;
    out[i] = Math.round(amp * (0.7 * Math.sin(2 * Math.PI * hz * t) + 0.3 * Math.sin(2 * Math.PI * 3 * hz * t)) / Math.hypot(0.7, 0.3));
  }
  return out;
}

export function concat(...parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
