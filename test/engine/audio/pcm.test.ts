import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  base64ToPcm16,
  bytesToPcm16,
  deinterleave,
  downmixToMono,
  float32ToInt16,
  int16ToFloat32,
  interleave,
  msToSamples,
  pcm16ToBase64,
  pcm16ToBytes,
  samplesToMs,
  upmixMono,
} from '../../../src/engine/audio/pcm';

describe('int16 <-> float32', () => {
  it('round-trips every int16 value losslessly', () => {
    const all = new Int16Array(65536);
    for (let i = 0; i < all.length; i++) all[i] = i - 32768;
    expect(float32ToInt16(int16ToFloat32(all))).toEqual(all);
  });

  it('maps the extremes symmetrically and clamps out-of-range floats', () => {
    expect(Array.from(int16ToFloat32(Int16Array.of(-32768, 0, 16384)))).toEqual([-1, 0, 0.5]);
    expect(Array.from(float32ToInt16(Float32Array.of(-1, -0.5, 0, 0.5, 1, 2, -3, NaN)))).toEqual([
      -32768, -16384, 0, 16384, 32767, 32767, -32768, 0,
    ]);
  });

  it('writes into a given buffer and rejects one that is too small', () => {
    const out = new Float32Array(4);
    expect(int16ToFloat32(Int16Array.of(32767, -32768), out)).toBe(out);
    expect(() => float32ToInt16(new Float32Array(3), new Int16Array(2))).toThrow(RangeError);
  });
});

describe('channels', () => {
  it('interleaves and deinterleaves', () => {
    const left = Int16Array.of(1, 2, 3);
    const right = Int16Array.of(-1, -2, -3);
    const stereo = interleave([left, right]);
    expect(Array.from(stereo)).toEqual([1, -1, 2, -2, 3, -3]);
    expect(deinterleave(stereo, 2)).toEqual([left, right]);
    expect(() => interleave([left, Int16Array.of(1)])).toThrow(RangeError);
  });

  it('mixes stereo down to mono by averaging and copies mono to N channels', () => {
    expect(Array.from(downmixToMono(Int16Array.of(100, 300, -32768, -32768, 1, 2), 2))).toEqual([200, -32768, 2]);
    expect(Array.from(downmixToMono(Float32Array.of(0.5, -0.5, 1, 0), 2))).toEqual([0, 0.5]);
    expect(Array.from(upmixMono(Int16Array.of(7, -7), 3))).toEqual([7, 7, 7, -7, -7, -7]);
    expect(() => downmixToMono(new Int16Array(4), 0)).toThrow(RangeError);
  });
});

describe('base64 PCM16', () => {
  it('encodes little-endian and decodes back', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -32768, max: 32767 }), { maxLength: 600 }), (values) => {
        const pcm = Int16Array.from(values);
        expect(base64ToPcm16(pcm16ToBase64(pcm))).toEqual(pcm);
      }),
    );
    expect(pcm16ToBase64(Int16Array.of(1, -2))).toBe(Buffer.from([0x01, 0x00, 0xfe, 0xff]).toString('base64'));
  });

  it('views the samples without copying when it can', () => {
    const pcm = Int16Array.of(1, 2, 3);
    expect(pcm16ToBytes(pcm).buffer).toBe(pcm.buffer);
    const bytes = Buffer.from([1, 0, 2, 0]);
    expect(bytesToPcm16(bytes).buffer).toBe(bytes.buffer);
  });

  it('copies misaligned bytes correctly', () => {
    const backing = new Uint8Array([9, 0x34, 0x12, 0xff, 0xff]);
    expect(Array.from(bytesToPcm16(backing.subarray(1)))).toEqual([0x1234, -1]);
  });

  it('rejects odd byte lengths and malformed base64', () => {
    expect(() => base64ToPcm16(Buffer.from([1, 2, 3]).toString('base64'))).toThrow(/even byte length/);
    expect(() => base64ToPcm16('not base64!')).toThrow(/not valid base64/);
    expect(() => base64ToPcm16('AAA')).toThrow(/not valid base64/);
  });
});

describe('ms <-> samples', () => {
  it('uses 24 kHz by default', () => {
    expect(msToSamples(10)).toBe(240);
    expect(samplesToMs(24000)).toBe(1000);
    expect(msToSamples(10, 48000)).toBe(480);
    expect(samplesToMs(441, 44100)).toBe(10);
  });
});
