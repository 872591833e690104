import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadNaudiodon } from '../../src/engine/audio/devices/native-portaudio';
import { NaudiodonInput, NaudiodonOutput, DeviceNotFoundError, chooseDevice, listAudioDevices } from '../../src/engine/audio/devices/naudiodon';
import { ENGINE_FRAME_SAMPLES } from '../../src/engine/audio/devices/types';
import { readWavAsEngineAudio } from '../../src/engine/audio/wav';
import { rmsDb } from '../../src/engine/audio/meter';
import { speechWav } from '../../harness/speech';
import { tempDir } from '../../harness/temp';
import { MonitorRecorder, firstAbove, loudMs, soundSpan, speakIntoMic, tone } from '../../harness/audio-rig';

const PER_MS = 24;

/** Feeds `pcm` once (then silence) in 10 ms frames, and notes when its first frame was pulled. */
function oneShot(pcm: Int16Array): { pull: () => Int16Array; firstPulledAt: () => number; done: () => boolean } {
  const frame = new Int16Array(ENGINE_FRAME_SAMPLES);
  const silence = new Int16Array(ENGINE_FRAME_SAMPLES);
  let at = -1;
  let offset = 0;
  let first = -1;
  let warmup = 20; // 200 ms of silence first: the stream settles before the sound starts
  return {
    pull() {
      if (warmup > 0) {
        warmup--;
        return silence;
      }
      if (offset >= pcm.length) return silence;
      if (first < 0) first = performance.now();
      frame.fill(0);
      frame.set(pcm.subarray(offset, offset + ENGINE_FRAME_SAMPLES));
      offset += ENGINE_FRAME_SAMPLES;
      at = performance.now();
      return frame;
    },
    firstPulledAt: () => first,
    done: () => offset >= pcm.length && at >= 0,
  };
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('naudiodon devices on the PulseAudio rig', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;

  beforeAll(async () => {
    dir = await tempDir();
  });
  afterAll(async () => {
    await dir?.cleanup();
  });

  it('runs the patched naudiodon2: abort() resolves, stream info, no segfault-handler, $ORIGIN runpath', async () => {
    const pa = await loadNaudiodon();
    const io = pa.AudioIO({ outOptions: { sampleRate: 44_100, channelCount: 2, sampleFormat: 16, closeOnError: false, framesPerBuffer: 256, maxQueue: 1 } });
    const info = io.streamInfo();
    expect(info.outputLatency).toBeGreaterThan(0.001);
    expect(info.outputLatency).toBeLessThan(0.5);
    expect(info.active).toBe(false); // opened, not started
    io.start();
    io.write(Buffer.alloc(441 * 4));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(io.streamInfo().active).toBe(true);
    const started = performance.now();
    await expect(io.abort()).resolves.toBeUndefined(); // unpatched, it threw (a callback the native side does not take)
    expect(performance.now() - started).toBeLessThan(1000);

    const require = createRequire(import.meta.url);
    const root = dirname(require.resolve('naudiodon2/package.json'));
    const loaded = Object.keys(require.cache);
    expect(loaded.some((path) => path.endsWith(join('naudiodon2', 'index.js')))).toBe(true);
    expect(loaded.some((path) => path.includes('segfault-handler'))).toBe(false);
    const dynamic = execFileSync('readelf', ['-d', join(root, 'build/Release/naudiodon.node')], { encoding: 'utf8' });
    expect(dynamic).toMatch(/R(UN)?PATH.*\[\$ORIGIN\]/);
  });

  it('lists PortAudio devices with the system defaults, and picks one by id or name', async () => {
    const devices = await listAudioDevices();
    const byName = new Map(devices.map((d) => [d.name, d]));
    expect(byName.get('default')).toMatchObject({ hostApi: 'ALSA', isDefaultInput: true, isDefaultOutput: true });
    expect(byName.get('default')!.maxOutputChannels).toBeGreaterThan(0);
    expect(byName.get('default')!.defaultSampleRate).toBeGreaterThanOrEqual(8000);
    // The patched addon reports latencies in seconds (the original truncated them to 0).
    expect(byName.get('default')!.defaultLowOutputLatencyMs).toBeGreaterThan(1);
    expect(byName.get('pulse')?.maxInputChannels).toBeGreaterThan(0);

    expect(chooseDevice(devices, 'output', undefined).name).toBe('default');
    expect(chooseDevice(devices, 'input', 'PULS').name).toBe('pulse');
    expect(chooseDevice(devices, 'output', byName.get('pulse')!.id).name).toBe('pulse');
    expect(chooseDevice(devices, 'output', String(byName.get('pulse')!.id)).name).toBe('pulse');
    expect(() => chooseDevice(devices, 'input', 'no such mic')).toThrow(DeviceNotFoundError);
    expect(() => chooseDevice(devices, 'input', 'no such mic')).toThrow(/available: .*default/);
  });

  it('records speech played into the virtual microphone, at its level and for its duration', async () => {
    const wav = await speechWav(dir.path, 'mic', [{ say: 'Testing the microphone, one two three.' }]);
    const source = await readWavAsEngineAudio(wav.path);
    const sourceSpan = soundSpan(source)!;
    const sourceDb = rmsDb(source, sourceSpan.start, sourceSpan.end);

    const input = new NaudiodonInput();
    const chunks: Int16Array[] = [];
    const errors: unknown[] = [];
    input.onError = (e) => errors.push(e);
    await input.start((pcm) => chunks.push(pcm));
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      await speakIntoMic(wav.path);
      await new Promise((resolve) => setTimeout(resolve, 300));
    } finally {
      await input.stop();
    }
    expect(errors).toEqual([]);
    expect(input.stats()).toBeNull(); // closed
    const captured = new Int16Array(chunks.reduce((n, c) => n + c.length, 0));
    chunks.reduce((at, c) => (captured.set(c, at), at + c.length), 0);

    const span = soundSpan(captured);
    expect(span).not.toBeNull();
    // The same speech for as long: the sound in 10 ms windows, +-30 ms (window edges, two resamplers;
    // a starved paplay may insert silence, which this measure ignores), and never shorter.
    expect(Math.abs(loudMs(captured) - loudMs(source))).toBeLessThanOrEqual(30);
    expect((span!.end - span!.start) / PER_MS).toBeGreaterThanOrEqual((sourceSpan.end - sourceSpan.start) / PER_MS - 20);
    expect(Math.abs(rmsDb(captured, span!.start, span!.end) - sourceDb)).toBeLessThan(1.5);
    // Capture never stopped: ~all of the wall time came through (300 + speech + 300 ms).
    expect(captured.length / PER_MS).toBeGreaterThan(wav.durationMs + 400);
  });

  it('plays a reply that is heard at the speaker monitor, in full, at its level, when latencyMs() says', async () => {
    const wav = await speechWav(dir.path, 'reply', [{ say: 'Here is the reply you asked for.' }]);
    const reply = await readWavAsEngineAudio(wav.path);
    const replySpan = soundSpan(reply)!;

    const recorder = new MonitorRecorder();
    await recorder.started();
    const output = new NaudiodonOutput();
    const feed = oneShot(reply);
    let claimedLatency = -1;
    await output.start(() => {
      const frame = feed.pull();
      if (claimedLatency < 0 && feed.firstPulledAt() >= 0) claimedLatency = output.latencyMs();
      return frame;
    });
    let stats = output.stats()!;
    try {
      await until(feed.done, 10_000);
      await new Promise((resolve) => setTimeout(resolve, 300));
      stats = output.stats()!;
    } finally {
      await output.stop();
    }
    const monitor = await recorder.stop();

    expect(stats).toMatchObject({ channels: 2, framesPerBuffer: 256 });
    expect(stats.portAudioLatencyMs).toBeGreaterThan(0);
    const from = monitor.indexAt(feed.firstPulledAt()) - 50 * PER_MS;
    const heard = soundSpan(monitor.samples, from)!;
    expect(heard).not.toBeNull();
    // In full: the span never shrinks, and the sound in it stays the same (+-30 ms of 10 ms window
    // edges). An underflow (a late write on a loaded machine) inserts silence, which can split one
    // more window per underflow; the device counts them.
    expect((heard.end - heard.start) / PER_MS).toBeGreaterThanOrEqual((replySpan.end - replySpan.start) / PER_MS - 20);
    const soundMs = loudMs(monitor.samples, heard.start, heard.end);
    expect(soundMs).toBeGreaterThanOrEqual(loudMs(reply) - 30);
    expect(soundMs).toBeLessThanOrEqual(loudMs(reply) + 30 + 10 * stats.underflows);
    expect(Math.abs(rmsDb(monitor.samples, heard.start, heard.end) - rmsDb(reply, replySpan.start, replySpan.end))).toBeLessThan(1.5);

    // When it was heard: the first pull plus the device's latency, give or take a 10 ms frame and
    // the monitor's 10 ms fragments.
    const onset = firstAbove(monitor.samples, 300, from);
    const replyOnset = firstAbove(reply, 300);
    const measuredLatency = monitor.timeOf(onset - replyOnset) - feed.firstPulledAt();
    expect(measuredLatency).toBeGreaterThan(0);
    expect(Math.abs(measuredLatency - claimedLatency)).toBeLessThan(30);
  });
  it('counts output underflows: a blocked event loop starves the speaker, and the count outlives stop()', async () => {
    const output = new NaudiodonOutput();
    await output.start(tone());
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const before = output.underflows;
      // The player runs on the event loop: block it well past what naudiodon and PortAudio hold.
      const until = performance.now() + 200;
      while (performance.now() < until) {
        // busy: no timer, no I/O callback, no write completion runs
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(output.underflows).toBeGreaterThan(before);
    } finally {
      await output.stop();
    }
    const counted = output.underflows;
    expect(counted).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(output.underflows).toBe(counted);
  });
});
