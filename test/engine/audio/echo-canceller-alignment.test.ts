import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEchoCanceller, type EchoCanceller } from '../../../src/engine/audio/echo-canceller';
import { echoSignals, loudestRunDb, runStallingEchoPath } from '../../../harness/echo-path';
import { tempDir } from '../../../harness/temp';

/**
 * The reference's pre-delay follows the output latency estimate, but not its swings: on the
 * PulseAudio rig the estimate moves by one queued 10 ms chunk as each write completes, and a
 * pre-delay that follows it makes AEC3 re-learn a 10 ms slip each time (test/audio/echo.test.ts).
 */
const FRAME = 240;
const stats = (c: EchoCanceller) => (c as unknown as { stats: { renderFrames: number; silentFrames: number; delayFrames: number } }).stats;

const cancellers: EchoCanceller[] = [];
async function aec(): Promise<EchoCanceller> {
  const canceller = await createEchoCanceller(true);
  cancellers.push(canceller);
  return canceller;
}

afterAll(() => {
  for (const c of cancellers) c.destroy();
});

describe('echo canceller: the reference pre-delay', () => {
  it('ignores an estimate that swings by one frame, follows one that moves further', async () => {
    const c = await aec();
    c.setDelayMs(230); // 200 ms after the 30 ms headroom: 20 frames
    expect(stats(c).delayFrames).toBe(20);
    for (const ms of [241, 232, 239.9, 222, 241]) {
      c.setDelayMs(ms);
      expect(stats(c).delayFrames, `told ${ms} ms`).toBe(20);
    }
    c.setDelayMs(255);
    expect(stats(c).delayFrames).toBe(22);
    c.setDelayMs(30);
    expect(stats(c).delayFrames).toBe(0);
  });

  it('a swinging estimate feeds AEC3 exactly one reference frame per capture frame once in step', async () => {
    const c = await aec();
    const silence = new Int16Array(FRAME);
    // Render and capture in lockstep with no slack, the way the rig runs them (a frame is pulled,
    // then the capture of the same 10 ms arrives), while the estimate swings 32 <-> 41 ms.
    c.setDelayMs(32);
    let slips = 0;
    for (let i = 0; i < 500; i++) {
      c.processRender(silence);
      c.setDelayMs(i % 4 < 2 ? 41 : 32);
      const before = stats(c).renderFrames;
      c.processCapture(silence);
      if (stats(c).renderFrames - before !== 1) slips++;
    }
    expect(slips).toBe(0);
    expect(stats(c).renderFrames).toBe(500);
  });

});

describe('echo canceller: a speaker that starves (the process stalls on a loaded machine)', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let reply: Int16Array;
  beforeAll(async () => {
    dir = await tempDir('kaiwa-aec-stall-');
    const signals = await echoSignals(dir.path);
    // A 10 s reply, as in test/audio/echo.test.ts.
    reply = new Int16Array(signals.reply.length * 2);
    reply.set(signals.reply);
    reply.set(signals.reply, signals.reply.length);
  });
  afterAll(() => dir?.cleanup());

  it('keeps the echo cancelled through thirty 30 ms stalls: never three frames over the VAD (-40 dBFS)', async () => {
    const stalls = Array.from({ length: 30 }, (_, k) => ({ atMs: 2_500 + k * 250, ms: 30 }));
    const { mic, out } = runStallingEchoPath(await aec(), { reference: reply, stalls });
    expect(loudestRunDb(mic, 2_000)).toBeGreaterThan(-35); // the echo itself is well over it
    expect(loudestRunDb(out, 2_000)).toBeLessThan(-50);
  });

  it('after a 100 ms stall the residual stays far below the VAD (-55 dBFS; clean: about -66)', async () => {
    const clean = runStallingEchoPath(await aec(), { reference: reply, stalls: [] });
    expect(loudestRunDb(clean.out, 2_000)).toBeLessThan(-60);
    const stalled = runStallingEchoPath(await aec(), { reference: reply, stalls: [{ atMs: 5_000, ms: 100 }] });
    expect(loudestRunDb(stalled.out, 2_000)).toBeLessThan(-55);
  });
});
