/**
 * PCM helpers: int16 <-> float32, channel (de)interleaving and mixing, base64 PCM16 for the wire,
 * and ms <-> samples at the engine rate.
 *
 * Scaling uses the same factor (32768) both ways, so int16 -> float -> int16 is lossless for every
 * value; float input is clamped, so +1.0 becomes 32767 and -1.0 becomes -32768.
 */
import { endianness } from 'node:os';
import { ENGINE_SAMPLE_RATE } from './devices/types';

const SCALE = 32768;
const LITTLE_ENDIAN_HOST = endianness() === 'LE';

/** Converts int16 samples to float32 in [-1, 1). Writes into `out` when given (same length or longer). */
export function int16ToFloat32(input: Int16Array, out?: Float32Array): Float32Array {
  const result = out ?? new Float32Array(input.length);
  if (result.length < input.length) throw new RangeError(`output holds ${result.length} samples, need ${input.length}`);
  for (let i = 0; i < input.length; i++) result[i] = input[i]! / SCALE;
  return result;
}

/** Converts float32 samples to int16, rounding and clamping to [-32768, 32767]. NaN becomes 0. */
export function float32ToInt16(input: Float32Array, out?: Int16Array): Int16Array {
  const result = out ?? new Int16Array(input.length);
  if (result.length < input.length) throw new RangeError(`output holds ${result.length} samples, need ${input.length}`);
  for (let i = 0; i < input.length; i++) result[i] = floatSampleToInt16(input[i]!);
  return result;
}

export function floatSampleToInt16(x: number): number {
  const v = Math.round(x * SCALE);
  if (v > 32767) return 32767;
  if (v < -32768) return -32768;
  return v === v ? v : 0; // NaN check without a call
}

type Samples = Int16Array | Float32Array;

/** Interleaves equal-length planar channels: [L0, R0, L1, R1, ...]. */
export function interleave<T extends Samples>(channels: readonly T[]): T {
  const first = channels[0];
  if (!first) throw new RangeError('interleave needs at least one channel');
  const frames = first.length;
  for (const c of channels) {
    if (c.length !== frames) throw new RangeError('interleave needs channels of equal length');
  }
  const n = channels.length;
  const out = new (first.constructor as new (length: number) => T)(frames * n);
  for (let ch = 0; ch < n; ch++) {
    const src = channels[ch]!;
    for (let i = 0, j = ch; i < frames; i++, j += n) out[j] = src[i]!;
  }
  return out;
}

/** Splits interleaved samples into planar channels. A trailing partial frame is ignored. */
export function deinterleave<T extends Samples>(interleaved: T, channels: number): T[] {
  assertChannels(channels);
  const frames = Math.floor(interleaved.length / channels);
  const make = interleaved.constructor as new (length: number) => T;
  const out: T[] = [];
  for (let ch = 0; ch < channels; ch++) {
    const dst = new make(frames);
    for (let i = 0, j = ch; i < frames; i++, j += channels) dst[i] = interleaved[j]!;
    out.push(dst);
  }
  return out;
}

/**
 * Mixes interleaved N-channel audio down to mono by averaging (stereo -> mono is the common case).
 * Writes into `out` when given. One channel returns a copy (or fills `out`).
 */
export function downmixToMono<T extends Samples>(interleaved: T, channels: number, out?: T): T {
  assertChannels(channels);
  const frames = Math.floor(interleaved.length / channels);
  const result = out ?? new (interleaved.constructor as new (length: number) => T)(frames);
  if (result.length < frames) throw new RangeError(`output holds ${result.length} samples, need ${frames}`);
  const isInt = interleaved instanceof Int16Array;
  for (let i = 0, j = 0; i < frames; i++) {
    let sum = 0;
    for (let ch = 0; ch < channels; ch++) sum += interleaved[j++]!;
    const avg = sum / channels;
    result[i] = isInt ? Math.round(avg) : avg;
  }
  return result;
}

/** Copies mono samples to every channel of an interleaved N-channel buffer. */
export function upmixMono<T extends Samples>(mono: T, channels: number, out?: T): T {
  assertChannels(channels);
  const length = mono.length * channels;
  const result = out ?? new (mono.constructor as new (length: number) => T)(length);
  if (result.length < length) throw new RangeError(`output holds ${result.length} samples, need ${length}`);
  for (let i = 0, j = 0; i < mono.length; i++) {
    const v = mono[i]!;
    for (let ch = 0; ch < channels; ch++) result[j++] = v;
  }
  return result;
}

function assertChannels(channels: number): void {
  if (!Number.isInteger(channels) || channels < 1) throw new RangeError(`invalid channel count: ${channels}`);
}

/** Views PCM16 samples as little-endian bytes: no copy on little-endian hosts. */
export function pcm16ToBytes(pcm: Int16Array): Buffer {
  if (LITTLE_ENDIAN_HOST) return Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
  const bytes = Buffer.allocUnsafe(pcm.byteLength);
  for (let i = 0; i < pcm.length; i++) bytes.writeInt16LE(pcm[i]!, i * 2);
  return bytes;
}

/**
 * Reads little-endian PCM16 bytes as samples: a view (no copy) when the bytes are 2-byte aligned on
 * a little-endian host, otherwise a copy. Throws on an odd byte length.
 */
export function bytesToPcm16(bytes: Uint8Array): Int16Array {
  if (bytes.byteLength % 2 !== 0) {
    throw new RangeError(`PCM16 data must have an even byte length, got ${bytes.byteLength}`);
  }
  if (LITTLE_ENDIAN_HOST && bytes.byteOffset % 2 === 0) {
    return new Int16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2);
  }
  const out = new Int16Array(bytes.byteLength / 2);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = view.getInt16(i * 2, true);
  return out;
}

/** Base64 of PCM16 little-endian, as `input_audio_buffer.append` wants it. */
export function pcm16ToBase64(pcm: Int16Array): string {
  return pcm16ToBytes(pcm).toString('base64');
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decodes base64 PCM16 little-endian (an audio delta). Throws a RangeError on malformed input. */
export function base64ToPcm16(base64: string): Int16Array {
  // Buffer.from silently skips invalid characters; audio must not be half-garbage, so check.
  if (base64.length % 4 !== 0 || !BASE64.test(base64)) {
    throw new RangeError('audio payload is not valid base64');
  }
  return bytesToPcm16(Buffer.from(base64, 'base64'));
}

/** Samples in `ms` milliseconds (rounded) at `sampleRate` (default 24 kHz). */
export function msToSamples(ms: number, sampleRate: number = ENGINE_SAMPLE_RATE): number {
  return Math.round((ms * sampleRate) / 1000);
}

/** Milliseconds of `samples` samples (per channel) at `sampleRate` (default 24 kHz). */
export function samplesToMs(samples: number, sampleRate: number = ENGINE_SAMPLE_RATE): number {
  return (samples * 1000) / sampleRate;
}
