import { ENGINE_SAMPLE_RATE as SAMPLE_RATE } from '../engine/audio/devices/types';

/**
 * The simulator's "spoken" reply: a little tune sung as syllables. Each syllable is a harmonic tone
 * (fundamental 220-390 Hz, vowel-like formant emphasis, energy in 200-3000 Hz) under a rise/decay
 * envelope, 4-5 syllables a second with short gaps and word pauses, so it sounds like a voice and a
 * level meter or VAD fed with it treats it as speech. Rendered lazily into caller-owned buffers.
 */

const TABLE_SIZE = 2048;
const NOMINAL_F0 = 260;
/** Formant centres (Hz) of three vowel-ish timbres: "ah", "eh", "oo". */
const VOWELS: ReadonlyArray<ReadonlyArray<number>> = [
  [750, 1200, 2600],
  [550, 1800, 2500],
  [350, 900, 2300],
];
/** A pentatonic phrase, semitones above the base note. */
const TUNE = [0, 2, 4, 7, 9, 7, 4, 2, 4, 0, 2, 0];
const BASE_HZ = 230;
const PEAK = 0.5 * 32767;

const tables = VOWELS.map(buildTable);

function buildTable(formants: ReadonlyArray<number>): Float32Array {
  const table = new Float32Array(TABLE_SIZE);
  for (let k = 1; NOMINAL_F0 * k <= 2800; k++) {
    const f = NOMINAL_F0 * k;
    let gain = 0.3;
    formants.forEach((centre, i) => {
      gain += (1 / (i + 1)) * Math.exp(-(((f - centre) / 250) ** 2)) * 2;
    });
    const weight = gain / Math.sqrt(k);
    for (let i = 0; i < TABLE_SIZE; i++) table[i]! += weight * Math.sin((2 * Math.PI * k * i) / TABLE_SIZE);
  }
  let peak = 0;
  for (const v of table) peak = Math.max(peak, Math.abs(v));
  for (let i = 0; i < TABLE_SIZE; i++) table[i]! /= peak;
  return table;
}

/** Small deterministic PRNG (mulberry32), so a given seed always sings the same reply. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Syllable {
  start: number;
  voiced: number;
  end: number;
  hz: number;
  table: Float32Array;
}

export class ReplyVoice {
  readonly totalSamples: number;
  private position = 0;
  private phase = 0;
  private syllableIndex = 0;
  private syllable: Syllable;
  private readonly random: () => number;
  private readonly fadeSamples = Math.round(SAMPLE_RATE * 0.015);

  constructor(durationMs: number, seed = 1) {
    this.totalSamples = Math.max(0, Math.round((durationMs * SAMPLE_RATE) / 1000));
    this.random = prng(seed);
    this.syllable = this.nextSyllable(0);
  }

  get remaining(): number {
    return this.totalSamples - this.position;
  }

  /** Fills `out` with the next samples; returns how many were written (less than out.length at the end). */
  render(out: Int16Array): number {
    const n = Math.min(out.length, this.remaining);
    const attack = SAMPLE_RATE * 0.03;
    const release = SAMPLE_RATE * 0.05;
    for (let i = 0; i < n; i++) {
      const pos = this.position + i;
      while (pos >= this.syllable.end) this.syllable = this.nextSyllable(this.syllable.end);
      const s = this.syllable;
      const t = pos - s.start;
      let sample = 0;
      if (t < s.voiced) {
        // Slight downward glide and a 5.5 Hz vibrato, as a voice does.
        const seconds = t / SAMPLE_RATE;
        const hz = s.hz * (1 - (0.06 * t) / s.voiced) * (1 + 0.008 * Math.sin(2 * Math.PI * 5.5 * seconds));
        this.phase += (hz * TABLE_SIZE) / SAMPLE_RATE;
        if (this.phase >= TABLE_SIZE) this.phase -= TABLE_SIZE;
        let env = 1;
        if (t < attack) env = 0.5 - 0.5 * Math.cos((Math.PI * t) / attack);
        else if (t > s.voiced - release) env = 0.5 - 0.5 * Math.cos((Math.PI * (s.voiced - t)) / release);
        env *= 1 - (0.3 * t) / s.voiced;
        const tail = this.totalSamples - pos;
        if (tail < this.fadeSamples) env *= tail / this.fadeSamples;
        sample = s.table[this.phase | 0]! * env * PEAK;
      }
      out[i] = sample;
    }
    this.position += n;
    return n;
  }

  private nextSyllable(start: number): Syllable {
    const r = this.random;
    const index = this.syllableIndex++;
    const voiced = Math.round(SAMPLE_RATE * (0.14 + 0.1 * r()));
    const wordEnd = index % 4 === 3;
    const gap = Math.round(SAMPLE_RATE * (wordEnd ? 0.12 + 0.06 * r() : 0.03 + 0.04 * r()));
    const semis = TUNE[index % TUNE.length]!;
    return {
      start,
      voiced,
      end: start + voiced + gap,
      hz: BASE_HZ * 2 ** (semis / 12),
      table: tables[Math.floor(r() * tables.length)]!,
    };
  }
}

/** The whole reply in one buffer (tests, WAV export). */
export function renderReply(durationMs: number, seed = 1): Int16Array {
  const voice = new ReplyVoice(durationMs, seed);
  const out = new Int16Array(voice.totalSamples);
  voice.render(out);
  return out;
}
