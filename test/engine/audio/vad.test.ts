import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readWavAsEngineAudio } from '../../../src/engine/audio/wav';
import { RETRACT_GAP_MS, VoiceOnsetDetector, type VoiceChange } from '../../../src/engine/audio/vad/voice-onset';
import { VAD_FRAME_SAMPLES, VadError, WebRtcVad } from '../../../src/engine/audio/vad/webrtc-vad';
import { speechWav } from '../../../harness/speech';
import { tempDir } from '../../../harness/temp';

const PER_MS = 24;

/** Where the voice really begins in a spoken file: the first sample above -40 dBFS. */
function voiceStartMs(pcm: Int16Array): number {
  const index = pcm.findIndex((s) => Math.abs(s) > 330);
  return index / PER_MS;
}

/** The times (ms, at the end of the push that reported them) of the changes found in `pcm`, pushed in `chunk`-sample pieces. */
function changes(detector: VoiceOnsetDetector, pcm: Int16Array, chunk = 240): Array<{ at: number; change: VoiceChange }> {
  const found: Array<{ at: number; change: VoiceChange }> = [];
  for (let at = 0; at < pcm.length; at += chunk) {
    const piece = pcm.subarray(at, Math.min(pcm.length, at + chunk));
    const change = detector.push(piece);
    if (change) found.push({ at: (at + piece.length) / PER_MS, change });
  }
  return found;
}

function onsets(detector: VoiceOnsetDetector, pcm: Int16Array, chunk = 240): number[] {
  return changes(detector, pcm, chunk).flatMap((c) => (c.change === 'onset' ? [c.at] : []));
}

/** White noise of peak `amplitude` (a deterministic generator, so a failure reproduces). */
function noise(ms: number, amplitude: number, seed = 1): Int16Array {
  const out = new Int16Array(ms * PER_MS);
  for (let i = 0; i < out.length; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    out[i] = Math.round(((seed / 2 ** 32) * 2 - 1) * amplitude);
  }
  return out;
}

function mix(a: Int16Array, b: Int16Array): Int16Array {
  return a.map((v, i) => Math.max(-32768, Math.min(32767, v + (b[i] ?? 0))));
}

describe('local VAD (WebRTC VAD through fvad-wasm) on real speech', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let english: Int16Array;
  let japanese: Int16Array;
  let twoPhrases: Int16Array;
  let detector: VoiceOnsetDetector;

  beforeAll(async () => {
    dir = await tempDir();
    english = await readWavAsEngineAudio((await speechWav(dir.path, 'en', [{ silenceMs: 700 }, { say: 'Wait, what about tomorrow?' }, { silenceMs: 500 }])).path);
    japanese = await readWavAsEngineAudio((await speechWav(dir.path, 'ja', [{ silenceMs: 700 }, { say: 'ちょっと待って、明日はどうですか。', voice: 'ja' }, { silenceMs: 500 }])).path);
    twoPhrases = await readWavAsEngineAudio(
      (await speechWav(dir.path, 'two', [{ silenceMs: 500 }, { say: 'Stop.' }, { silenceMs: 1000 }, { say: 'Listen to me.' }, { silenceMs: 300 }])).path,
    );
    detector = await VoiceOnsetDetector.create();
  });
  afterAll(async () => {
    detector?.destroy();
    await dir?.cleanup();
  });

  for (const language of ['English', 'Japanese'] as const) {
    it(`hears one onset in a ${language} phrase, soon after the voice begins`, () => {
      const pcm = language === 'English' ? english : japanese;
      detector.reset();
      const found = changes(detector, mix(pcm, noise(pcm.length / PER_MS, 30)));
      // One onset, and never taken back: a voice is not a click.
      expect(found.map((c) => c.change)).toEqual(['onset']);
      const delay = found[0]!.at - voiceStartMs(pcm);
      // A test is not a benchmark (bench/vad.ts measures the delay): only "soon", not "never" or "before".
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(150);
    });
  }

  it('finds the same onset whatever the device chunk length', () => {
    const at = (chunk: number) => {
      detector.reset();
      return onsets(detector, english, chunk);
    };
    const reference = at(240);
    for (const chunk of [37, 480, 1024, 4800]) {
      const found = at(chunk);
      expect(found).toHaveLength(1);
      expect(Math.abs(found[0]! - reference[0]!)).toBeLessThanOrEqual(chunk / PER_MS + 10);
    }
  });

  it('reports a new onset only after a pause: two phrases a second apart are two onsets, neither taken back', () => {
    detector.reset();
    // "Stop." opens with an "s" and a silent closure before the vowel: one onset, not a retracted click.
    expect(changes(detector, twoPhrases).map((c) => c.change)).toEqual(['onset', 'onset']);
  });

  it('hears nothing in digital silence or a quiet room (noise at -60 and -45 dBFS)', () => {
    for (const pcm of [new Int16Array(3000 * PER_MS), noise(3000, 33, 3), noise(3000, 180, 5)]) {
      detector.reset();
      expect(onsets(detector, pcm)).toEqual([]);
    }
  });

  it('hears a loud broadband burst (a cough, a clatter): the server, not the local VAD, judges it', () => {
    detector.reset();
    const burst = new Int16Array(1000 * PER_MS);
    burst.set(noise(150, 12_000, 9), 500 * PER_MS);
    expect(changes(detector, burst).map((c) => c.change)).toEqual(['onset']);
  });

  it('takes back the onset of a click (a sound over before SUSTAIN_MS), soon after it stops; the next sound is a new onset', () => {
    detector.reset();
    const clicks = new Int16Array(1500 * PER_MS);
    clicks.set(noise(20, 12_000, 11), 500 * PER_MS);
    clicks.set(noise(20, 12_000, 13), 900 * PER_MS);
    const found = changes(detector, clicks, 121);
    expect(found.map((c) => c.change)).toEqual(['onset', 'retracted', 'onset', 'retracted']);
    // Retracted once the click is over and the gap shows, not at the release (300 ms).
    expect(found[1]!.at - 520).toBeLessThan(RETRACT_GAP_MS + 30);
    expect(found[3]!.at - 920).toBeLessThan(RETRACT_GAP_MS + 30);
  });
});

describe('WebRtcVad', () => {
  it('refuses a frame that is not 10 ms at 16 kHz, and use after destroy, with a clear error', async () => {
    const vad = await WebRtcVad.create();
    expect(() => vad.isVoiced(new Int16Array(240))).toThrow(VadError);
    expect(() => vad.isVoiced(new Int16Array(240))).toThrow(/160 samples, not 240/);
    expect(vad.isVoiced(new Int16Array(VAD_FRAME_SAMPLES))).toBe(false);
    vad.destroy();
    expect(() => vad.isVoiced(new Int16Array(VAD_FRAME_SAMPLES))).toThrow(/after destroy/);
  });
});
