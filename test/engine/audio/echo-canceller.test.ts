import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createEchoCanceller,
  EchoCancellerError,
  PassThroughEchoCanceller,
  type EchoCanceller,
} from '../../../src/engine/audio/echo-canceller';
import { db, echoSignals, energy, erleDb, nearCorrelation, runEchoPath, type EchoSignals } from '../../../harness/echo-path';
import { REPO_ROOT } from '../../../harness/cli';
import { tempDir } from '../../../harness/temp';

let dir: Awaited<ReturnType<typeof tempDir>>;
let signals: EchoSignals;
const cancellers: EchoCanceller[] = [];

async function aec(options: Parameters<typeof createEchoCanceller>[1] = {}): Promise<EchoCanceller> {
  const canceller = await createEchoCanceller(true, options);
  cancellers.push(canceller);
  return canceller;
}

beforeAll(async () => {
  dir = await tempDir('kaiwa-aec-');
  signals = await echoSignals(dir.path);
});

afterAll(async () => {
  for (const c of cancellers) c.destroy();
  await dir.cleanup();
});

describe('echo canceller on a synthetic echo path (AEC3)', () => {
  it('removes the echo of a spoken reply: ERLE >= 25 dB after 2 s of convergence', async () => {
    const result = runEchoPath(await aec(), { reference: signals.reply, outputLatencyMs: 100 });
    const erle = erleDb(result, 2000, signals.reply.length / 24);
    expect(erle).toBeGreaterThanOrEqual(25);
  });

  it('keeps near-end speech: alone within 3 dB, over the echo (double talk) within 6 dB, and still the same speech', async () => {
    const alone = signals.pause.startMs + 800;
    const doubleTalk = signals.secondSentence.startMs + 1000;
    const result = runEchoPath(await aec(), {
      reference: signals.reply,
      outputLatencyMs: 100,
      near: [
        { pcm: signals.user, atMs: alone },
        { pcm: signals.user, atMs: doubleTalk },
      ],
    });
    const level = (at: number) => db(energy(result.out, at, at + signals.userMs) / energy(result.nearOnly, at, at + signals.userMs));
    expect(Math.abs(level(alone))).toBeLessThanOrEqual(3);
    expect(Math.abs(level(doubleTalk))).toBeLessThanOrEqual(6);
    expect(nearCorrelation(result, alone, alone + signals.userMs)).toBeGreaterThan(0.6);
    expect(nearCorrelation(result, doubleTalk, doubleTalk + signals.userMs)).toBeGreaterThan(0.5);
    // The echo around the user's words is still cancelled.
    expect(erleDb(result, 2000, signals.reply.length / 24)).toBeGreaterThanOrEqual(25);
  });

  it('aligns the reference by the output latency it is told: 600 ms of device buffering still cancels, untold it does not', async () => {
    // AEC3 searches for the delay itself only up to ~0.5 s; beyond that the pre-delay does it.
    const told = runEchoPath(await aec(), { reference: signals.reply, outputLatencyMs: 600 });
    const untold = runEchoPath(await aec(), { reference: signals.reply, outputLatencyMs: 600, toldLatencyMs: 0 });
    const end = signals.reply.length / 24;
    expect(erleDb(told, 2000, end)).toBeGreaterThanOrEqual(25);
    expect(erleDb(untold, 2000, end)).toBeLessThan(15);
  });

  it("converges within a second despite bursty device callbacks (100 ms output bursts, 100 ms capture chunks)", async () => {
    const result = runEchoPath(await aec(), { reference: signals.reply, outputLatencyMs: 200, renderBurst: 10, captureChunk: 10 });
    expect(erleDb(result, 2000, signals.reply.length / 24)).toBeGreaterThanOrEqual(25);
    expect(erleDb(result, 0, 1000)).toBeGreaterThanOrEqual(15);
  });

  it('with noise suppression on, cancels at least as well and keeps the near end', async () => {
    const alone = signals.pause.startMs + 800;
    const result = runEchoPath(await aec({ noiseSuppression: true }), {
      reference: signals.reply,
      outputLatencyMs: 100,
      near: [{ pcm: signals.user, atMs: alone }],
    });
    expect(erleDb(result, 2000, signals.reply.length / 24)).toBeGreaterThanOrEqual(25);
    const level = db(energy(result.out, alone, alone + signals.userMs) / energy(result.nearOnly, alone, alone + signals.userMs));
    expect(Math.abs(level)).toBeLessThanOrEqual(3);
  });

  it('returns one reused buffer per call and never aliases the input', async () => {
    const canceller = await aec();
    const a = new Int16Array(240).fill(100);
    const first = canceller.processCapture(a);
    const second = canceller.processCapture(new Int16Array(240));
    expect(first).toBe(second);
    expect(first).not.toBe(a);
    expect(a[0]).toBe(100);
  });

  it('refuses frames that are not 10 ms at 24 kHz with a RangeError (the native library would abort)', async () => {
    const canceller = await aec();
    expect(() => canceller.processCapture(new Int16Array(480))).toThrow(RangeError);
    expect(() => canceller.processRender(new Int16Array(239))).toThrow(/Int16Array\(240\)/);
    expect(() => canceller.processCapture(new Float32Array(240) as unknown as Int16Array)).toThrow(RangeError);
  });

  it('after destroy(), passes audio through instead of touching the freed native state', async () => {
    const canceller = await createEchoCanceller(true);
    canceller.destroy();
    canceller.destroy();
    const frame = new Int16Array(240).fill(7);
    canceller.processRender(frame);
    expect(canceller.processCapture(frame)).toBe(frame);
  });
});

describe('echo canceller lifetime', () => {
  it('lets the process exit on its own once the last canceller is destroyed, and can start again after', async () => {
    // The native FFI server holds Node's event loop open while it lives (its callback is a N-API
    // threadsafe function): a CLI run with echo cancellation on would otherwise never exit.
    const script = `
      import { createEchoCanceller } from './src/engine/audio/echo-canceller.ts';
      const frame = new Int16Array(240);
      for (let round = 0; round < 2; round++) {
        const canceller = await createEchoCanceller(true);
        canceller.processRender(frame);
        canceller.processCapture(frame);
        canceller.destroy();
        console.log('round ' + round);
      }
    `;
    const started = performance.now();
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: REPO_ROOT,
      timeout: 15_000,
    });
    expect(stdout.trim().split('\n')).toEqual(['round 0', 'round 1']);
    expect(performance.now() - started).toBeLessThan(15_000);
  });
});

describe('echo canceller off / unavailable', () => {
  it('disabled: the pass-through returns the microphone untouched', async () => {
    const canceller = await createEchoCanceller(false);
    expect(canceller).toBeInstanceOf(PassThroughEchoCanceller);
    expect(canceller.active).toBe(false);
    const result = runEchoPath(canceller, { reference: signals.reply });
    expect(result.out).toEqual(result.mic);
    expect(erleDb(result, 2000, signals.reply.length / 24)).toBeCloseTo(0, 5);
  });

  it('a native library that does not load gives a one-line EchoCancellerError, and the next attempt may succeed', async () => {
    const failed = createEchoCanceller(true, { module: '@livekit/rtc-ffi-bindings-not-installed' });
    await expect(failed).rejects.toBeInstanceOf(EchoCancellerError);
    await expect(failed).rejects.toThrow(/^Echo cancellation is unavailable: the native audio processing library \(@livekit\/rtc-ffi-bindings-not-installed\) did not load: [^\n]+$/);
    expect((await aec()).active).toBe(true);
  });
});
