/**
 * Recordings in any common format, as engine audio (24 kHz mono PCM16).
 *
 * WAV is read by wav.ts (any rate, depth and channel count). The others are recognised by their
 * first bytes (`audio-type`). mp3 (mpg123), flac, ogg/opus and ogg/vorbis are decoded by one
 * WebAssembly decoder each from the `@audio` family (their Ogg/FLAC framing by codec-parser,
 * LGPL-3.0), loaded on first use so WAV-only runs never pay for them; not the umbrella package
 * `audio-decode`, which brings some twenty more (AC-3 and DTS under the GPL among them).
 * m4a/AAC has no decoder that is not GPL on npm, so Kaiwa ships none: the caller passes one
 * (`RecordingDecoder`), the system's ffmpeg by default (ffmpeg.ts), Chromium's own in the desktop
 * app. Channels are averaged and the rate converted by the engine's resampler.
 */
import { readFile } from 'node:fs/promises';
import detectAudioType from 'audio-type';
import { ENGINE_SAMPLE_RATE } from './devices/types';
import { floatSampleToInt16 } from './pcm';
import { resampleAll } from './resample';
import { say } from '../messages';
import { AudioDecodeError, type DecodedAudio, type RecordingDecoder } from './decoded';
import { ffmpegDecoder } from './ffmpeg';
import { mixToMono, readWav, type WavError } from './wav';

export { AudioDecodeError, type DecodedAudio, type RecordingDecoder } from './decoded';

/** The formats a recording may come in, as people name them. */
export const RECORDING_FORMATS = 'wav, m4a/aac, mp3, ogg/opus, ogg/vorbis, flac';

type Decode = (bytes: Uint8Array) => Promise<DecodedAudio>;

/** The containers `audio-type` names that hold AAC: the injected decoder's. */
const AAC_FAMILY = new Set(['m4a', 'mp4', 'mov', 'aac']);

/** Where AAC is decoded unless the caller says otherwise: the terminal's and `kaiwa serve`'s. */
const SYSTEM_FFMPEG = ffmpegDecoder();

/** The decoder of each other container `audio-type` names; loaded on first use. */
const DECODERS: Record<string, () => Promise<{ default: Decode }>> = {
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

/**
 * Decodes a whole recording; `aac` decodes the m4a/AAC family (default: the system's ffmpeg).
 * Throws `AudioDecodeError` for an unknown format, a corrupt file, no audio, or no AAC decoder.
 */
export async function decodeAudio(bytes: Uint8Array, path?: string, aac: RecordingDecoder = SYSTEM_FFMPEG): Promise<DecodedAudio> {
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
  const format = detectFormat(bytes) ?? '';
  const load = DECODERS[format];
  if (!load && !AAC_FAMILY.has(format)) {
    throw new AudioDecodeError(say('recording.unknownFormat', { formats: RECORDING_FORMATS }), `not a recording Kaiwa can read (it reads ${RECORDING_FORMATS})`, path);
  }
  let decoded: DecodedAudio;
  try {
    decoded = load ? await (await load()).default(bytes) : await aac(bytes, format);
  } catch (error) {
    if (error instanceof AudioDecodeError) throw new AudioDecodeError(error.said, error.message, path);
    const message = (error as Error)?.message ?? String(error);
    const detail = message.split('\n')[0]!;
    throw new AudioDecodeError(say('recording.cannotDecode', { detail }), `cannot decode: ${detail}`, path);
  }
  const frames = decoded?.channelData?.[0]?.length ?? 0;
  if (!(decoded?.sampleRate > 0) || frames === 0) throw new AudioDecodeError(say('recording.noAudio'), 'cannot decode: no audio found (corrupt or truncated?)', path);
  return { sampleRate: decoded.sampleRate, channelData: decoded.channelData };
}

/** A recording as engine audio: 24 kHz mono PCM16. */
export async function decodeAsEngineAudio(bytes: Uint8Array, path?: string, aac?: RecordingDecoder): Promise<Int16Array> {
  const { sampleRate, channelData } = await decodeAudio(bytes, path, aac);
  const mono = mixToMono(channelData);
  const resampled = sampleRate === ENGINE_SAMPLE_RATE ? mono : await resampleAll(mono, sampleRate, ENGINE_SAMPLE_RATE);
  const out = new Int16Array(resampled.length);
  for (let i = 0; i < out.length; i++) out[i] = floatSampleToInt16(resampled[i]!);
  return out;
}

/** Reads and decodes a recording file as engine audio. */
export async function readRecordingAsEngineAudio(path: string, aac?: RecordingDecoder): Promise<Int16Array> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const detail = (error as Error).message;
    throw new AudioDecodeError(say('recording.cannotRead', { detail }), `cannot read: ${detail}`, path);
  }
  return decodeAsEngineAudio(bytes, path, aac);
}
