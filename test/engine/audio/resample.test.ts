import { afterEach, describe, expect, it } from 'vitest';
import * as libsamplerateNamespace from '@alexanderolsen/libsamplerate-js';
import { createResampler, resampleAll, type Resampler } from '../../../src/engine/audio/resample';

type Library = typeof libsamplerateNamespace;
const libsamplerate: Library = (libsamplerateNamespace as unknown as { default?: Library }).default ?? libsamplerateNamespace;

/** The reference: libsamplerate's one-shot `src_simple` (end of input known), same converter. */
async function oneShotReference(input: Float32Array, from: number, to: number): Promise<Float32Array> {
  const src = await libsamplerate.create(1, from, to, { converterType: libsamplerate.ConverterType.SRC_SINC_FASTEST });
  try {
    return src.simple(input);
  } finally {
    src.destroy();
  }
}

function sine(freq: number, rate: number, seconds: number, amplitude = 0.5): Float32Array {
  const out = new Float32Array(Math.round(rate * seconds));
  for (let i = 0; i < out.length; i++) out[i] = amplitude * Math.sin((2 * Math.PI * freq * i) / rate);
  return out;
}

/** Sign changes, ignoring the filter's edges. */
function zeroCrossings(x: Float32Array, skip: number): number {
  let count = 0;
  for (let i = skip + 1; i < x.length - skip; i++) if ((x[i - 1]! < 0) !== (x[i]! < 0)) count++;
  return count;
}

/** Feeds `input` in odd-sized chunks (cycling through `sizes`), then flushes. */
function streamInChunks(resampler: Resampler, input: Float32Array, sizes: number[]): Float32Array {
  const parts: Float32Array[] = [];
  let k = 0;
  for (let i = 0; i < input.length; k++) {
    const n = Math.min(sizes[k % sizes.length]!, input.length - i);
    parts.push(resampler.process(input.subarray(i, i + n)).slice());
    i += n;
  }
  parts.push(resampler.flush());
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const created: Resampler[] = [];
async function make(from: number, to: number): Promise<Resampler> {
  const r = await createResampler({ from, to });
  created.push(r);
  return r;
}
afterEach(() => {
  for (const r of created.splice(0)) r.destroy();
});

describe('streaming resampler', () => {
  for (const from of [48000, 44100]) {
    it(`${from} -> 24000 in odd-sized chunks equals the one-shot conversion`, async () => {
      const input = sine(1000, from, 1);
      const streamed = streamInChunks(await make(from, 24000), input, [441, 13, 997, 1, 480, 4095]);
      const oneShot = await oneShotReference(input, from, 24000);
      expect(streamed.length).toBe(24000);
      expect(oneShot.length).toBe(24000);
      expect(await resampleAll(input, from, 24000)).toEqual(streamed);
      let maxDiff = 0;
      for (let i = 0; i < streamed.length; i++) maxDiff = Math.max(maxDiff, Math.abs(streamed[i]! - oneShot[i]!));
      expect(maxDiff).toBeLessThan(1e-4);
      // 1 kHz for 1 s: 2000 sign changes; the edges are excluded from the count.
      const edge = 100;
      const expected = 2000 * ((24000 - 2 * edge) / 24000);
      expect(Math.abs(zeroCrossings(streamed, edge) - expected)).toBeLessThanOrEqual(2);
      // Amplitude preserved (well inside the passband).
      let peak = 0;
      for (let i = edge; i < streamed.length - edge; i++) peak = Math.max(peak, Math.abs(streamed[i]!));
      expect(peak).toBeGreaterThan(0.49);
      expect(peak).toBeLessThan(0.51);
    });
  }

  it('24000 -> 48000 and 44100 keep frequency and exact length', async () => {
    for (const to of [48000, 44100]) {
      const out = streamInChunks(await make(24000, to), sine(1000, 24000, 0.5), [240, 7, 333]);
      expect(out.length).toBe(Math.round(0.5 * to));
      const edge = 200;
      const expected = 1000 * ((out.length - 2 * edge) / to) * 2;
      expect(Math.abs(zeroCrossings(out, edge) - expected)).toBeLessThanOrEqual(2);
    }
  });

  it('keeps state across chunks: a stream is not a series of independent conversions', async () => {
    // Converting 10 ms chunks independently (fresh state each time) would smear every boundary;
    // the streamed result must be as smooth as the one-shot one.
    const input = sine(1000, 48000, 0.2);
    const streamed = streamInChunks(await make(48000, 24000), input, [480]);
    const oneShot = await resampleAll(input, 48000, 24000);
    for (let i = 0; i < streamed.length; i++) expect(Math.abs(streamed[i]! - oneShot[i]!)).toBeLessThan(1e-4);
  });

  it('converts PCM16 with a reused output buffer', async () => {
    const r = await make(48000, 24000);
    const pcm = new Int16Array(960);
    for (let i = 0; i < pcm.length; i++) pcm[i] = Math.round(16000 * Math.sin((2 * Math.PI * 1000 * i) / 48000));
    const first = r.processInt16(pcm);
    const firstBuffer = first.buffer;
    const lengths = [first.length];
    for (let k = 0; k < 9; k++) {
      const out = r.processInt16(pcm);
      expect(out.buffer).toBe(firstBuffer);
      lengths.push(out.length);
    }
    lengths.push(r.flushInt16().length);
    expect(lengths.reduce((a, b) => a + b, 0)).toBe(4800);
  });

  it('can be reused after flush() for a new stream', async () => {
    const r = await make(48000, 24000);
    const input = sine(1000, 48000, 0.1);
    const a = streamInChunks(r, input, [100]);
    const b = streamInChunks(r, input, [100]);
    expect(b).toEqual(a);
  });

  it('passes through when the rates are equal', async () => {
    const r = await make(24000, 24000);
    const pcm = Int16Array.of(1, 2, 3);
    expect(r.processInt16(pcm)).toBe(pcm);
    expect(r.flushInt16().length).toBe(0);
  });

  it('rejects bad rates and use after destroy', async () => {
    await expect(createResampler({ from: 0, to: 24000 })).rejects.toThrow(/invalid from rate/);
    await expect(createResampler({ from: 48000, to: 300000 })).rejects.toThrow(/invalid to rate/);
    await expect(createResampler({ from: 48000, to: 24000, channels: 0 })).rejects.toThrow(/channel/);
    const r = await createResampler({ from: 48000, to: 24000 });
    r.destroy();
    expect(() => r.process(new Float32Array(10))).toThrow(/after destroy/);
  });

  it('handles interleaved stereo', async () => {
    const r = await createResampler({ from: 48000, to: 24000, channels: 2 });
    created.push(r);
    const mono = sine(1000, 48000, 0.1);
    const stereo = new Float32Array(mono.length * 2);
    for (let i = 0; i < mono.length; i++) {
      stereo[2 * i] = mono[i]!;
      stereo[2 * i + 1] = -mono[i]!;
    }
    const out = streamInChunks(r, stereo, [962]);
    expect(out.length).toBe(2400 * 2);
    for (let i = 0; i < out.length; i += 2) expect(out[i + 1]).toBeCloseTo(-out[i]!, 6);
  });
});
