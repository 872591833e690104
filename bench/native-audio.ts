/**
 * Native audio figures on the PulseAudio rig (scripts/audio-rig.sh, started here): what PortAudio
 * reports as its output latency, what our device claims (latencyMs()) and what is measured at the
 * speaker sink's monitor; interrupt-to-silence at the monitor, for the output path as it was
 * (whole 10 ms writes) and as it is; microphone-to-socket latency; and issue 12's barge-in figures
 * (harness/barge-in-run.ts) for both interruption modes, with and without the echo path and its
 * canceller, the local VAD off and on side by side, with underflows and false barge-ins.
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
import { NaudiodonInput, NaudiodonOutput, type NaudiodonOptions } from '../src/engine/audio/devices/naudiodon';
import { ENGINE_FRAME_SAMPLES } from '../src/engine/audio/devices/types';
import { base64ToPcm16 } from '../src/engine/audio/pcm';
import { startSimulator } from '../src/simulator';
import { tempDir } from '../harness/temp';
import { MonitorRecorder, firstAbove, lastAbove, startRig } from '../harness/audio-rig';
import { speechWav } from '../harness/speech';
import { HeadsetMicrophone, medianAndMax, runBargeIns, type BargeInRun } from '../harness/barge-in-run';
import type { Settings } from '../src/engine/settings';

const run = promisify(execFile);
const PER_MS = 24;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function sine(ms: number, frequency: number, amplitude: number): Int16Array {
  const out = new Int16Array(ms * PER_MS);
  for (let i = 0; i < out.length; i++) out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * frequency * i) / 24_000));
  return out;
}

const stats = medianAndMax;
/** The output path before issue 12: whole 10 ms frames, one queued in naudiodon. */
const WHOLE_FRAMES: NaudiodonOptions = { writesPerFrame: 1, maxQueue: 1 };

const round = (x: number) => Math.round(x * 10) / 10;

/** Clicks written at known pull times: heard minus pulled, against what latencyMs() claimed. */
async function outputLatency(clicks = 15): Promise<{ reported: number; claimed: number[]; measured: number[]; underflows: number; stopMs: number }> {
  const monitor = new MonitorRecorder('spk.monitor');
  await monitor.started();
  const output = new NaudiodonOutput();
  const click = sine(10, 1000, 20_000);
  const pulls: Array<{ at: number; claimed: number }> = [];
  // A click every 300 ms, its start at the beginning of a pull (the device pulls 2.5 ms at a time).
  let pulled = 0;
  let clickAt = -1;
  await output.start((samples = ENGINE_FRAME_SAMPLES) => {
    const out = new Int16Array(samples);
    if (clickAt < 0 && pulled % (300 * PER_MS) < samples && pulled > 0 && pulls.length < clicks) {
      pulls.push({ at: performance.now(), claimed: output.latencyMs() });
      clickAt = 0;
    }
    if (clickAt >= 0) {
      const part = click.subarray(clickAt, clickAt + samples);
      out.set(part);
      clickAt = clickAt + part.length >= click.length ? -1 : clickAt + part.length;
    }
    pulled += samples;
    return out;
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
async function interruptToSilence(options: NaudiodonOptions = {}, rounds = 10): Promise<{ silence: number[]; underflows: number }> {
  const monitor = new MonitorRecorder('spk.monitor');
  await monitor.started();
  const player = new Player();
  const output = new NaudiodonOutput(options);
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
  const silence = flushes.map((at) => heard.timeOf(lastAbove(heard.samples, 300, heard.indexAt(at + 300)) + 1) - at);
  return { silence, underflows: output.underflows };
}

/**
 * Underflows while a reply plays without a break, the old output path against the new one in
 * alternation (the machine's load drifts; alternating shares it out): per minute of playback.
 */
async function underflowsCompared(rounds = 2, seconds = 8): Promise<{ whole: number; chunked: number }> {
  const total = { whole: 0, chunked: 0 };
  for (let round = 0; round < rounds; round++) {
    for (const [key, options] of [['whole', WHOLE_FRAMES], ['chunked', {}]] as const) {
      const player = new Player();
      const output = new NaudiodonOutput(options);
      await player.attach(output);
      player.enqueue('reply', sine(seconds * 1000 + 500, 440, 8000));
      await sleep(seconds * 1000);
      await output.stop();
      total[key] += output.underflows;
    }
  }
  const minutes = (rounds * seconds) / 60;
  return { whole: total.whole / minutes, chunked: total.chunked / minutes };
}

/** Tone bursts played into the virtual mic: onset at the mic (vmic) to the first append carrying it. */
async function micToSocket(config: { echoCancellation: boolean; localVad: boolean }, bursts = 5): Promise<number[]> {
  const dir = await tempDir('kaiwa-bench-');
  const sim = await startSimulator({ port: 0, replyMs: 500 });
  const micMonitor = new MonitorRecorder('micsrc.monitor');
  await micMonitor.started();
  const assistant = new Assistant({
    settings: parseSettings({ provider: 'local', echoCancellation: config.echoCancellation, interruption: { localVad: config.localVad } }),
    credentials: {},
    input: config.echoCancellation ? new NaudiodonInput() : new HeadsetMicrophone(),
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

const MODES: Array<Settings['interruption']['mode']> = ['immediate', 'pause-then-decide'];
/** Rounds per configuration: some land in a pause of the reply's voice and cannot be measured. */
const ROUNDS = 9;

interface Figures {
  voiceToSilent: number[];
  speechStartedToSilent: number[];
  truncateError: number[];
  micToAppend: number[];
  underflows: number;
  falseBargeIns: number;
  problems: string[];
}

function figuresOf(run: BargeInRun, micToAppend: number[]): Figures {
  // Rounds cut in a pause of the reply's voice are bounded, not measured: left out.
  const measured = run.rounds.filter((r) => r.measurable);
  return {
    voiceToSilent: measured.map((r) => r.voiceToSilentMs),
    speechStartedToSilent: measured.map((r) => r.speechStartedToSilentMs),
    truncateError: measured.flatMap((r) => (r.truncateErrorMs === null ? [] : [r.truncateErrorMs])),
    micToAppend,
    underflows: run.underflows,
    falseBargeIns: run.falseBargeIns,
    problems: [
      ...run.problems,
      ...run.rounds.flatMap((r) => (r.measurable ? [] : [`round ${r.round}: cut in a ${r.pauseMs.toFixed(0)} ms pause of the reply's voice (bounded, not measured)`])),
    ],
  };
}

/** "median / max" (for the truncate error: median / largest magnitude, signed). */
function cell(values: number[], signedWorst = false): string {
  if (values.length === 0) return 'n/a';
  const { median, max } = stats(values);
  const worst = signedWorst ? values.reduce((w, v) => (Math.abs(v) > Math.abs(w) ? v : w), 0) : max;
  return `${round(median)} / ${round(worst)}`;
}

/** Issue 12's table: one row per figure, one column per configuration, local VAD off | on side by side. */
function printTable(results: Array<{ label: string; figures: Figures }>): void {
  const rows: Array<[string, (f: Figures) => string]> = [
    ['voice at mic -> reply silent at speaker (ms, median / max)', (f) => cell(f.voiceToSilent)],
    ['speech_started -> reply silent at speaker (ms)', (f) => cell(f.speechStartedToSilent)],
    ['audio_end_ms - heard (ms, median / worst)', (f) => cell(f.truncateError, true)],
    ['mic -> first append carrying the sound (ms)', (f) => cell(f.micToAppend)],
    ['output underflows (count)', (f) => String(f.underflows)],
    ['false barge-ins (count)', (f) => String(f.falseBargeIns)],
    [`rounds measured (of ${ROUNDS})`, (f) => String(f.voiceToSilent.length)],
  ];
  const header = ['figure', ...results.map((r) => r.label)];
  const lines = [header, ...rows.map(([name, get]) => [name, ...results.map((r) => get(r.figures))])];
  const widths = header.map((_, c) => Math.max(...lines.map((l) => l[c]!.length)));
  const text = lines.map((l) => `| ${l.map((v, c) => v.padEnd(widths[c]!)).join(' | ')} |`);
  text.splice(1, 0, `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`);
  process.stderr.write(`\nbarge-in on the rig (${ROUNDS} rounds each; reply 6 s, the user speaks 2 s in):\n${text.join('\n')}\n`);
  for (const r of results) for (const p of r.figures.problems) process.stderr.write(`  ${r.label}: ${p}\n`);
}

async function bargeInMatrix(): Promise<Array<{ label: string; figures: Figures }>> {
  const dir = await tempDir('kaiwa-bench-');
  const sim = await startSimulator({ port: 0, replyMs: 6000 });
  const results: Array<{ label: string; figures: Figures }> = [];
  try {
    const ask = await speechWav(dir.path, 'ask', [{ say: 'Hello Kaiwa. Please tell me a long story.' }]);
    const stop = await speechWav(dir.path, 'stop', [{ say: 'Wait, stop. I have a question.' }]);
    for (const echoPath of [false, true]) {
      for (const localVad of [false, true]) {
        const micToAppend = await micToSocket({ echoCancellation: echoPath, localVad });
        for (const mode of MODES) {
          const run = await runBargeIns({ sim, ask, stop, rounds: ROUNDS, mode, echoPath, localVad });
          const label = `${mode}, AEC ${echoPath ? 'on' : 'off'}, VAD ${localVad ? 'on' : 'off'}`;
          results.push({ label, figures: figuresOf(run, micToAppend) });
        }
      }
    }
  } finally {
    await sim.close();
    await dir.cleanup();
  }
  // Side by side: each mode and echo setting with the VAD off, then on.
  const order = (label: string) => label.replace(/VAD (on|off)/, '') + (label.includes('VAD on') ? '1' : '0');
  return results.sort((a, b) => order(a.label).localeCompare(order(b.label)));
}

export async function benchNativeAudio(): Promise<Record<string, number | string>> {
  // The rig's environment reaches PortAudio in this process only; the rig is stopped afterwards.
  const rig = await startRig();
  Object.assign(process.env, rig.env);
  let out, before, after, underflows, matrix;
  try {
    out = await outputLatency();
    before = await interruptToSilence(WHOLE_FRAMES);
    after = await interruptToSilence();
    underflows = await underflowsCompared();
    matrix = await bargeInMatrix();
  } finally {
    await rig.stop();
  }
  printTable(matrix);
  const measured = stats(out.measured);
  const claimed = stats(out.claimed);
  const rows: Record<string, number | string> = {
    'PortAudio reported output latency (ms)': round(out.reported),
    'device latencyMs() claimed, median (ms)': round(claimed.median),
    'output latency at the monitor, median (ms)': round(measured.median),
    'output latency at the monitor, max (ms)': round(measured.max),
    'output underflows during the clicks (count)': out.underflows,
    'output stop() = abort() (ms)': round(out.stopMs),
    'interrupt to silence at the monitor, whole 10 ms writes, median (ms)': round(stats(before.silence).median),
    'interrupt to silence at the monitor, whole 10 ms writes, max (ms)': round(stats(before.silence).max),
    'output underflows, whole 10 ms writes (count)': before.underflows,
    'interrupt to silence at the monitor, median (ms)': round(stats(after.silence).median),
    'interrupt to silence at the monitor, max (ms)': round(stats(after.silence).max),
    'output underflows, interrupt rounds (count)': after.underflows,
    'output underflows while playing, whole 10 ms writes (per min)': round(underflows.whole),
    'output underflows while playing, 2.5 ms writes (per min)': round(underflows.chunked),
  };
  for (const { label, figures } of matrix) {
    const v = stats(figures.voiceToSilent);
    const s = stats(figures.speechStartedToSilent);
    const t = figures.truncateError;
    const m = stats(figures.micToAppend);
    rows[`[${label}] voice at mic -> silent, median (ms)`] = round(v.median);
    rows[`[${label}] voice at mic -> silent, max (ms)`] = round(v.max);
    rows[`[${label}] speech_started -> silent, median (ms)`] = round(s.median);
    rows[`[${label}] speech_started -> silent, max (ms)`] = round(s.max);
    rows[`[${label}] audio_end_ms - heard, median (ms)`] = round(stats(t).median);
    rows[`[${label}] audio_end_ms - heard, largest magnitude (ms)`] = round(t.reduce((w, x) => (Math.abs(x) > Math.abs(w) ? x : w), 0));
    rows[`[${label}] mic -> first append, median (ms)`] = round(m.median);
    rows[`[${label}] mic -> first append, max (ms)`] = round(m.max);
    rows[`[${label}] output underflows (count)`] = figures.underflows;
    rows[`[${label}] false barge-ins (count)`] = figures.falseBargeIns;
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.table(await benchNativeAudio());
}
