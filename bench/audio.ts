/**
 * Audio-layer figures: resampler throughput (x real time), player pull cost and meter cost per
 * 10 ms frame. Run through bench/run.ts, or alone: `npx tsx bench/audio.ts`.
 */
import { pathToFileURL } from 'node:url';
import { createResampler } from '../src/engine/audio/resample';
import { Player } from '../src/engine/audio/player';
import { measureLevel } from '../src/engine/audio/meter';
import type { FrameSource, OutputDevice } from '../src/engine/audio/devices/types';

const FRAME = 240;

function sine(length: number, rate: number, amplitude = 12000): Int16Array {
  const out = new Int16Array(length);
  for (let i = 0; i < length; i++) out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * 440 * i) / rate));
  return out;
}

/** Best of `rounds` runs of `fn`, in ms: the least disturbed by other processes. */
function bestOf(rounds: number, fn: () => void): number {
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

/** Streams 10 s of audio through a resampler in 10 ms chunks: seconds of audio per second of CPU. */
async function resamplerSpeed(from: number, to: number): Promise<number> {
  const resampler = await createResampler({ from, to });
  const chunk = sine(from / 100, from);
  const seconds = 10;
  try {
    const ms = bestOf(3, () => {
      for (let i = 0; i < seconds * 100; i++) resampler.processInt16(chunk);
    });
    return (seconds * 1000) / ms;
  } finally {
    resampler.destroy();
  }
}

class BenchOutput implements OutputDevice {
  readonly name = 'bench';
  pull: FrameSource = () => new Int16Array(FRAME);
  async start(pull: FrameSource): Promise<void> {
    this.pull = pull;
  }
  async stop(): Promise<void> {}
  latencyMs(): number {
    return 40;
  }
  positionMs(): number {
    return 0;
  }
}

async function playerPullNs(): Promise<{ playing: number; idle: number }> {
  const frames = 100_000;
  const player = new Player();
  const device = new BenchOutput();
  await player.attach(device);
  const reply = sine(24000, 24000);
  const playing = bestOf(3, () => {
    for (let i = 0; i < frames / 100; i++) player.enqueue(`item-${i % 7}`, reply.subarray(0, 2400 + (i % 3)));
    for (let i = 0; i < frames; i++) device.pull();
  });
  player.flush();
  for (let i = 0; i < 1000; i++) device.pull();
  const idle = bestOf(3, () => {
    for (let i = 0; i < frames; i++) device.pull();
  });
  return { playing: (playing * 1e6) / frames, idle: (idle * 1e6) / frames };
}

function meterNs(): number {
  const frame = sine(FRAME, 24000);
  const level = { rmsDb: 0, peakDb: 0 };
  const frames = 200_000;
  const ms = bestOf(3, () => {
    for (let i = 0; i < frames; i++) measureLevel(frame, level);
  });
  return (ms * 1e6) / frames;
}

export async function benchAudio(): Promise<Record<string, number | string>> {
  const pull = await playerPullNs();
  return {
    'resample 48k->24k (x real time)': Math.round(await resamplerSpeed(48000, 24000)),
    'resample 24k->48k (x real time)': Math.round(await resamplerSpeed(24000, 48000)),
    'resample 44.1k->24k (x real time)': Math.round(await resamplerSpeed(44100, 24000)),
    'player pull, playing (ns/frame)': Math.round(pull.playing),
    'player pull, idle (ns/frame)': Math.round(pull.idle),
    'meter rms+peak (ns/frame)': Math.round(meterNs()),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.table(await benchAudio());
}
