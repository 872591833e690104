/**
 * Recordings in any common format, as engine audio (24 kHz mono PCM16).
 *
 * WAV is read by wav.ts (any rate, depth and channel count). The others are recognised by their
 * first bytes (`audio-type`) and decoded by one WebAssembly decoder each from the `@audio` family
 * (installs from the npm registry alone, no system ffmpeg), loaded on first use so WAV-only runs
 * never pay for them: m4a/AAC by FAAD2 (@audio/decode-aac, GPL-2.0: see its licence), mp3 by mpg123,
 * flac, ogg/opus and ogg/vorbis (their Ogg/FLAC framing by codec-parser, LGPL-3.0). Only these are
 * installed and shipped: not the umbrella package `audio-decode`, which brings some twenty more
 * (AC-3 and DTS under the GPL among them) that Kaiwa has no use for. Channels are averaged and the
 * rate converted by the engine's resampler.
 */
import { readFile } from 'node:fs/promises';
import detectAudioType from 'audio-type';
import { ENGINE_SAMPLE_RATE } from './devices/types';
import { floatSampleToInt16 } from './pcm';
import { resampleAll } from './resample';
import { say, type EngineMessage } from '../messages';
import { mixToMono, readWav, type WavError } from './wav';

/** The formats a recording may come in, as people name them. */
export const RECORDING_FORMATS = 'wav, m4a/aac, mp3, ogg/opus, ogg/vorbis, flac';

/**
 * A recording that cannot be used: `said` is what is wrong, for people (messages.ts; the path is
 * `path`, named by whoever shows it), `message` one English line for logs, the path first.
 */
export class AudioDecodeError extends Error {
  override name = 'AudioDecodeError';
  constructor(
    readonly said: EngineMessage,
    english: string,
    readonly path?: string,
  ) {
    super(path ? `${path}: ${english}` : english);
  }
}

export interface DecodedAudio {
  sampleRate: number;
  /** Planar samples in [-1, 1], one array per channel. */
  channelData: Float32Array[];
}

type Decode = (bytes: Uint8Array) => Promise<DecodedAudio>;

/** The decoder of each container `audio-type` names; loaded on first use. */
const DECODERS: Record<string, () => Promise<{ default: Decode }>> = {
  m4a: () => import('@audio/decode-aac'),
  mp4: () => import('@audio/decode-aac'),
  mov: () => import('@audio/decode-aac'),
  aac: () => import('@audio/decode-aac'),
  mp3: () => import('@audio/decode-mp3'),
  flac: () => import('@audio/decode-flac'),
  opus: () => import('@audio/decode-opus'),
  oga: () => import('@audio/decode-vorbis'),
};

function detectFormat(bytes: Uint8Array): string | undefined {
  try {
    return detectAudioType(bytes) || undefined;
  } catch {
    return undefined;
  }
}

const isWav = (bytes: Uint8Array): boolean =>
  bytes.length >= 12 && String.fromCharCode(...bytes.subarray(0, 4)) === 'RIFF' && String.fromCharCode(...bytes.subarray(8, 12)) === 'WAVE';

/** Decodes a whole recording. Throws `AudioDecodeError` for an unknown format, a corrupt file, or no audio. */
export async function decodeAudio(bytes: Uint8Array, path?: string): Promise<DecodedAudio> {
  if (bytes.length === 0) throw new AudioDecodeError(say('recording.empty'), 'empty: no audio', path);
  if (isWav(bytes)) {
    try {
      const wav = readWav(bytes);
      return { sampleRate: wav.sampleRate, channelData: wav.channelData };
    } catch (error) {
      const detail = (error as WavError).message;
      throw new AudioDecodeError(say('recording.cannotDecode', { detail }), detail, path);
    }
  }
  // The decoders read `bytes.buffer` whole: a Buffer from Node's pool (a small HTTP body) shares it with other data.
  if (bytes.byteOffset !== 0 || bytes.byteLength !== bytes.buffer.byteLength) bytes = new Uint8Array(bytes);
  const load = DECODERS[detectFormat(bytes) ?? ''];
  if (!load) {
    throw new AudioDecodeError(say('recording.unknownFormat', { formats: RECORDING_FORMATS }), `not a recording Kaiwa can read (it reads ${RECORDING_FORMATS})`, path);
  }
  let decoded: DecodedAudio;
  try {
    const { default: decode } = await load();
    decoded = await decode(bytes);
  } catch (error) {
    const message = (error as Error)?.message ?? String(error);
    const detail = message.split('\n')[0]!;
    throw new AudioDecodeError(say('recording.cannotDecode', { detail }), `cannot decode: ${detail}`, path);
  }
  const frames = decoded?.channelData?.[0]?.length ?? 0;
  if (!(decoded?.sampleRate > 0) || frames === 0) throw new AudioDecodeError(say('recording.noAudio'), 'cannot decode: no audio found (corrupt or truncated?)', path);
  return { sampleRate: decoded.sampleRate, channelData: decoded.channelData };
}

/** A recording as engine audio: 24 kHz mono PCM16. */
export async function decodeAsEngineAudio(bytes: Uint8Array, path?: string): Promise<Int16Array> {
  const { sampleRate, channelData } = await decodeAudio(bytes, path);
  const mono = mixToMono(channelData);
  const resampled = sampleRate === ENGINE_SAMPLE_RATE ? mono : await resampleAll(mono, sampleRate, ENGINE_SAMPLE_RATE);
  const out = new Int16Array(resampled.length);
  for (let i = 0; i < out.length; i++) out[i] = floatSampleToInt16(resampled[i]!);
  return out;
}

/** Reads and decodes a recording file as engine audio. */
export async function readRecordingAsEngineAudio(path: string): Promise<Int16Array> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const detail = (error as Error).message;
    throw new AudioDecodeError(say('recording.cannotRead', { detail }), `cannot read: ${detail}`, path);
  }
  return decodeAsEngineAudio(bytes, path);
}
