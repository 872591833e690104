/**
 * WAV (RIFF/WAVE) reading and writing.
 *
 * Reads 8/16/24/32-bit integer PCM and 32/64-bit IEEE float, plain or WAVE_FORMAT_EXTENSIBLE, any
 * channel count and rate. Samples come back *planar*: one Float32Array per channel in [-1, 1).
 * Unknown chunks (LIST, fact, cue, ...) are skipped, odd-sized chunks honour their pad byte.
 * A data chunk whose size is 0xFFFFFFFF (a recording that was never finalised, or a pipe)
 * runs to the end of the file.
 */
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { ENGINE_SAMPLE_RATE } from './devices/types';
import { floatSampleToInt16, pcm16ToBytes } from './pcm';
import { resampleAll } from './resample';

export class WavError extends Error {
  constructor(
    message: string,
    readonly path?: string,
  ) {
    super(path ? `${path}: ${message}` : message);
    this.name = 'WavError';
  }
}

export type WavSampleFormat = 'pcm8' | 'pcm16' | 'pcm24' | 'pcm32' | 'float32' | 'float64';

export interface WavData {
  sampleRate: number;
  channels: number;
  format: WavSampleFormat;
  /** Planar samples, one array per channel, all of `frames` length. */
  channelData: Float32Array[];
  frames: number;
}

const WAVE_FORMAT_PCM = 0x0001;
const WAVE_FORMAT_IEEE_FLOAT = 0x0003;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
// KSDATAFORMAT_SUBTYPE_* GUIDs share everything after their first two bytes (the format tag).
const SUBFORMAT_GUID_TAIL = Buffer.from([0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71]);
const UNKNOWN_SIZE = 0xffffffff;

interface FmtChunk {
  tag: number;
  channels: number;
  sampleRate: number;
  blockAlign: number;
  bitsPerSample: number;
}

export function readWav(bytes: Uint8Array, path?: string): WavData {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (message: string): never => {
    throw new WavError(message, path);
  };
  if (buf.length < 12) fail(`not a WAV file: ${buf.length} bytes is too short for a RIFF header`);
  const riff = buf.toString('latin1', 0, 4);
  if (riff === 'RF64' || riff === 'BW64') fail(`unsupported: ${riff} (64-bit WAV)`);
  if (riff !== 'RIFF') fail('not a WAV file: no RIFF header');
  if (buf.toString('latin1', 8, 12) !== 'WAVE') fail('not a WAV file: RIFF but not WAVE');

  let fmt: FmtChunk | undefined;
  let pos = 12;
  while (pos + 8 <= buf.length) {
    const id = buf.toString('latin1', pos, pos + 4);
    const size = buf.readUInt32LE(pos + 4);
    const body = pos + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + size > buf.length) fail('truncated fmt chunk');
      fmt = parseFmt(buf.subarray(body, body + size), fail);
    } else if (id === 'data') {
      if (!fmt) fail('data chunk before fmt chunk');
      let end = body + size;
      if (size === UNKNOWN_SIZE) end = buf.length;
      else if (end > buf.length) fail(`truncated: data chunk declares ${size} bytes, ${buf.length - body} present`);
      return decode(buf.subarray(body, end), fmt!);
    }
    pos = body + size + (size & 1);
  }
  if (!fmt) return fail('no fmt chunk');
  return fail('no data chunk');
}

function parseFmt(chunk: Buffer, fail: (message: string) => never): FmtChunk {
  let tag = chunk.readUInt16LE(0);
  const channels = chunk.readUInt16LE(2);
  const sampleRate = chunk.readUInt32LE(4);
  const blockAlign = chunk.readUInt16LE(12);
  const bitsPerSample = chunk.readUInt16LE(14);
  if (tag === WAVE_FORMAT_EXTENSIBLE) {
    if (chunk.length < 40) fail('truncated WAVE_FORMAT_EXTENSIBLE fmt chunk');
    const guid = chunk.subarray(24, 40);
    if (!guid.subarray(2).equals(SUBFORMAT_GUID_TAIL)) fail('unsupported WAVE_FORMAT_EXTENSIBLE sub-format');
    tag = guid.readUInt16LE(0);
  }
  if (channels < 1) fail('fmt chunk declares 0 channels');
  if (sampleRate < 1) fail('fmt chunk declares a 0 Hz sample rate');
  const supported =
    (tag === WAVE_FORMAT_PCM && [8, 16, 24, 32].includes(bitsPerSample)) ||
    (tag === WAVE_FORMAT_IEEE_FLOAT && (bitsPerSample === 32 || bitsPerSample === 64));
  if (!supported) {
    const name = tag === WAVE_FORMAT_PCM ? 'PCM' : tag === WAVE_FORMAT_IEEE_FLOAT ? 'float' : `format tag 0x${tag.toString(16)}`;
    fail(`unsupported sample format: ${name}, ${bitsPerSample} bits`);
  }
  if (blockAlign !== (bitsPerSample / 8) * channels) fail(`inconsistent fmt chunk: block align ${blockAlign}`);
  return { tag, channels, sampleRate, blockAlign, bitsPerSample };
}

function decode(data: Buffer, fmt: FmtChunk): WavData {
  const { channels, blockAlign, bitsPerSample } = fmt;
  const frames = Math.floor(data.length / blockAlign);
  const channelData = Array.from({ length: channels }, () => new Float32Array(frames));
  const bytes = bitsPerSample / 8;
  const isFloat = fmt.tag === WAVE_FORMAT_IEEE_FLOAT;
  const format: WavSampleFormat = isFloat ? (bitsPerSample === 32 ? 'float32' : 'float64') : (`pcm${bitsPerSample}` as WavSampleFormat);
  const read = sampleReader(format);
  for (let ch = 0; ch < channels; ch++) {
    const out = channelData[ch]!;
    for (let i = 0, p = ch * bytes; i < frames; i++, p += blockAlign) out[i] = read(data, p);
  }
  return { sampleRate: fmt.sampleRate, channels, format, channelData, frames };
}

function sampleReader(format: WavSampleFormat): (data: Buffer, offset: number) => number {
  switch (format) {
    case 'pcm8':
      return (d, o) => (d[o]! - 128) / 128; // 8-bit WAV is unsigned
    case 'pcm16':
      return (d, o) => d.readInt16LE(o) / 32768;
    case 'pcm24':
      return (d, o) => d.readIntLE(o, 3) / 8388608;
    case 'pcm32':
      return (d, o) => d.readInt32LE(o) / 2147483648;
    case 'float32':
      return (d, o) => d.readFloatLE(o);
    case 'float64':
      return (d, o) => d.readDoubleLE(o);
  }
}

export async function readWavFile(path: string): Promise<WavData> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new WavError(`cannot read: ${(error as Error).message}`, path);
  }
  return readWav(bytes, path);
}

/** Mixes planar channels to one (average). One channel is returned as is. */
export function mixToMono(channelData: readonly Float32Array[]): Float32Array {
  if (channelData.length === 1) return channelData[0]!;
  const frames = channelData[0]?.length ?? 0;
  const mono = new Float32Array(frames);
  for (const channel of channelData) for (let i = 0; i < frames; i++) mono[i]! += channel[i]!;
  for (let i = 0; i < frames; i++) mono[i]! /= channelData.length;
  return mono;
}

/** Reads a WAV file as engine audio: 24 kHz mono PCM16 (channels averaged, resampled). */
export async function readWavAsEngineAudio(path: string): Promise<Int16Array> {
  const wav = await readWavFile(path);
  const mono = mixToMono(wav.channelData);
  const resampled = await resampleAll(mono, wav.sampleRate, ENGINE_SAMPLE_RATE);
  const out = new Int16Array(resampled.length);
  for (let i = 0; i < out.length; i++) out[i] = floatSampleToInt16(resampled[i]!);
  return out;
}

export interface WriteWavOptions {
  sampleRate: number;
  /** Default 'pcm16'. */
  format?: WavSampleFormat;
  /** Write WAVE_FORMAT_EXTENSIBLE instead of the plain header. Default false. */
  extensible?: boolean;
}

/** Encodes planar float channels (in [-1, 1], clamped) as a WAV file. */
export function writeWav(channelData: readonly Float32Array[], options: WriteWavOptions): Buffer {
  const channels = channelData.length;
  if (channels < 1) throw new WavError('writeWav needs at least one channel');
  const frames = channelData[0]!.length;
  if (channelData.some((c) => c.length !== frames)) throw new WavError('writeWav needs channels of equal length');
  const format = options.format ?? 'pcm16';
  const bits = bitsOf(format);
  const blockAlign = (bits / 8) * channels;
  const header = wavHeader({ sampleRate: options.sampleRate, channels, format, extensible: options.extensible ?? false }, frames * blockAlign);
  const out = Buffer.alloc(header.length + frames * blockAlign + ((frames * blockAlign) & 1));
  header.copy(out);
  const write = sampleWriter(format);
  for (let ch = 0; ch < channels; ch++) {
    const src = channelData[ch]!;
    for (let i = 0, p = header.length + ch * (bits / 8); i < frames; i++, p += blockAlign) write(out, p, src[i]!);
  }
  return out;
}

/** Encodes PCM16 samples (interleaved when `channels` > 1) as a 16-bit WAV file. */
export function writeWavPcm16(samples: Int16Array, sampleRate: number, channels = 1): Buffer {
  const header = wavHeader({ sampleRate, channels, format: 'pcm16', extensible: false }, samples.byteLength);
  const out = Buffer.alloc(header.length + samples.byteLength);
  header.copy(out);
  for (let i = 0; i < samples.length; i++) out.writeInt16LE(samples[i]!, header.length + i * 2);
  return out;
}

function bitsOf(format: WavSampleFormat): number {
  return format === 'pcm8' ? 8 : format === 'pcm16' ? 16 : format === 'pcm24' ? 24 : format === 'float64' ? 64 : 32;
}

const clamp = (x: number): number => (x > 1 ? 1 : x < -1 ? -1 : x === x ? x : 0);
const toInt = (x: number, scale: number): number => Math.max(-scale, Math.min(scale - 1, Math.round(clamp(x) * scale)));

function sampleWriter(format: WavSampleFormat): (out: Buffer, offset: number, x: number) => void {
  switch (format) {
    case 'pcm8':
      return (b, o, x) => void (b[o] = toInt(x, 128) + 128);
    case 'pcm16':
      return (b, o, x) => void b.writeInt16LE(toInt(x, 32768), o);
    case 'pcm24':
      return (b, o, x) => void b.writeIntLE(toInt(x, 8388608), o, 3);
    case 'pcm32':
      return (b, o, x) => void b.writeInt32LE(toInt(x, 2147483648), o);
    case 'float32':
      return (b, o, x) => void b.writeFloatLE(x, o);
    case 'float64':
      return (b, o, x) => void b.writeDoubleLE(x, o);
  }
}

interface HeaderSpec {
  sampleRate: number;
  channels: number;
  format: WavSampleFormat;
  extensible: boolean;
}

/** RIFF + fmt (+ fact for float) + data chunk header for `dataBytes` bytes of samples. */
function wavHeader(spec: HeaderSpec, dataBytes: number): Buffer {
  const { sampleRate, channels, format, extensible } = spec;
  if (!Number.isInteger(sampleRate) || sampleRate < 1) throw new WavError(`invalid sample rate: ${sampleRate}`);
  if (!Number.isInteger(channels) || channels < 1 || channels > 65535) throw new WavError(`invalid channel count: ${channels}`);
  const bits = bitsOf(format);
  const isFloat = format.startsWith('float');
  const blockAlign = (bits / 8) * channels;
  const fmtSize = extensible ? 40 : isFloat ? 18 : 16;
  const factSize = isFloat ? 12 : 0;
  const headerSize = 12 + 8 + fmtSize + factSize + 8;
  const h = Buffer.alloc(headerSize);
  h.write('RIFF', 0, 'latin1');
  h.writeUInt32LE(riffSize(headerSize, dataBytes), 4);
  h.write('WAVE', 8, 'latin1');
  h.write('fmt ', 12, 'latin1');
  h.writeUInt32LE(fmtSize, 16);
  const tag = isFloat ? WAVE_FORMAT_IEEE_FLOAT : WAVE_FORMAT_PCM;
  h.writeUInt16LE(extensible ? WAVE_FORMAT_EXTENSIBLE : tag, 20);
  h.writeUInt16LE(channels, 22);
  h.writeUInt32LE(sampleRate, 24);
  h.writeUInt32LE(sampleRate * blockAlign, 28);
  h.writeUInt16LE(blockAlign, 32);
  h.writeUInt16LE(bits, 34);
  let p = 36;
  if (extensible) {
    h.writeUInt16LE(22, 36); // cbSize
    h.writeUInt16LE(bits, 38); // valid bits per sample
    h.writeUInt32LE(channels === 1 ? 0x4 : channels === 2 ? 0x3 : 0, 40); // channel mask
    h.writeUInt16LE(tag, 44);
    SUBFORMAT_GUID_TAIL.copy(h, 46);
    p = 60;
  } else if (isFloat) {
    h.writeUInt16LE(0, 36); // cbSize
    p = 38;
  }
  if (isFloat) {
    h.write('fact', p, 'latin1');
    h.writeUInt32LE(4, p + 4);
    h.writeUInt32LE(Math.floor(dataBytes / blockAlign), p + 8);
    p += 12;
  }
  h.write('data', p, 'latin1');
  h.writeUInt32LE(Math.min(dataBytes, UNKNOWN_SIZE), p + 4);
  return h;
}

/**
 * The header of a 16-bit WAV stream whose length is not known when it starts (a pipe, an HTTP
 * response): RIFF and data sizes are 0xFFFFFFFF, as sox and ffmpeg write to pipes, so nothing
 * needs to seek back. `readWav`, aplay, sox and ffmpeg read such a stream to its end.
 */
export function streamingWavHeader(sampleRate: number, channels = 1): Buffer {
  const header = wavHeader({ sampleRate, channels, format: 'pcm16', extensible: false }, UNKNOWN_SIZE);
  header.writeUInt32LE(UNKNOWN_SIZE, 4);
  return header;
}

function riffSize(headerSize: number, dataBytes: number): number {
  return Math.min(UNKNOWN_SIZE, headerSize - 8 + dataBytes + (dataBytes & 1));
}

/**
 * Streams PCM16 frames to a WAV file: `write()` copies into a buffer that goes to disk in 64 KB
 * blocks, `close()` writes the rest and patches the RIFF and data sizes. Until then the header
 * says "unknown size", which `readWav` reads to the end of the file. A path that cannot seek (a
 * pipe, /dev/stdout, a character device) is written in order and keeps the "unknown size" header.
 */
export class WavFileWriter {
  private static readonly BLOCK_BYTES = 64 * 1024;
  private pending = Buffer.allocUnsafe(WavFileWriter.BLOCK_BYTES);
  private pendingBytes = 0;
  private fileOffset: number;
  private dataBytes = 0;
  private chain: Promise<void> = Promise.resolve();
  private failure: Error | undefined;
  private closing: Promise<void> | undefined;
  private readonly headerSize: number;

  private constructor(
    private readonly file: FileHandle,
    readonly path: string,
    readonly sampleRate: number,
    readonly channels: number,
    /** false for pipes and devices: blocks go in order and the header is never patched. */
    readonly seekable = true,
  ) {
    this.headerSize = wavHeader({ sampleRate, channels, format: 'pcm16', extensible: false }, 0).length;
    this.fileOffset = this.headerSize;
  }

  static async create(path: string, options: { sampleRate: number; channels?: number }): Promise<WavFileWriter> {
    const channels = options.channels ?? 1;
    const header = streamingWavHeader(options.sampleRate, channels);
    let file: FileHandle | undefined;
    try {
      file = await open(path, 'w');
      const seekable = (await file.stat()).isFile();
      await file.write(header, 0, header.length, seekable ? 0 : null);
      return new WavFileWriter(file, path, options.sampleRate, channels, seekable);
    } catch (error) {
      await file?.close().catch(() => undefined);
      throw new WavError(`cannot write: ${(error as Error).message}`, path);
    }
  }

  /** Bytes of samples written so far (including what is still buffered). */
  get bytesWritten(): number {
    return this.dataBytes;
  }

  get framesWritten(): number {
    return this.dataBytes / (2 * this.channels);
  }

  /** Appends PCM16 samples (interleaved when channels > 1). Copies; `pcm` may be reused at once. */
  write(pcm: Int16Array): void {
    if (this.closing) throw new WavError('write after close', this.path);
    if (this.failure) throw this.failure;
    const bytes = pcm16ToBytes(pcm);
    let offset = 0;
    while (offset < bytes.length) {
      if (this.pendingBytes === this.pending.length) this.flushPending();
      const n = bytes.copy(this.pending, this.pendingBytes, offset);
      this.pendingBytes += n;
      offset += n;
    }
    this.dataBytes += bytes.length;
  }

  /** Writes what is buffered, patches the header, closes the file. Idempotent. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.flushPending();
    this.closing = (async () => {
      try {
        await this.chain;
        if (this.failure) throw this.failure;
        if (!this.seekable) return;
        const size = Buffer.alloc(4);
        size.writeUInt32LE(riffSize(this.headerSize, this.dataBytes), 0);
        await this.file.write(size, 0, 4, 4);
        const data = Buffer.alloc(4);
        data.writeUInt32LE(Math.min(this.dataBytes, UNKNOWN_SIZE), 0);
        await this.file.write(data, 0, 4, this.headerSize - 4);
      } catch (error) {
        throw this.failure ?? new WavError(`cannot write: ${(error as Error).message}`, this.path);
      } finally {
        await this.file.close().catch(() => undefined);
      }
    })();
    return this.closing;
  }

  private flushPending(): void {
    if (this.pendingBytes === 0) return;
    const block = this.pending.subarray(0, this.pendingBytes);
    const position = this.fileOffset;
    this.fileOffset += this.pendingBytes;
    this.pending = Buffer.allocUnsafe(WavFileWriter.BLOCK_BYTES);
    this.pendingBytes = 0;
    this.chain = this.chain.then(async () => {
      await this.file.write(block, 0, block.length, this.seekable ? position : null);
    });
    this.chain.catch((error: unknown) => {
      this.failure ??= new WavError(`cannot write: ${(error as Error).message}`, this.path);
    });
  }
}
