import { ENGINE_FRAME_SAMPLES, ENGINE_SAMPLE_RATE } from './devices/types';

/**
 * Energies of the speech bands of a 10 ms frame (24 kHz), over a 20 ms Hann window (this frame and
 * the one before): a 512-point FFT, bins summed into `BAND_EDGES_HZ`. What the double-talk detector
 * compares between the microphone and the echo reference. No allocation per frame.
 */

const FFT_SIZE = 512;
const WINDOW = 2 * ENGINE_FRAME_SAMPLES;
/** Band edges (Hz), about a third of an octave wide above 500 Hz: where voices (and their echoes) have their energy. */
export const BAND_EDGES_HZ = [150, 250, 350, 450, 570, 700, 850, 1000, 1200, 1400, 1650, 1950, 2300, 2700, 3150, 3700, 4300, 5000] as const;
export const BAND_COUNT = BAND_EDGES_HZ.length - 1;

const binOf = (hz: number) => Math.round((hz * FFT_SIZE) / ENGINE_SAMPLE_RATE);

export class BandEnergies {
  /** The last frame's mean square per band, relative to full scale (a full-scale sine: 0.5). */
  readonly bands = new Float64Array(BAND_COUNT);
  private readonly window = new Float64Array(WINDOW);
  private readonly history = new Float64Array(WINDOW);
  private readonly re = new Float64Array(FFT_SIZE);
  private readonly im = new Float64Array(FFT_SIZE);
  private readonly cos = new Float64Array(FFT_SIZE / 2);
  private readonly sin = new Float64Array(FFT_SIZE / 2);
  private readonly reversed = new Uint16Array(FFT_SIZE);
  private readonly edges = BAND_EDGES_HZ.map(binOf);
  private readonly scale: number;

  constructor() {
    let windowEnergy = 0;
    for (let i = 0; i < WINDOW; i++) {
      this.window[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * (i + 0.5)) / WINDOW);
      windowEnergy += this.window[i]! ** 2;
    }
    // Parseval, one side of the spectrum: the bands of a signal sum to its mean square re full scale.
    this.scale = 2 / (32768 * 32768 * windowEnergy * FFT_SIZE);
    for (let i = 0; i < FFT_SIZE / 2; i++) {
      this.cos[i] = Math.cos((2 * Math.PI * i) / FFT_SIZE);
      this.sin[i] = -Math.sin((2 * Math.PI * i) / FFT_SIZE);
    }
    const bits = Math.log2(FFT_SIZE);
    for (let i = 0; i < FFT_SIZE; i++) {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
      this.reversed[i] = r;
    }
  }

  /** The band energies of `frame` (10 ms) with the frame before it; returns `bands`. */
  push(frame: Int16Array): Float64Array {
    this.keep(frame);
    const h = this.history;
    const { re, im } = this;
    re.fill(0);
    im.fill(0);
    for (let i = 0; i < WINDOW; i++) {
      const j = this.reversed[i]!;
      re[j] = h[i]! * this.window[i]!;
    }
    this.transform();
    for (let b = 0; b < BAND_COUNT; b++) {
      let sum = 0;
      for (let k = this.edges[b]!; k < this.edges[b + 1]!; k++) sum += re[k]! * re[k]! + im[k]! * im[k]!;
      this.bands[b] = sum * this.scale;
    }
    return this.bands;
  }

  /** Takes `frame` into the window without analysing it (the next push needs it). */
  keep(frame: Int16Array): void {
    const h = this.history;
    h.copyWithin(0, ENGINE_FRAME_SAMPLES);
    for (let i = 0; i < ENGINE_FRAME_SAMPLES; i++) h[ENGINE_FRAME_SAMPLES + i] = frame[i] ?? 0;
  }

  /** In-place radix-2 FFT of `re`/`im`, input already in bit-reversed order. */
  private transform(): void {
    const { re, im, cos, sin } = this;
    for (let size = 2; size <= FFT_SIZE; size <<= 1) {
      const half = size >> 1;
      const step = FFT_SIZE / size;
      for (let start = 0; start < FFT_SIZE; start += size) {
        for (let k = 0; k < half; k++) {
          const wr = cos[k * step]!;
          const wi = sin[k * step]!;
          const a = start + k;
          const b = a + half;
          const tr = re[b]! * wr - im[b]! * wi;
          const ti = re[b]! * wi + im[b]! * wr;
          re[b] = re[a]! - tr;
          im[b] = im[a]! - ti;
          re[a] = re[a]! + tr;
          im[a] = im[a]! + ti;
        }
      }
    }
  }
}
