import { describe, expect, it } from 'vitest';
import { SILENCE_DB } from '../../../src/engine/events';
import { LevelSmoother, measureLevel, peakDb, rmsDb } from '../../../src/engine/audio/meter';

function sineFrame(amplitude: number, length = 240): Int16Array {
  const f = new Int16Array(length);
  for (let i = 0; i < length; i++) f[i] = Math.round(amplitude * Math.sin((2 * Math.PI * i) / 24)); // 1 kHz at 24 kHz
  return f;
}

describe('levels', () => {
  it('measures full-scale, half-scale and silence in dBFS', () => {
    const square = new Int16Array(240).map((_, i) => (i % 2 ? 32767 : -32768));
    expect(rmsDb(square)).toBeCloseTo(0, 3);
    expect(peakDb(square)).toBe(0);
    const sine = sineFrame(16384);
    expect(peakDb(sine)).toBeCloseTo(-6.02, 1);
    expect(rmsDb(sine)).toBeCloseTo(-6.02 - 3.01, 1);
    expect(rmsDb(new Int16Array(240))).toBe(SILENCE_DB);
    expect(peakDb(new Int16Array(240))).toBe(SILENCE_DB);
    expect(rmsDb(new Int16Array(0))).toBe(SILENCE_DB);
    // A single LSB is far above the floor but never below it.
    expect(peakDb(Int16Array.of(1))).toBeCloseTo(-90.3, 1);
  });

  it('measureLevel agrees with rmsDb/peakDb and fills the given object', () => {
    const frame = sineFrame(3000);
    const out = { rmsDb: 0, peakDb: 0 };
    expect(measureLevel(frame, out)).toBe(out);
    expect(out.rmsDb).toBeCloseTo(rmsDb(frame), 9);
    expect(out.peakDb).toBeCloseTo(peakDb(frame), 9);
  });
});

describe('LevelSmoother', () => {
  it('attacks fast and releases slowly', () => {
    const s = new LevelSmoother({ attackMs: 10, releaseMs: 150 });
    const loud = { rmsDb: -10, peakDb: -5 };
    const quiet = { rmsDb: SILENCE_DB, peakDb: SILENCE_DB };
    for (let i = 0; i < 5; i++) s.update(loud, 10);
    expect(s.level.rmsDb).toBeGreaterThan(-11); // within 1 dB after 50 ms
    expect(s.level.peakDb).toBeGreaterThan(-6);
    s.update(quiet, 10);
    expect(s.level.rmsDb).toBeGreaterThan(-20); // one frame of silence barely moves it
    for (let i = 0; i < 99; i++) s.update(quiet, 10);
    expect(s.level.rmsDb).toBeLessThan(-99); // back to the floor after 1 s
    expect(s.level.rmsDb).toBeGreaterThanOrEqual(SILENCE_DB);
    s.reset();
    expect(s.level).toEqual({ rmsDb: SILENCE_DB, peakDb: SILENCE_DB });
  });
});
