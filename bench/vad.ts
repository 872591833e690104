/**
 * Local VAD (issue 12): the candidates side by side, and the one Kaiwa uses.
 *
 * For each candidate: the onset delay on espeak-ng speech (English, Japanese) over silence and over
 * a playing reply (the synthetic echo path of bench/echo.ts, AEC3 on and off), false onsets per
 * minute on the echo path alone (espeak speech and the simulator's reply voice), and the CPU per
 * 10 ms of audio (resampling 24 -> 16 kHz included). An onset is what VoiceOnsetDetector reports: one
 * voiced 10 ms window (WebRTC VAD, a window every 5 ms), after 300 ms without voice; side by side
 * with the rule before (30 ms of voice in a row). Audio goes in 2.5 ms pieces, as the microphone
 * delivers it.
 *
 * Candidates: WebRTC's VAD (fvad-wasm, modes 2 and 3; Kaiwa uses mode 3 through VoiceOnsetDetector)
 * always; Silero VAD v5 (onnxruntime-node) when KAIWA_VAD_SILERO_DIR names a node_modules folder
 * holding `onnxruntime-node` and `@ricky0123/vad-web` (the project does not depend on them:
 * onnxruntime-node is 288 MB and its install script downloads from NuGet).
 *
 * Also the simulator's server VAD delay on the same speech (speech_started after the voice began,
 * before any network): what the local duck races against locally.
 *
 * Run through bench/run.ts (`npm run bench -- vad`), or alone: `npx tsx bench/vad.ts`.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createEchoCanceller } from '../src/engine/audio/echo-canceller';
import { createResampler } from '../src/engine/audio/resample';
import { readWavAsEngineAudio } from '../src/engine/audio/wav';
import { ONSET_MS, VoiceOnsetDetector } from '../src/engine/audio/vad/voice-onset';
import { EnergyVad } from '../src/simulator/vad';
import { renderReply } from '../src/simulator/voice';
import { echoSignals, runEchoPath } from '../harness/echo-path';
import { speechWav } from '../harness/speech';
import { tempDir } from '../harness/temp';

const PER_MS = 24;
const CONVERGED_AFTER_MS = 2_000;
const SIM_REPLY_MS = 60_000;
const USER_AT_MS = 6_000;

/** A VAD under test: 24 kHz audio in, the times (ms) of the onsets it reports. */
interface Candidate {
  name: string;
  onsets(pcm: Int16Array): Promise<number[]>;
  destroy(): void;
}

async function webrtc(mode: 2 | 3, onsetMs = ONSET_MS): Promise<Candidate> {
  const detector = await VoiceOnsetDetector.create({ mode, onsetMs });
  const piece = 60;
  return {
    name: `WebRTC VAD (fvad-wasm) mode ${mode}, onset ${onsetMs} ms of voice`,
    onsets: (pcm) => {
      detector.reset();
      const found: number[] = [];
      for (let at = 0; at < pcm.length; at += piece) if (detector.push(pcm.subarray(at, at + piece)) === 'onset') found.push((at + piece) / PER_MS);
      return Promise.resolve(found);
    },
    destroy: () => detector.destroy(),
  };
}

interface OrtTensor {
  data: ArrayLike<number>;
}
interface Ort {
  Tensor: new (type: string, data: Float32Array | BigInt64Array, dims?: number[]) => OrtTensor;
  InferenceSession: { create(path: string, options: object): Promise<{ run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>> }> };
}

/** Silero v5 as @ricky0123/vad-web runs it: 512-sample windows at 16 kHz with 64 of context, p >= 0.5. */
async function silero(modules: string): Promise<Candidate> {
  const ort = createRequire(join(modules, 'x.js'))('onnxruntime-node') as Ort;
  const session = await ort.InferenceSession.create(join(modules, '@ricky0123/vad-web/dist/silero_vad_v5.onnx'), { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const sr = new ort.Tensor('int64', BigInt64Array.from([16000n]));
  return {
    name: 'Silero VAD v5 (onnxruntime-node)',
    async onsets(pcm) {
      const x = await to16k(pcm);
      let state = new ort.Tensor('float32', new Float32Array(256), [2, 1, 128]);
      const input = new Float32Array(576);
      const found: number[] = [];
      let inVoice = false;
      let quiet = 0;
      for (let at = 0; at + 512 <= x.length; at += 512) {
        input.copyWithin(0, 512, 576);
        input.set(x.subarray(at, at + 512), 64);
        const out = await session.run({ input: new ort.Tensor('float32', input, [1, 576]), state, sr });
        state = out['stateN']!;
        if (out['output']!.data[0]! >= 0.5) {
          quiet = 0;
          if (!inVoice) found.push((at + 512) / 16);
          inVoice = true;
        } else if ((quiet += 32) >= 300) inVoice = false;
      }
      return found;
    },
    destroy: () => {},
  };
}

async function to16k(pcm: Int16Array): Promise<Float32Array> {
  const resampler = await createResampler({ from: 24_000, to: 16_000 });
  const input = Float32Array.from(pcm, (v) => v / 32768);
  const head = resampler.process(input).slice();
  const tail = resampler.flush();
  resampler.destroy();
  const out = new Float32Array(head.length + tail.length);
  out.set(head);
  out.set(tail, head.length);
  return out;
}

function firstVoiceMs(pcm: Int16Array): number {
  return pcm.findIndex((v) => Math.abs(v) > 330) / PER_MS;
}

/** `pcm` placed at `atMs` in `totalMs` of a quiet room (noise at -60 dBFS). */
function inQuietRoom(pcm: Int16Array, atMs: number, totalMs: number): Int16Array {
  const out = new Int16Array(totalMs * PER_MS);
  let seed = 7;
  for (let i = 0; i < out.length; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    out[i] = Math.round(((seed / 2 ** 32) * 2 - 1) * 30);
  }
  for (let i = 0; i < pcm.length; i++) out[atMs * PER_MS + i] = Math.max(-32768, Math.min(32767, out[atMs * PER_MS + i]! + pcm[i]!));
  return out;
}

async function echoed(reference: Int16Array, aec: boolean, near?: Int16Array): Promise<Int16Array> {
  const canceller = await createEchoCanceller(aec);
  try {
    return runEchoPath(canceller, { reference, outputLatencyMs: 100, ...(near ? { near: [{ pcm: near, atMs: USER_AT_MS }] } : {}) }).out;
  } finally {
    canceller.destroy();
  }
}

/** From the voice's start to the first onset at most 50 ms before it (over a reply, an onset just before is still the user's). */
function delay(found: number[], voiceAtMs: number): number | string {
  const hit = found.find((t) => t >= voiceAtMs - 50);
  return hit === undefined ? 'missed' : Math.round(hit - voiceAtMs);
}

export async function benchVad(): Promise<Array<{ name: string; value: number | string; unit: string }>> {
  const dir = await tempDir('kaiwa-bench-vad-');
  const rows: Array<{ name: string; value: number | string; unit: string }> = [];
  const candidates: Candidate[] = [await webrtc(3), await webrtc(2), await webrtc(3, 30)];
  try {
    const modules = process.env['KAIWA_VAD_SILERO_DIR'];
    if (modules) candidates.push(await silero(modules));
    const speech = {
      en: await readWavAsEngineAudio((await speechWav(dir.path, 'en', [{ say: 'Wait, what about tomorrow?' }])).path),
      ja: await readWavAsEngineAudio((await speechWav(dir.path, 'ja', [{ say: 'ちょっと待って、明日はどうですか。', voice: 'ja' }])).path),
    };
    const signals = await echoSignals(dir.path);
    const reply = signals.reply.subarray(0, 9_000 * PER_MS);
    const simVoice = renderReply(SIM_REPLY_MS, 7);
    const echoOnly = {
      'espeak reply': { on: await echoed(signals.reply, true), off: await echoed(signals.reply, false), ms: signals.reply.length / PER_MS },
      'simulator voice': { on: await echoed(simVoice, true), off: await echoed(simVoice, false), ms: SIM_REPLY_MS },
    };
    for (const vad of candidates) {
      for (const [lang, pcm] of Object.entries(speech)) {
        const voiceAt = 1000 + firstVoiceMs(pcm);
        rows.push({ name: `${vad.name}: onset delay, ${lang}, over silence`, value: delay(await vad.onsets(inQuietRoom(pcm, 1000, 4000)), voiceAt), unit: 'ms' });
        for (const aec of [true, false]) {
          const found = await vad.onsets(await echoed(reply, aec, pcm));
          rows.push({ name: `${vad.name}: onset delay, ${lang}, over a playing reply, AEC ${aec ? 'on' : 'off'}`, value: delay(found, USER_AT_MS + firstVoiceMs(pcm)), unit: 'ms' });
        }
      }
      for (const [what, echo] of Object.entries(echoOnly)) {
        for (const aec of ['on', 'off'] as const) {
          const found = (await vad.onsets(echo[aec])).filter((t) => t > CONVERGED_AFTER_MS);
          rows.push({ name: `${vad.name}: false onsets, echo of the ${what}, AEC ${aec}`, value: round((found.length * 60_000) / (echo.ms - CONVERGED_AFTER_MS)), unit: 'per min' });
        }
      }
      const cpuAudio = simVoice.subarray(0, 20_000 * PER_MS);
      const t0 = performance.now();
      await vad.onsets(cpuAudio);
      rows.push({ name: `${vad.name}: CPU per 10 ms frame (resampling included)`, value: round(((performance.now() - t0) * 1000) / 2000), unit: 'µs' });
    }
    for (const [lang, pcm] of Object.entries(speech)) {
      const server = new EnergyVad({ threshold: 0.5, prefixPaddingMs: 300, silenceDurationMs: 500 });
      const room = inQuietRoom(pcm, 1000, 4000);
      let startedAt: number | null = null;
      for (let at = 0; at < room.length && startedAt === null; at += 240) {
        if (server.push(room.subarray(at, at + 240)).some((e) => e.type === 'start')) startedAt = (at + 240) / PER_MS;
      }
      rows.push({ name: `simulator server VAD: speech_started after the voice began, ${lang} (before the network)`, value: startedAt === null ? 'missed' : Math.round(startedAt - 1000 - firstVoiceMs(pcm)), unit: 'ms' });
    }
    return rows;
  } finally {
    for (const vad of candidates) vad.destroy();
    await dir.cleanup();
  }
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.table(await benchVad());
}
