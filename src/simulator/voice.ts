import { ENGINE_SAMPLE_RATE as SAMPLE_RATE } from '../engine/audio/devices/types';

/**
 * The simulator's "spoken" reply: babble from a little formant synthesiser. A glottal pulse train
 * (pitch 170-270 Hz with a falling phrase contour, stressed syllables, and cycle-to-cycle jitter and
 * shimmer) plus a breath of aspiration noise excites three formant resonators that glide from vowel
 * to vowel; syllables open with consonants made of noise (s/sh fricatives, h, plosive bursts).
 * No nasal murmurs: a murmur is little more than a hum at the pitch, and on the PulseAudio rig
 * AEC3 let such hums leak (up to -37 dBFS at -20 dB echo) as it lets any pure tone leak.
 * 4-5 syllables a second with short gaps and word pauses, energy in 200-3000 Hz.
 *
 * Broadband and irregular like real speech, so an echo canceller converges on it as it does on a
 * real model's reply (a sum of pure tones would leave most of its filter unexcited). Rendered
 * lazily, sample by sample, into caller-owned buffers: no allocation after construction.
 */

/** F1, F2, F3 (Hz) of the vowels the babble uses: a, e, i, o, u, and a schwa. */
const VOWELS: ReadonlyArray<readonly [number, number, number]> = [
  [820, 1250, 2550],
  [580, 1850, 2550],
  [330, 2250, 2700],
  [520, 920, 2450],
  [360, 980, 2350],
  [520, 1400, 2500],
];
/** Formant bandwidths (Hz) and the relative level of each formant in the parallel sum. */
const BANDWIDTHS = [90, 120, 170] as const;
const FORMANT_GAINS = [1, -0.55, 0.28] as const;

const enum Onset {
  Vowel,
  Fricative,
  Aspirate,
  Plosive,
}

const PEAK = 0.5 * 32767;
/** Above the knee the output bends softly toward LIMIT so it never clips, whatever the seed. */
const KNEE = 0.42 * 32767;
const LIMIT = 0.6 * 32767;
const OUTPUT_GAIN = 12;
const COEFFICIENT_STEP = 24;
const ms = (value: number) => Math.round((value * SAMPLE_RATE) / 1000);

/** Small deterministic PRNG (mulberry32), so a given seed always says the same thing. */
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

/** A band-pass biquad with 0 dB gain at its centre (RBJ cookbook), retunable as it runs. */
class Resonator {
  private b0 = 0;
  private a1 = 0;
  private a2 = 0;
  private x1 = 0;
  private x2 = 0;
  private y1 = 0;
  private y2 = 0;

  tune(hz: number, bandwidth: number): void {
    const w0 = (2 * Math.PI * hz) / SAMPLE_RATE;
    const alpha = Math.sin(w0) / (2 * (hz / bandwidth));
    const a0 = 1 + alpha;
    this.b0 = alpha / a0;
    this.a1 = (-2 * Math.cos(w0)) / a0;
    this.a2 = (1 - alpha) / a0;
  }

  step(x: number): number {
    const y = this.b0 * (x - this.x2) - this.a1 * this.y1 - this.a2 * this.y2;
    this.x2 = this.x1;
    this.x1 = x;
    this.y2 = this.y1;
    this.y1 = y;
    return y;
  }
}

/** One syllable's plan, in samples from the start of the reply. Reused: rewritten in place. */
interface Syllable {
  start: number;
  /** Consonant onset length; the vowel runs from start + onsetLength for `vowel` samples. */
  onsetLength: number;
  vowel: number;
  end: number;
  onset: Onset;
  /** Pitch (Hz) at the syllable's start and at its peak; `stress` scales its loudness. */
  hz: number;
  peakHz: number;
  stress: number;
  /** Formants glide from `from` to `to` over the syllable's first part. */
  from: [number, number, number];
  to: [number, number, number];
  fricativeHz: number;
}

export class ReplyVoice {
  readonly totalSamples: number;
  private position = 0;
  private syllableIndex = 0;
  private phraseLeft = 0;
  private phraseLength = 1;
  private phraseBaseHz = 215;
  private readonly syllable: Syllable;
  private readonly random: () => number;
  private noiseState: number;
  private nextPulse = 0;
  private pulseAmplitude = 1;
  private tilt = 0;
  private readonly formants = [new Resonator(), new Resonator(), new Resonator()];
  private readonly fricative = new Resonator();
  private readonly fadeSamples = ms(15);

  constructor(durationMs: number, seed = 1) {
    this.totalSamples = Math.max(0, Math.round((durationMs * SAMPLE_RATE) / 1000));
    this.random = prng(seed);
    this.noiseState = (seed * 2654435761) >>> 0 || 1;
    const first = VOWELS[Math.floor(this.random() * VOWELS.length)]!;
    this.syllable = {
      start: 0, onsetLength: 0, vowel: 0, end: 0, onset: Onset.Vowel, hz: 0, peakHz: 0, stress: 1,
      from: [first[0], first[1], first[2]], to: [first[0], first[1], first[2]], fricativeHz: 2400,
    };
    this.planSyllable(0);
  }

  get remaining(): number {
    return this.totalSamples - this.position;
  }

  /** Fills `out` with the next samples; returns how many were written (less than out.length at the end). */
  render(out: Int16Array): number {
    const n = Math.min(out.length, this.remaining);
    for (let i = 0; i < n; i++) out[i] = this.sample(this.position + i);
    this.position += n;
    return n;
  }

  private sample(pos: number): number {
    const s = this.syllable;
    while (pos >= s.end) this.planSyllable(s.end);
    const t = pos - s.start;
    const vt = t - s.onsetLength;
    if (pos % COEFFICIENT_STEP === 0) this.retune(t);

    // Voicing: on through the vowel, raised-cosine attack, release, and a
    // gentle decay; a plosive's vowel starts abruptly.
    let voicing = 0;
    if (vt >= 0 && vt < s.vowel) {
      const attack = s.onset === Onset.Plosive ? ms(8) : ms(25);
      const release = ms(55);
      voicing = 1 - (0.35 * vt) / s.vowel;
      if (vt < attack) voicing *= 0.5 - 0.5 * Math.cos((Math.PI * vt) / attack);
      else if (vt > s.vowel - release) voicing *= 0.5 - 0.5 * Math.cos((Math.PI * (s.vowel - vt)) / release);
    }
    voicing *= s.stress;

    // Glottal pulses: one per period, period jittered, amplitude shimmered; the amplitude scales
    // with the period so a higher voice is not a louder one.
    let excitation = 0;
    if (pos >= this.nextPulse) {
      const period = SAMPLE_RATE / this.pitchAt(t);
      excitation = -period * this.pulseAmplitude;
      this.nextPulse += period * (1 + 0.03 * (this.random() - 0.5));
      this.pulseAmplitude = 1 + 0.16 * (this.random() - 0.5);
      if (this.nextPulse <= pos) this.nextPulse = pos + 1;
    }
    // The glottal source falls off with frequency.
    this.tilt = 0.55 * this.tilt + excitation * voicing;
    const noise = this.noise();

    // Noise through the vocal tract: breathiness while voiced, 'h' and plosive aspiration.
    let aspiration = 0.05 * voicing;
    let frication = 0;
    if (t < s.onsetLength) {
      const left = s.onsetLength - t;
      if (s.onset === Onset.Aspirate) aspiration += 0.7 * s.stress * ramp(t, left, ms(20));
      else if (s.onset === Onset.Fricative) frication = 2.2 * s.stress * ramp(t, left, ms(20));
      else if (s.onset === Onset.Plosive) {
        // Closure (silence), then a short burst and a breath of aspiration into the vowel.
        const burst = s.onsetLength - ms(25);
        if (t >= burst) {
          const u = t - burst;
          frication = u < ms(6) ? 3 * s.stress : 0;
          aspiration += 0.3 * s.stress * ramp(u, left, ms(6));
        }
      }
    }

    const source = this.tilt + aspiration * noise * 40;
    let y = 0;
    for (let k = 0; k < 3; k++) y += FORMANT_GAINS[k]! * this.formants[k]!.step(source);
    y += frication * this.fricative.step(noise);
    y *= OUTPUT_GAIN * PEAK * 0.01;

    const tail = this.totalSamples - pos;
    if (tail < this.fadeSamples) y *= tail / this.fadeSamples;
    return softLimit(y);
  }

  /** Pitch (Hz) at `t` samples into the syllable: rises to the stressed peak, falls after it. */
  private pitchAt(t: number): number {
    const s = this.syllable;
    const length = s.end - s.start;
    const peakAt = s.onsetLength + s.vowel * 0.35;
    if (t <= peakAt) return s.hz + (s.peakHz - s.hz) * (t / peakAt);
    return s.peakHz - (s.peakHz - s.hz * 0.95) * Math.min(1, (t - peakAt) / (length - peakAt));
  }

  private retune(t: number): void {
    const s = this.syllable;
    // Formant transitions take the onset and the first 40% of the vowel, eased.
    const glide = s.onsetLength + s.vowel * 0.4;
    const x = Math.min(1, t / glide);
    const eased = 0.5 - 0.5 * Math.cos(Math.PI * x);
    for (let k = 0; k < 3; k++) {
      const hz = s.from[k]! + (s.to[k]! - s.from[k]!) * eased;
      this.formants[k]!.tune(hz, BANDWIDTHS[k]!);
    }
  }

  private noise(): number {
    // xorshift32: white noise in [-1, 1), cheaper than the planning PRNG.
    let x = this.noiseState;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.noiseState = x >>> 0;
    return this.noiseState / 2147483648 - 1;
  }

  private planSyllable(start: number): void {
    const r = this.random;
    const s = this.syllable;
    const index = this.syllableIndex++;
    if (this.phraseLeft <= 0) {
      this.phraseLength = this.phraseLeft = 6 + Math.floor(r() * 5);
      this.phraseBaseHz = 200 + 30 * r();
    }
    const inPhrase = this.phraseLength - this.phraseLeft--;
    // Declination: each phrase starts high and drifts down about four semitones.
    const declined = this.phraseBaseHz * 2 ** ((2 - (4 * inPhrase) / this.phraseLength) / 12);
    const stressed = index % 2 === 0 ? r() < 0.6 : r() < 0.2;
    s.hz = declined * 2 ** ((r() - 0.5) / 12);
    s.peakHz = s.hz * 2 ** ((stressed ? 2 + 2 * r() : 0.5 * r()) / 12);
    s.stress = stressed ? 1 : 0.75 + 0.15 * r();

    const roll = r();
    s.onset = roll < 0.22 ? Onset.Vowel : roll < 0.5 ? Onset.Fricative : roll < 0.66 ? Onset.Aspirate : Onset.Plosive;
    s.onsetLength = s.onset === Onset.Vowel ? 0 : ms(s.onset === Onset.Fricative ? 55 + 35 * r() : s.onset === Onset.Plosive ? 35 + 15 * r() : 40 + 25 * r());
    s.fricativeHz = r() < 0.6 ? 2500 : 1900;
    this.fricative.tune(s.fricativeHz, 700);
    s.vowel = ms(100 + 60 * r());
    const wordEnd = index % 4 === 3 || this.phraseLeft === 0;
    const gap = ms(wordEnd ? 100 + 50 * r() : 25 + 20 * r());
    s.start = start;
    s.end = start + s.onsetLength + s.vowel + gap;

    // Glide from where the last vowel ended, pulled toward the consonant's place of articulation.
    const target = VOWELS[Math.floor(r() * VOWELS.length)]!;
    for (let k = 0; k < 3; k++) {
      s.from[k] = s.to[k]!;
      s.to[k] = target[k]!;
    }
    if (s.onset === Onset.Plosive) {
      s.from[0] = 280;
      s.from[1] = (s.from[1]! + 1700) / 2;
    }
    if (start === 0) this.nextPulse = 0;
  }
}

/** 0..1..0 over a segment: rises over `edge` samples from its start, falls over `edge` before its end. */
function ramp(t: number, left: number, edge: number): number {
  return Math.min(1, t / edge, left / edge);
}

function softLimit(y: number): number {
  const magnitude = Math.abs(y);
  if (magnitude <= KNEE) return y;
  const bent = KNEE + (LIMIT - KNEE) * Math.tanh((magnitude - KNEE) / (LIMIT - KNEE));
  return y < 0 ? -bent : bent;
}

/** The whole reply in one buffer (tests, WAV export). */
export function renderReply(durationMs: number, seed = 1): Int16Array {
  const voice = new ReplyVoice(durationMs, seed);
  const out = new Int16Array(voice.totalSamples);
  voice.render(out);
  return out;
}
