import { ENGINE_SAMPLE_RATE as SAMPLE_RATE } from '../engine/audio/devices/types';
import type { AudioSource } from './audio-source';

/**
 * What may sound under the simulator's spoken reply (issue 26): nothing, a steady tone (a held
 * note, a chime, a hum), or music-like chords. A tonal far end is what echo cancellers and voice
 * detectors handle worst: AEC3's suppressor keeps damping the microphone while a steady tone plays,
 * and WebRTC's VAD learns the tone as its noise floor.
 */
export type ReplyBed = 'none' | 'tone' | 'chords';

export const REPLY_BEDS: readonly ReplyBed[] = ['none', 'tone', 'chords'];

/** The steady tone: 440 Hz with two soft harmonics, about 12 dB under the voice's loud syllables. */
const TONE = { hz: 440, amplitude: 2600 } as const;
/**
 * Chords: triads (root position, a piano-ish tone of three decaying partials per note) that change
 * every `CHORD_MS`, in a I-vi-IV-V loop, with a 20 ms attack so each change is a soft onset.
 */
const CHORD_MS = 600;
const CHORD_AMPLITUDE = 1500;
const PROGRESSION: ReadonlyArray<readonly number[]> = [
  [261.63, 329.63, 392.0],
  [220.0, 261.63, 329.63],
  [174.61, 220.0, 261.63],
  [196.0, 246.94, 293.66],
];
const PARTIALS = [1, 0.45, 0.2] as const;
const ATTACK_SAMPLES = (20 * SAMPLE_RATE) / 1000;

/** The bed's sample `n` (a pure function of time, so any chunking renders the same audio). */
function bedSample(bed: Exclude<ReplyBed, 'none'>, n: number): number {
  const t = n / SAMPLE_RATE;
  if (bed === 'tone') {
    let v = 0;
    for (const [k, gain] of PARTIALS.entries()) v += gain * Math.sin(2 * Math.PI * TONE.hz * (k + 1) * t);
    return TONE.amplitude * v;
  }
  const chordSamples = (CHORD_MS * SAMPLE_RATE) / 1000;
  const index = Math.floor(n / chordSamples);
  const since = n - index * chordSamples;
  const chord = PROGRESSION[index % PROGRESSION.length]!;
  // A struck chord: a short attack, then a decay to half over the chord's length.
  const envelope = Math.min(1, since / ATTACK_SAMPLES) * Math.exp((-0.7 * since) / chordSamples);
  let v = 0;
  for (const hz of chord) for (const [k, gain] of PARTIALS.entries()) v += gain * Math.sin(2 * Math.PI * hz * (k + 1) * t);
  return CHORD_AMPLITUDE * envelope * v;
}

/** `voice` with `bed` mixed under it, for as long as the voice lasts. */
export function withBed(voice: AudioSource, bed: ReplyBed): AudioSource {
  if (bed === 'none') return voice;
  let position = 0;
  return {
    get totalSamples() {
      return voice.totalSamples;
    },
    get remaining() {
      return voice.remaining;
    },
    render(out: Int16Array): number {
      const n = voice.render(out);
      for (let i = 0; i < n; i++, position++) out[i] = Math.max(-32768, Math.min(32767, Math.round(out[i]! + bedSample(bed, position))));
      return n;
    },
  };
}
