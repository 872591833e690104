/**
 * Recordings in any common format, as engine audio (24 kHz mono PCM16).
 *
 * WAV is read by wav.ts (any rate, depth and channel count). Everything else — m4a/AAC (what a
 * phone records), mp3, ogg/opus, ogg/vorbis, flac — is decoded by `audio-decode`: WebAssembly
 * decoders that install from the npm registry alone and need no system ffmpeg. It is loaded on
 * first use, so WAV-only runs never pay for it. Channels are averaged and the rate converted by
 * the engine's resampler.
 */
import { readFile } from 'node:fs/promises';
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
  let decoded: DecodedAudio;
  try {
    const { default: decode } = await import('audio-decode');
    decoded = (await decode(bytes)) as DecodedAudio;
  } catch (error) {
    const message = (error as Error)?.message ?? String(error);
    if (/unknown audio format/i.test(message)) {
      throw new AudioDecodeError(say('recording.unknownFormat', { formats: RECORDING_FORMATS }), `not a recording Kaiwa can read (it reads ${RECORDING_FORMATS})`, path);
    }
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
