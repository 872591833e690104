import { describe, expect, it } from 'vitest';
import { CLOSED_DB, HOLD_MS, ResidualEchoGate } from '../../../src/engine/audio/residual-echo-gate';
import { rmsDb } from '../../../src/engine/audio/meter';

const frame = () => Int16Array.from({ length: 240 }, (_, i) => Math.round(8000 * Math.sin(i / 3)));
const echoOnly = { nearEnd: false, echoExpected: true };
const nearEnd = { nearEnd: true, echoExpected: true };
const noEcho = { nearEnd: false, echoExpected: false };

describe('residual echo gate: what the canceller leaves of the echo, kept from the server', () => {
  it('passes every frame untouched while no echo is expected (nobody plays: the microphone as it is)', () => {
    const gate = new ResidualEchoGate();
    const f = frame();
    for (let i = 0; i < 50; i++) expect(gate.apply(f, noEcho)).toBe(f);
  });

  it(`lowers frames of echo alone by ${-CLOSED_DB} dB, fading over the first frame (no click)`, () => {
    const gate = new ResidualEchoGate();
    const f = frame();
    const first = gate.apply(f, echoOnly);
    // The fade: each sample's gain between the last one's and the next one's.
    for (let i = 1; i < first.length; i++) expect(Math.abs(first[i]!)).toBeLessThanOrEqual(Math.abs(f[i]!) + 1);
    const second = gate.apply(f, echoOnly);
    expect(rmsDb(second) - rmsDb(f)).toBeCloseTo(CLOSED_DB, 0);
    expect(gate.open).toBe(false);
  });

  it(`opens at two near-end frames in a row (not one) and stays open ${HOLD_MS} ms after the last one, then closes again`, () => {
    const gate = new ResidualEchoGate();
    const f = frame();
    gate.apply(f, echoOnly);
    gate.apply(f, nearEnd);
    gate.apply(f, echoOnly);
    expect(gate.open).toBe(false);
    gate.apply(f, nearEnd);
    gate.apply(f, nearEnd);
    expect(gate.open).toBe(true);
    for (let ms = 10; ms < HOLD_MS; ms += 10) expect(gate.apply(f, echoOnly)).toBe(f);
    gate.apply(f, echoOnly);
    expect(gate.open).toBe(false);
  });
});
