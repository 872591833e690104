import { describe, expect, it } from 'vitest';
import { rmsDb } from '../../src/engine/audio/meter';
import { EnergyVad, thresholdToDbfs } from '../../src/simulator/vad';
import { ReplyVoice, renderReply } from '../../src/simulator/voice';
import { createEchoCanceller } from '../../src/engine/audio/echo-canceller';
import { erleDb, runEchoPath } from '../../harness/echo-path';

const RATE = 24_000;
const FRAME = 240;

/** Fraction of the signal's energy between lo and hi Hz, from DFTs of a few 2048-sample windows. */
function bandEnergyFraction(pcm: Int16Array, lo: number, hi: number): number {
  const N = 2048;
  let inBand = 0;
  let total = 0;
  for (let start = 0; start + N <= pcm.length; start += Math.floor(pcm.length / 6)) {
    for (let k = 1; k < N / 2; k++) {
      let re = 0;
      let im = 0;
      for (let n = 0; n < N; n++) {
        const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / (N - 1));
        const x = pcm[start + n]! * w;
        re += x * Math.cos((2 * Math.PI * k * n) / N);
        im -= x * Math.sin((2 * Math.PI * k * n) / N);
      }
      const power = re * re + im * im;
      const hz = (k * RATE) / N;
      total += power;
      if (hz >= lo && hz <= hi) inBand += power;
    }
  }
  return inBand / total;
}

/**
 * Spectral flatness (geometric over arithmetic mean) of the power spectrum averaged over the whole
 * signal (2048-sample Hann windows, half overlapping), in lo..hi Hz: near 0 for a few steady tones,
 * higher the more evenly the energy spreads over the band.
 */
function bandFlatness(pcm: Int16Array, lo: number, hi: number): number {
  const N = 2048;
  const first = Math.ceil((lo * N) / RATE);
  const last = Math.floor((hi * N) / RATE);
  const cos = new Float64Array(N);
  const sin = new Float64Array(N);
  const window = new Float64Array(N);
  for (let m = 0; m < N; m++) {
    cos[m] = Math.cos((2 * Math.PI * m) / N);
    sin[m] = Math.sin((2 * Math.PI * m) / N);
    window[m] = 0.5 - 0.5 * Math.cos((2 * Math.PI * m) / (N - 1));
  }
  const power = new Float64Array(last - first + 1);
  for (let start = 0; start + N <= pcm.length; start += N / 2) {
    for (let k = first; k <= last; k++) {
      let re = 0;
      let im = 0;
      for (let n = 0; n < N; n++) {
        const x = pcm[start + n]! * window[n]!;
        re += x * cos[(k * n) % N]!;
        im -= x * sin[(k * n) % N]!;
      }
      power[k - first]! += re * re + im * im;
    }
  }
  let logSum = 0;
  let sum = 0;
  for (const p of power) {
    logSum += Math.log(p);
    sum += p;
  }
  return Math.exp(logSum / power.length) / (sum / power.length);
}

describe('the reply voice', () => {
  const pcm = renderReply(3000, 7);

  it('is exactly as long as asked, deterministic per seed, and never clips', () => {
    expect(pcm.length).toBe(3000 * 24);
    expect(renderReply(3000, 7)).toEqual(pcm);
    expect(renderReply(3000, 8)).not.toEqual(pcm);
    let peak = 0;
    for (const s of pcm) peak = Math.max(peak, Math.abs(s));
    expect(peak).toBeLessThan(32767);
    expect(peak).toBeGreaterThan(8000);
  });

  it('renders the same samples in chunks as in one go', () => {
    const voice = new ReplyVoice(3000, 7);
    const chunk = new Int16Array(2400);
    const parts: number[] = [];
    let n: number;
    while ((n = voice.render(chunk)) > 0) parts.push(...chunk.subarray(0, n));
    expect(Int16Array.from(parts)).toEqual(pcm);
    expect(voice.remaining).toBe(0);
  });

  it('is loud, syllabic speech to a level meter: 3-8 syllables a second, gaps between them', () => {
    const threshold = thresholdToDbfs(0.5);
    const frames = pcm.length / FRAME;
    let loud = 0;
    let onsets = 0;
    let wasLoud = false;
    for (let f = 0; f < frames; f++) {
      const isLoud = rmsDb(pcm, f * FRAME, (f + 1) * FRAME) > threshold;
      if (isLoud) loud++;
      if (isLoud && !wasLoud) onsets++;
      wasLoud = isLoud;
    }
    expect(loud / frames).toBeGreaterThan(0.6);
    expect(loud / frames).toBeLessThan(0.95);
    expect(onsets / 3).toBeGreaterThanOrEqual(3);
    expect(onsets / 3).toBeLessThanOrEqual(8);
  });

  it('has its energy in the voice band (200-3000 Hz)', () => {
    expect(bandEnergyFraction(pcm, 200, 3000)).toBeGreaterThan(0.9);
  });

  it('is broadband like speech, not a sum of tones: its energy spreads over the voice band', () => {
    // The sung tune this voice replaced scored about 0.2; this babble, about 0.45.
    expect(bandFlatness(pcm, 200, 3000)).toBeGreaterThan(0.35);
  });

  it('lets an echo canceller converge on it as on speech: ERLE above 20 dB over the first 2 s', async () => {
    const canceller = await createEchoCanceller(true);
    try {
      const result = runEchoPath(canceller, { reference: pcm, outputLatencyMs: 100 });
      expect(erleDb(result, 0, 2000)).toBeGreaterThan(20);
    } finally {
      canceller.destroy();
    }
  });

  it('is speech to the server VAD when fed back: one turn spanning the reply', () => {
    const vad = new EnergyVad({ threshold: 0.5, prefixPaddingMs: 300, silenceDurationMs: 200 });
    const events = vad.push(pcm);
    expect(events[0]).toMatchObject({ type: 'start' });
    expect((events[0] as { onsetSample: number }).onsetSample).toBeLessThan(100 * 24);
    // Syllable and word gaps are shorter than the default 200 ms silence: no stop inside the reply.
    expect(events.filter((e) => e.type === 'stop')).toHaveLength(0);
  });
});
