/**
 * Engine figures: interrupt-to-silence latency (button and server-VAD barge-in), truncate error,
 * engine CPU per second of conversation, heap growth over 10 simulated minutes.
 * Run through bench/run.ts (`npm run bench`), or alone: `node --expose-gc --import tsx bench/engine.ts`.
 *
 * Devices here are scripted stand-ins paced like the file devices (FramePacer): a microphone that
 * "speaks" a voiced tone when told to, and a speaker that records what it pulls, so the first
 * silent frame after an interrupt is observed exactly where it happens.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { Assistant } from '../src/engine/assistant';
import { parseSettings, type SettingsInput } from '../src/engine/settings';
import type { AssistantEvent, AssistantState } from '../src/engine/events';
import { ENGINE_FRAME_SAMPLES, type FrameSource, type OutputDevice } from '../src/engine/audio/devices/types';
import { FramePacer } from '../src/engine/audio/devices/pacer';
import { ScriptedMic } from './scripted-mic';
import { startSimulator, type RunningSimulator } from '../src/simulator';
import { locateReply, receivedOfType, replyAudio } from '../harness/replies';

const FRAME = ENGINE_FRAME_SAMPLES;
const FRAME_MS = 10;

export interface BenchRow {
  name: string;
  value: number | string;
  unit: string;
}

/** A speaker paced like WavFileOutput that keeps what it pulled (optionally) and reports frames as they go. */
export class TapSpeaker implements OutputDevice {
  readonly name = 'tap speaker';
  private pacer: FramePacer | null = null;
  private frames = 0;
  private chunks: Int16Array[] = [];
  onFrame: ((frame: Int16Array, positionMs: number) => void) | null = null;

  constructor(
    private readonly speed: number,
    private readonly keep: boolean,
  ) {}

  async start(pull: FrameSource): Promise<void> {
    this.pacer = new FramePacer(FRAME_MS, this.speed, (due) => {
      for (let i = 0; i < due; i++) {
        const frame = pull();
        if (this.keep) this.chunks.push(frame.slice());
        this.frames++;
        this.onFrame?.(frame, (this.frames - 1) * FRAME_MS);
      }
    });
    this.pacer.start();
  }
  async stop(): Promise<void> {
    this.pacer?.stop();
  }
  latencyMs(): number {
    return 0;
  }
  positionMs(): number {
    return this.frames * FRAME_MS;
  }
  recording(): Int16Array {
    const out = new Int16Array(this.chunks.length * FRAME);
    this.chunks.forEach((c, i) => out.set(c, i * FRAME));
    return out;
  }
  /** Resolves with the output position (ms) of the first all-zero frame pulled from now on. */
  nextSilentFrame(): Promise<{ positionMs: number; at: number }> {
    return new Promise((resolve) => {
      this.onFrame = (frame, positionMs) => {
        for (let i = 0; i < frame.length; i++) if (frame[i] !== 0) return;
        this.onFrame = null;
        resolve({ positionMs, at: performance.now() });
      };
    });
  }
}

export function watchStates(assistant: Assistant) {
  let current: AssistantState = assistant.state;
  const waiters: Array<{ state: AssistantState; resolve: () => void }> = [];
  const listeners: Array<(e: AssistantEvent) => void> = [];
  assistant.subscribe((event) => {
    for (const l of listeners) l(event);
    if (event.type !== 'state') return;
    current = event.state;
    for (const w of waiters.filter((w) => w.state === current)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  });
  return {
    until: (state: AssistantState) =>
      current === state ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ state, resolve })),
    on: (listener: (e: AssistantEvent) => void) => listeners.push(listener),
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits;

function settings(overrides: SettingsInput) {
  return parseSettings({ provider: 'local', ...overrides });
}

/** The interrupt button: reply audio after the call (output ms) and wall time to the first silent frame. */
async function interruptTrials(sim: RunningSimulator, trials: number) {
  const mic = new ScriptedMic(1);
  const speaker = new TapSpeaker(1, false);
  const assistant = new Assistant({ settings: settings({ turnDetection: { mode: 'manual' } }), credentials: {}, input: mic, output: speaker, localUrl: sim.url });
  const states = watchStates(assistant);
  await assistant.start();
  const outputMs: number[] = [];
  const wallMs: number[] = [];
  try {
    for (let t = 0; t < trials; t++) {
      assistant.startTalking();
      mic.burst(300);
      assistant.stopTalking();
      await states.until('speaking');
      await sleep(50 + ((t * 37) % 250));
      const position = speaker.positionMs();
      const silent = speaker.nextSilentFrame();
      const t0 = performance.now();
      assistant.interrupt();
      const { positionMs, at } = await silent;
      outputMs.push(positionMs - position);
      wallMs.push(at - t0);
      await states.until('listening');
    }
  } finally {
    await assistant.stop();
  }
  return { outputMs, wallMs };
}

/** Server-VAD barge-in: from speech_started reaching the client to silence; and the truncate error. */
async function bargeInTrials(trials: number) {
  const sim = await startSimulator({ port: 0, replyMs: 4000 });
  const mic = new ScriptedMic(1);
  const speaker = new TapSpeaker(1, true);
  const assistant = new Assistant({ settings: settings({ turnDetection: { mode: 'server_vad', silenceDurationMs: 300 } }), credentials: {}, input: mic, output: speaker, localUrl: sim.url });
  const states = watchStates(assistant);
  type Cut = { position: number; t0: number; silent: Promise<{ positionMs: number; at: number }> };
  const cut: { pending: Cut | null } = { pending: null };
  states.on((event) => {
    if (event.type === 'interrupted' && event.reason === 'barge-in') {
      // Subscribed before the silent frame can be pulled: interrupted is emitted synchronously after the flush.
      cut.pending = { position: speaker.positionMs(), t0: performance.now(), silent: speaker.nextSilentFrame() };
    }
  });
  const outputMs: number[] = [];
  const wallMs: number[] = [];
  const truncateErrorMs: number[] = [];
  const session = sim.nextSession();
  await assistant.start();
  try {
    mic.speaking = true;
    await sleep(400);
    mic.speaking = false;
    for (let t = 0; t < trials; t++) {
      await states.until('speaking');
      await sleep(300 + ((t * 53) % 700));
      cut.pending = null;
      mic.speaking = true;
      await states.until('user-speaking');
      await sleep(300);
      mic.speaking = false;
      const p = cut.pending as Cut | null; // set by the listener meanwhile
      if (!p) continue; // the reply had already ended: no barge-in this round
      const { positionMs, at } = await p.silent;
      outputMs.push(positionMs - p.position);
      wallMs.push(at - p.t0);
    }
    await states.until('speaking');
  } finally {
    await assistant.stop();
  }
  const s = await session;
  const recording = speaker.recording();
  const truncates = receivedOfType<{ item_id: string; audio_end_ms: number }>(s.received, 'conversation.item.truncate');
  const replies = replyAudio(s.sent);
  let from = 0;
  for (const [itemId, audio] of replies) {
    const found = locateReply(recording, audio, from);
    if (!found) continue;
    from = found.start + found.played;
    const truncate = truncates.find((tr) => tr.item_id === itemId);
    if (!truncate) continue;
    // What of the reply is in the recording: up to its last audible sample at least, up to the end
    // of the verbatim match at most (they differ when the cut falls in a pause of the voice).
    let audible = found.played;
    while (audible > 0 && recording[found.start + audible - 1] === 0) audible--;
    const low = audible / 24;
    const high = found.played / 24;
    truncateErrorMs.push(Math.max(0, low - truncate.audio_end_ms, truncate.audio_end_ms - high));
  }
  await sim.close();
  return { outputMs, wallMs, truncateErrorMs };
}

/** The simulator in its own process, so the CPU and heap figures are the engine's alone. */
async function simulatorProcess(): Promise<{ url: string; child: ChildProcess }> {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const script = `
    const { startSimulator } = await import(${JSON.stringify(pathToFileURL(`${root}src/simulator/index.ts`).href)});
    const sim = await startSimulator({ port: 0, replyMs: 2000, realtimeFactor: Infinity, record: false, validateOutgoing: false });
    console.log(sim.url);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await Promise.race([
    once(child.stdout!, 'data'),
    once(child, 'exit').then(() => {
      throw new Error('the simulator process exited');
    }),
  ])) as [Buffer];
  return { url: line.toString('utf8').trim(), child };
}

/**
 * Ten minutes of conversation at `speed` x real time: a turn every 5 s (1.2 s of voice, a 2 s
 * reply, some silence). CPU is the whole process (engine + ws client) per second of audio;
 * heap is measured after forced GCs, one simulated minute in and at the end.
 */
async function longRun(speed: number, minutes: number) {
  const { url, child } = await simulatorProcess();
  const mic = new ScriptedMic(speed);
  const speaker = new TapSpeaker(speed, false);
  const assistant = new Assistant({ settings: settings({}), credentials: {}, input: mic, output: speaker, localUrl: url });
  const gc = (globalThis as { gc?: () => void }).gc;
  const heap = () => {
    gc?.();
    gc?.();
    return process.memoryUsage().heapUsed;
  };
  let turns = 0;
  const states = watchStates(assistant);
  states.on((e) => e.type === 'usage' && turns++);
  try {
    await assistant.start();
    const turnMs = 5000 / speed;
    const voiceMs = 1200 / speed;
    const runTurns = async (n: number) => {
      for (let i = 0; i < n; i++) {
        mic.speaking = true;
        await sleep(voiceMs);
        mic.speaking = false;
        await sleep(turnMs - voiceMs);
      }
    };
    await runTurns(12); // one simulated minute of warm-up
    const heapStart = heap();
    const cpu0 = process.cpuUsage();
    const audio0 = speaker.positionMs();
    const wall0 = performance.now();
    await runTurns(12 * (minutes - 1));
    const cpu = process.cpuUsage(cpu0);
    const audioS = (speaker.positionMs() - audio0) / 1000;
    const wallS = (performance.now() - wall0) / 1000;
    const heapEnd = heap();
    return {
      cpuMsPerAudioS: (cpu.user + cpu.system) / 1000 / audioS,
      heapGrowthMb: (heapEnd - heapStart) / 1024 / 1024,
      turns,
      audioS,
      achievedSpeed: audioS / wallS,
      gc: Boolean(gc),
    };
  } finally {
    await assistant.stop();
    child.kill('SIGTERM');
  }
}

export async function benchEngine(): Promise<BenchRow[]> {
  const sim = await startSimulator({ port: 0, replyMs: 3000 });
  let button;
  try {
    button = await interruptTrials(sim, 30);
  } finally {
    await sim.close();
  }
  const barge = await bargeInTrials(12);
  const long = await longRun(20, 11);
  const rows: BenchRow[] = [
    { name: 'interrupt() -> silence, output time, median', value: round(quantile(button.outputMs, 0.5)), unit: 'ms' },
    { name: 'interrupt() -> silence, output time, p95', value: round(quantile(button.outputMs, 0.95)), unit: 'ms' },
    { name: 'interrupt() -> silent frame pulled, wall, median', value: round(quantile(button.wallMs, 0.5)), unit: 'ms' },
    { name: 'interrupt() -> silent frame pulled, wall, p95', value: round(quantile(button.wallMs, 0.95)), unit: 'ms' },
    { name: `barge-in trials (speech_started), of 12`, value: barge.outputMs.length, unit: 'count' },
    { name: 'speech_started -> silence, output time, median', value: round(quantile(barge.outputMs, 0.5)), unit: 'ms' },
    { name: 'speech_started -> silence, output time, p95', value: round(quantile(barge.outputMs, 0.95)), unit: 'ms' },
    { name: 'speech_started -> silent frame pulled, wall, median', value: round(quantile(barge.wallMs, 0.5)), unit: 'ms' },
    { name: 'speech_started -> silent frame pulled, wall, p95', value: round(quantile(barge.wallMs, 0.95)), unit: 'ms' },
    { name: '|truncate audio_end_ms - reply ms heard|, max', value: barge.truncateErrorMs.length ? round(Math.max(...barge.truncateErrorMs)) : 'n/a', unit: 'ms' },
    { name: 'engine CPU per second of conversation (20x run)', value: round(long.cpuMsPerAudioS, 2), unit: 'ms/s' },
    { name: `heap growth over ${round(long.audioS / 60, 1)} simulated min${long.gc ? '' : ' (no --expose-gc)'}`, value: round(long.heapGrowthMb, 2), unit: 'MB' },
    { name: 'long run: turns answered', value: long.turns, unit: 'count' },
    { name: 'long run: achieved speed', value: round(long.achievedSpeed, 1), unit: 'x real time' },
  ];
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.table(await benchEngine());
}
