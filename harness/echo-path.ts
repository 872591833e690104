/**
 * A synthetic acoustic echo path, run in simulated time against an EchoCanceller, the way the
 * engine drives it: the output device pulls reference frames `outputLatencyMs` ahead of what is
 * heard (in bursts), the room returns them attenuated, low-passed and delayed, the near-end talker
 * adds speech, and the input device delivers capture frames in chunks, `inputLatencyMs` late.
 */
import type { EchoCanceller } from '../src/engine/audio/echo-canceller';
import { speechWav } from './speech';
import { readWavAsEngineAudio } from '../src/engine/audio/wav';

const FRAME = 240;
const PER_MS = 24;

export interface EchoPathOptions {
  /** What the speaker plays (24 kHz). */
  reference: Int16Array;
  /** Near-end speech and where it starts on the mic timeline (ms). */
  near?: Array<{ pcm: Int16Array; atMs: number; gain?: number }>;
  /** Echo gain at the mic (linear). Default 0.5 (-6 dB): laptop speakers next to the mic. */
  echoGain?: number;
  /** Speaker-to-mic delay, ms. Default 15. */
  acousticMs?: number;
  /** Pulled but not yet heard, ms; also what the canceller is told unless `toldLatencyMs` is set. */
  outputLatencyMs?: number;
  toldLatencyMs?: number;
  /** Capture delivery delay, ms. Default 20. */
  inputLatencyMs?: number;
  /** Frames per output pull burst / per capture chunk. Default 4 / 4. */
  renderBurst?: number;
  captureChunk?: number;
  /** Noise floor at the mic, peak amplitude. Default 30. */
  noise?: number;
}

export interface EchoPathResult {
  /** Mic signal before / after the canceller, aligned sample for sample. */
  mic: Int16Array;
  out: Int16Array;
  /** The echo alone and the near-end speech alone at the mic. */
  echo: Float64Array;
  nearOnly: Float64Array;
}

export function runEchoPath(canceller: EchoCanceller, options: EchoPathOptions): EchoPathResult {
  const ref = options.reference;
  const length = Math.floor(ref.length / FRAME) * FRAME;
  const gain = options.echoGain ?? 0.5;
  const acoustic = Math.round((options.acousticMs ?? 15) * PER_MS);
  const latencyFrames = Math.round((options.outputLatencyMs ?? 100) / 10);
  const inputFrames = Math.round((options.inputLatencyMs ?? 20) / 10);
  const burst = options.renderBurst ?? 4;
  const chunk = options.captureChunk ?? 4;
  const noise = options.noise ?? 30;

  // The room: echo = gain * (direct + low-passed) reference, `acoustic` after it is heard.
  const echo = new Float64Array(length);
  let lp = 0;
  for (let i = 0; i < length; i++) {
    const x = i >= acoustic ? ref[i - acoustic]! : 0;
    lp = 0.75 * lp + 0.25 * x;
    echo[i] = gain * (0.6 * x + 0.4 * lp);
  }
  const nearOnly = new Float64Array(length);
  for (const n of options.near ?? []) {
    const at = Math.round(n.atMs * PER_MS);
    for (let i = 0; i < n.pcm.length && at + i < length; i++) nearOnly[at + i]! += n.pcm[i]! * (n.gain ?? 1);
  }
  const mic = new Int16Array(length);
  let seed = 12345;
  for (let i = 0; i < length; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    const v = echo[i]! + nearOnly[i]! + ((seed / 2 ** 32) * 2 - 1) * noise;
    mic[i] = Math.max(-32768, Math.min(32767, Math.round(v)));
  }

  canceller.setDelayMs(options.toldLatencyMs ?? latencyFrames * 10);
  const out = new Int16Array(length);
  const frames = length / FRAME;
  const silence = new Int16Array(FRAME);
  const renderFrame = new Int16Array(FRAME);
  let pulled = 0;
  let captured = 0;
  // Tick k: frames 0..k-1 have been heard. The output keeps `latencyFrames` pulled ahead (topped
  // up a burst at a time); capture frame c is delivered once c + 1 + inputFrames <= k, in chunks.
  for (let k = 0; k < frames + latencyFrames + inputFrames + chunk + 1; k++) {
    while (pulled < k + latencyFrames) {
      for (let b = 0; b < burst; b++, pulled++) {
        if (pulled < frames) {
          renderFrame.set(ref.subarray(pulled * FRAME, (pulled + 1) * FRAME));
          canceller.processRender(renderFrame);
        } else {
          canceller.processRender(silence);
        }
      }
    }
    const deliverable = Math.min(frames, k - inputFrames);
    if (deliverable - captured >= chunk || (deliverable === frames && captured < frames)) {
      for (; captured < deliverable; captured++) {
        const cleaned = canceller.processCapture(mic.slice(captured * FRAME, (captured + 1) * FRAME));
        out.set(cleaned, captured * FRAME);
      }
    }
  }
  return { mic, out, echo, nearOnly };
}

export function energy(signal: ArrayLike<number>, fromMs: number, toMs: number): number {
  let sum = 0;
  const end = Math.min(signal.length, Math.round(toMs * PER_MS));
  for (let i = Math.round(fromMs * PER_MS); i < end; i++) sum += signal[i]! * signal[i]!;
  return sum;
}

export function db(ratio: number): number {
  return 10 * Math.log10(ratio);
}

/**
 * Echo return loss enhancement over the frames (10 ms) of [fromMs, toMs) where the echo is
 * audible (above -50 dBFS) and nobody talks: 10 log10(mic energy / output energy).
 */
export function erleDb(result: EchoPathResult, fromMs: number, toMs: number): number {
  let micSum = 0;
  let outSum = 0;
  const threshold = (32768 * 10 ** (-50 / 20)) ** 2 * FRAME;
  for (let f = Math.floor(fromMs / 10); f < Math.floor(toMs / 10) && (f + 1) * FRAME <= result.mic.length; f++) {
    const a = f * FRAME;
    const b = a + FRAME;
    if (energy(result.nearOnly, a / PER_MS, b / PER_MS) > 0) continue;
    const echoE = energy(result.echo, a / PER_MS, b / PER_MS);
    if (echoE < threshold) continue;
    micSum += energy(result.mic, a / PER_MS, b / PER_MS);
    outSum += energy(result.out, a / PER_MS, b / PER_MS);
  }
  return db(micSum / Math.max(outSum, 1));
}

/**
 * Peak normalised cross-correlation of the output with the near-end speech over a window, at lags
 * of 0..20 ms (the audio processing module's internal resampling delays its output a little).
 */
export function nearCorrelation(result: EchoPathResult, fromMs: number, toMs: number): number {
  const from = Math.round(fromMs * PER_MS);
  const to = Math.min(result.out.length - 20 * PER_MS, Math.round(toMs * PER_MS));
  let best = 0;
  for (let lag = 0; lag <= 20 * PER_MS; lag++) {
    let xy = 0;
    let xx = 0;
    let yy = 0;
    for (let i = from; i < to; i++) {
      const x = result.out[i + lag]!;
      const y = result.nearOnly[i]!;
      xy += x * y;
      xx += x * x;
      yy += y * y;
    }
    best = Math.max(best, xy / Math.sqrt(xx * yy));
  }
  return best;
}

export interface EchoSignals {
  /** ~10 s of the assistant talking, with a 3 s pause in the middle (`pause` in ms). */
  reply: Int16Array;
  pause: { startMs: number; endMs: number };
  /** The second sentence of the reply, where double talk is placed. */
  secondSentence: { startMs: number; endMs: number };
  /** A short user phrase. */
  user: Int16Array;
  userMs: number;
}

/** The assistant's reply and a user phrase, spoken by espeak-ng, at 24 kHz. */
export async function echoSignals(dir: string): Promise<EchoSignals> {
  const reply = await speechWav(dir, 'reply', [
    { say: 'Echo cancellation keeps the assistant from hearing itself through the laptop speakers.' },
    { silenceMs: 3000 },
    { say: 'Otherwise it would stop talking every time its own voice came back through the microphone.' },
  ]);
  const user = await speechWav(dir, 'user', [{ say: 'Wait, what about tomorrow?' }]);
  const first = reply.utterances[0]!;
  const second = reply.utterances[1]!;
  return {
    reply: await readWavAsEngineAudio(reply.path),
    pause: { startMs: first.endMs, endMs: second.startMs },
    secondSentence: { startMs: second.startMs, endMs: second.endMs },
    user: await readWavAsEngineAudio(user.path),
    userMs: user.durationMs,
  };
}

export interface StallingEchoPathOptions {
  /** What the player has to play (24 kHz). */
  reference: Int16Array;
  /** Times the process stalls (ms from the start, length ms): nothing is pulled or delivered meanwhile. */
  stalls: Array<{ atMs: number; ms: number }>;
  /** Echo gain at the mic (linear). Default 0.1 (-20 dB, as on the PulseAudio rig). */
  echoGain?: number;
  /** Speaker-to-mic delay, ms. Default 60 (the rig's loopback). */
  acousticMs?: number;
  /** Frames the output keeps pulled ahead of what is heard; what the canceller is told. Default 3 (~30 ms). */
  outputFrames?: number;
  /** Capture delivery delay, ms. Default 20. */
  inputLatencyMs?: number;
}

/**
 * An echo path through a process that stalls (a loaded machine): while it stalls, the output is
 * not fed, so the speaker underflows and plays silence, and everything after is heard that much
 * later; the capture goes on and is delivered in a burst after the stall. The room echoes what the
 * speaker actually played. Returns the microphone and the canceller's output, frame-aligned.
 */
export function runStallingEchoPath(canceller: EchoCanceller, options: StallingEchoPathOptions): { mic: Int16Array; out: Int16Array } {
  const ref = options.reference;
  const frames = Math.floor(ref.length / FRAME);
  const ticks = frames + 300;
  const gain = options.echoGain ?? 0.1;
  const acoustic = Math.round((options.acousticMs ?? 60) * PER_MS);
  const ahead = options.outputFrames ?? 3;
  const inputFrames = Math.round((options.inputLatencyMs ?? 20) / 10);
  const stalled = (tick: number) => options.stalls.some((s) => tick * 10 >= s.atMs && tick * 10 < s.atMs + s.ms);
  const heard = new Float64Array(ticks * FRAME);
  const mic = new Int16Array(ticks * FRAME);
  const out = new Int16Array(ticks * FRAME);
  const silence = new Int16Array(FRAME);
  let pulled = 0;
  let played = 0;
  let captured = 0;
  let lp = 0;
  let seed = 12345;
  canceller.setDelayMs(ahead * 10);
  for (let tick = 0; tick < ticks; tick++) {
    const running = !stalled(tick);
    if (running) {
      for (; pulled < played + ahead; pulled++) canceller.processRender(pulled < frames ? ref.subarray(pulled * FRAME, (pulled + 1) * FRAME) : silence);
    }
    // The speaker plays the next frame it holds, or silence (an underflow).
    if (pulled > played) {
      if (played < frames) heard.set(ref.subarray(played * FRAME, (played + 1) * FRAME), tick * FRAME);
      played++;
    }
    for (let i = tick * FRAME; i < (tick + 1) * FRAME; i++) {
      const x = i >= acoustic ? heard[i - acoustic]! : 0;
      lp = 0.75 * lp + 0.25 * x;
      seed = (seed * 1103515245 + 12345) >>> 0;
      mic[i] = Math.round(gain * (0.6 * x + 0.4 * lp) + ((seed / 2 ** 32) * 2 - 1) * 30);
    }
    if (running) {
      for (; captured <= tick - inputFrames; captured++) out.set(canceller.processCapture(mic.slice(captured * FRAME, (captured + 1) * FRAME)), captured * FRAME);
    }
  }
  return { mic: mic.subarray(0, captured * FRAME), out: out.subarray(0, captured * FRAME) };
}

/** The loudest run of `run` consecutive 10 ms frames from `fromMs` on (its quietest frame), dBFS: what an energy VAD needing `run` loud frames sees. */
export function loudestRunDb(signal: Int16Array, fromMs: number, run = 3): number {
  const levels: number[] = [];
  for (let f = 0; (f + 1) * FRAME <= signal.length; f++) {
    let sum = 0;
    for (let i = f * FRAME; i < (f + 1) * FRAME; i++) sum += signal[i]! * signal[i]!;
    levels.push(10 * Math.log10(sum / FRAME / 32768 ** 2 + 1e-20));
  }
  let loudest = -200;
  for (let f = Math.floor(fromMs / 10); f + run <= levels.length; f++) loudest = Math.max(loudest, Math.min(...levels.slice(f, f + run)));
  return loudest;
}
