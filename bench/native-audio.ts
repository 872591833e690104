/**
 * Native audio figures on the PulseAudio rig (scripts/audio-rig.sh, started here): what PortAudio
 * reports as its output latency, what our device claims (latencyMs()) and what is measured at the
 * speaker sink's monitor; interrupt-to-silence at the monitor; microphone-to-socket latency.
 * Run through bench/run.ts, or alone: `npx tsx bench/native-audio.ts`.
 *
 * Timing at the monitor uses harness/audio-rig.ts's MonitorRecorder (sink time mapped onto this
 * process's clock from parec's arrival stamps and its own reported latency).
 */
import { execFile } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { Assistant } from '../src/engine/assistant';
import { parseSettings } from '../src/engine/settings';
import { Player } from '../src/engine/audio/player';
import { NullOutput } from '../src/engine/audio/devices/null';
import { NaudiodonInput, NaudiodonOutput } from '../src/engine/audio/devices/naudiodon';
import { ENGINE_FRAME_SAMPLES } from '../src/engine/audio/devices/types';
import { base64ToPcm16 } from '../src/engine/audio/pcm';
import { startSimulator } from '../src/simulator';
import { tempDir } from '../harness/temp';
import { MonitorRecorder, firstAbove, lastAbove, startRig } from '../harness/audio-rig';

const run = promisify(execFile);
const PER_MS = 24;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function sine(ms: number, frequency: number, amplitude: number): Int16Array {
  const out = new Int16Array(ms * PER_MS);
  for (let i = 0; i < out.length; i++) out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * frequency * i) / 24_000));
  return out;
}

function stats(values: number[]): { median: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: sorted[sorted.length >> 1] ?? NaN, max: sorted[sorted.length - 1] ?? NaN };
}

const round = (x: number) => Math.round(x * 10) / 10;

/** Clicks written at known pull times: heard minus pulled, against what latencyMs() claimed. */
async function outputLatency(clicks = 15): Promise<{ reported: number; claimed: number[]; measured: number[]; underflows: number; stopMs: number }> {
  const monitor = new MonitorRecorder('spk.monitor');
  await monitor.started();
  const output = new NaudiodonOutput();
  const silence = new Int16Array(ENGINE_FRAME_SAMPLES);
  const click = sine(10, 1000, 20_000);
  const pulls: Array<{ at: number; claimed: number }> = [];
  let frames = 0;
  await output.start(() => {
    frames++;
    if (frames % 30 !== 0 || pulls.length >= clicks) return silence;
    pulls.push({ at: performance.now(), claimed: output.latencyMs() });
    return click;
  });
  const reported = output.stats()!.portAudioLatencyMs;
  while (pulls.length < clicks) await sleep(100);
  await sleep(300);
  const underflows = output.stats()!.underflows;
  const stopping = performance.now();
  await output.stop(); // abort(): never on the barge-in path, but how long a device switch takes
  const stopMs = performance.now() - stopping;
  const heard = await monitor.stop();
  const measured: number[] = [];
  for (const p of pulls) {
    const at = firstAbove(heard.samples, 3000, heard.indexAt(p.at) - 10 * PER_MS);
    if (at >= 0 && heard.timeOf(at) - p.at < 250) measured.push(heard.timeOf(at) - p.at);
  }
  return { reported, claimed: pulls.map((p) => p.claimed), measured, underflows, stopMs };
}

/** Player.flush() (what every interrupt does) while a tone plays: flush to last sound at the monitor. */
async function interruptToSilence(rounds = 10): Promise<number[]> {
  const monitor = new MonitorRecorder('spk.monitor');
  await monitor.started();
  const player = new Player();
  const output = new NaudiodonOutput();
  await player.attach(output);
  const flushes: number[] = [];
  try {
    for (let i = 0; i < rounds; i++) {
      player.enqueue(`tone-${i}`, sine(3000, 440, 10_000));
      await sleep(500 + 37 * i); // different phases against the device's 10 ms writes
      flushes.push(performance.now());
      player.flush();
      await sleep(400);
    }
  } finally {
    await output.stop();
  }
  const heard = await monitor.stop();
  return flushes.map((at) => heard.timeOf(lastAbove(heard.samples, 300, heard.indexAt(at + 300)) + 1) - at);
}

/** Tone bursts played into the virtual mic: onset at the mic (vmic) to the first append carrying it. */
async function micToSocket(bursts = 5): Promise<number[]> {
  const dir = await tempDir('kaiwa-bench-');
  const sim = await startSimulator({ port: 0, replyMs: 500 });
  const micMonitor = new MonitorRecorder('micsrc.monitor');
  await micMonitor.started();
  const assistant = new Assistant({
    settings: parseSettings({ provider: 'local' }),
    credentials: {},
    input: new NaudiodonInput(),
    output: new NullOutput(),
    localUrl: sim.url,
  });
  const session = sim.nextSession();
  const wav = dir.file('burst.wav');
  await run('sox', ['-n', '-r', '24000', '-c', '1', '-b', '16', wav, 'synth', '0.3', 'sine', '600', 'vol', '0.4']);
  try {
    await assistant.start();
    await sleep(500);
    for (let i = 0; i < bursts; i++) {
      await run('paplay', ['--device=micsrc', '--latency-msec=200', wav]);
      await sleep(1500);
    }
  } finally {
    await assistant.stop();
    await sim.close();
    await dir.cleanup();
  }
  const heard = await micMonitor.stop();
  const appends = (await session).received
    .filter((r) => (r.event as { type?: string }).type === 'input_audio_buffer.append')
    .map((r) => ({ at: r.at, loud: firstAbove(base64ToPcm16((r.event as { audio: string }).audio), 3000) >= 0 }));
  const latencies: number[] = [];
  let from = 0;
  for (let i = 0; i < bursts; i++) {
    const onset = firstAbove(heard.samples, 3000, from);
    if (onset < 0) break;
    const onsetAt = heard.timeOf(onset);
    const carrying = appends.find((a) => a.loud && a.at >= onsetAt - 50);
    if (carrying) latencies.push(carrying.at - onsetAt);
    from = onset + 800 * PER_MS; // past this burst (300 ms) and into the gap
  }
  return latencies;
}

export async function benchNativeAudio(): Promise<Record<string, number | string>> {
  // The rig's environment reaches PortAudio in this process only; the rig is stopped afterwards.
  const rig = await startRig();
  Object.assign(process.env, rig.env);
  let out, interrupt, mic;
  try {
    out = await outputLatency();
    interrupt = await interruptToSilence();
    mic = await micToSocket();
  } finally {
    await rig.stop();
  }
  const measured = stats(out.measured);
  const claimed = stats(out.claimed);
  const silence = stats(interrupt);
  const micStats = stats(mic);
  return {
    'PortAudio reported output latency (ms)': round(out.reported),
    'device latencyMs() claimed, median (ms)': round(claimed.median),
    'output latency at the monitor, median (ms)': round(measured.median),
    'output latency at the monitor, max (ms)': round(measured.max),
    'output underflows during the clicks (count)': out.underflows,
    'output stop() = abort() (ms)': round(out.stopMs),
    'interrupt to silence at the monitor, median (ms)': round(silence.median),
    'interrupt to silence at the monitor, max (ms)': round(silence.max),
    'mic to socket (first append carrying the sound), median (ms)': round(micStats.median),
    'mic to socket, max (ms)': round(micStats.max),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.table(await benchNativeAudio());
}
