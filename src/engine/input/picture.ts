import { createHash } from 'node:crypto';
import type { Metadata, OutputInfo, Sharp, SharpInput, SharpOptions } from 'sharp';
import { say, type EngineMessage } from '../messages';
import { resolveProtocol, type Settings } from '../settings';
import { dialectFor } from '../realtime/endpoints';
import type { PictureFormat, PictureInput, PreparedPicture } from './types';


type SharpFactory = (input?: SharpInput, options?: SharpOptions) => Sharp;
let sharpModule: Promise<SharpFactory> | undefined;
/** sharp and its libvips load with the first picture, not at start: most runs show none, and loading costs ~0.2 s. */
const loadSharp = (): Promise<SharpFactory> => (sharpModule ??= import('sharp').then((m) => m.default));

/**
 * Pictures for the model (issue 23): decoded and checked with sharp, turned upright (EXIF),
 * downscaled so the long side is at most `maxSide` (aspect kept, never enlarged), re-encoded as
 * JPEG or WebP, hashed by their pixels (the dedupe of a frame identical to the last one sent), and
 * given a small JPEG thumbnail for transcripts and the history.
 *
 * The checks run on the header before anything is decoded, so a huge or hostile file costs
 * nothing: a picture is refused when its bytes exceed MAX_PICTURE_BYTES, a side exceeds
 * MAX_PICTURE_SIDE, or its pixels exceed MAX_PICTURE_PIXELS.
 */

/** Larger files are refused before decoding (decimal megabytes, as people count them). */
export const MAX_PICTURE_BYTES = 50_000_000;
/** The longest side a picture may have (a 16K-wide multi-monitor screenshot fits). */
export const MAX_PICTURE_SIDE = 16_384;
/** The most pixels a picture may have (decoded at 4 bytes a pixel: at most 400 MB, briefly). */
export const MAX_PICTURE_PIXELS = 100_000_000;
/** The thumbnail's long side. */
export const THUMBNAIL_SIDE = 160;
const QUALITY = 82;
const THUMBNAIL_QUALITY = 70;

/** Why a picture cannot be used: `said` for people (messages.ts), `message` the same in English for logs. */
export class InputError extends Error {
  override name = 'InputError';
  constructor(
    message: string,
    readonly said: EngineMessage,
  ) {
    super(message);
  }
}

export interface PrepareOptions {
  /** The long side of the prepared picture, at most (`pictures.maxSide`). */
  maxSide: number;
  format: PictureFormat;
}

export async function preparePicture(input: PictureInput, options: PrepareOptions): Promise<PreparedPicture> {
  const { data } = input;
  if (data.byteLength === 0) throw new InputError('The file is empty: it is not a picture.', say('picture.notImage'));
  if (data.byteLength > MAX_PICTURE_BYTES) {
    throw new InputError(`The picture is larger than ${MAX_PICTURE_BYTES / 1_000_000} MB.`, say('picture.tooBig', { maxMb: MAX_PICTURE_BYTES / 1_000_000 }));
  }
  const sharp = await loadSharp();
  await checkSize(sharp, data);
  let raw: { data: Buffer; info: OutputInfo };
  try {
    let pipeline = sharp(data, { limitInputPixels: MAX_PICTURE_PIXELS, failOn: 'error' })
      .autoOrient()
      .resize({ width: options.maxSide, height: options.maxSide, fit: 'inside', withoutEnlargement: true });
    // JPEG has no transparency: what was transparent becomes white, as viewers show it.
    if (options.format === 'jpeg') pipeline = pipeline.flatten({ background: '#ffffff' });
    raw = await pipeline.raw().toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw corrupt(error);
  }
  const { info } = raw;
  const pixels = { raw: { width: info.width, height: info.height, channels: info.channels } } as const;
  const encoded = sharp(raw.data, pixels);
  const bytes = options.format === 'jpeg' ? await encoded.jpeg({ quality: QUALITY, mozjpeg: true }).toBuffer() : await encoded.webp({ quality: QUALITY }).toBuffer();
  const thumbnail = await sharp(raw.data, pixels)
    .resize({ width: THUMBNAIL_SIDE, height: THUMBNAIL_SIDE, fit: 'inside', withoutEnlargement: true })
    .flatten({ background: '#ffffff' })
    .jpeg({ quality: THUMBNAIL_QUALITY })
    .toBuffer();
  const mime = options.format === 'jpeg' ? 'image/jpeg' : 'image/webp';
  const hash = createHash('sha256').update(`${info.width}x${info.height}x${info.channels}:`).update(raw.data).digest('hex');
  return {
    mime,
    data: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    dataUrl: `data:${mime};base64,${bytes.toString('base64')}`,
    width: info.width,
    height: info.height,
    hash,
    thumbnail: `data:image/jpeg;base64,${thumbnail.toString('base64')}`,
    source: input.source,
    ...(input.name !== undefined ? { name: input.name } : {}),
  };
}

/** Checks the picture's header (nothing decoded yet): an InputError says what is wrong with it. */
async function checkSize(sharp: SharpFactory, data: Uint8Array): Promise<void> {
  // libvips calls a PNG of 0 px a corrupt header; people are told what it is.
  const png = pngHeaderSize(data);
  if (png && (png.width === 0 || png.height === 0)) throw new InputError('The picture has no pixels (0 px).', say('picture.empty'));
  let metadata: Metadata;
  try {
    metadata = await sharp(data, { limitInputPixels: false }).metadata();
  } catch (error) {
    const detail = firstLine(error);
    // sharp names data it cannot read at all "unsupported image format"; anything else is a damaged picture.
    if (/unsupported image format|empty/i.test(detail)) throw new InputError('This is not a picture Kaiwa can read.', say('picture.notImage'));
    throw corrupt(error);
  }
  const width = metadata.autoOrient?.width ?? metadata.width;
  const height = metadata.autoOrient?.height ?? metadata.height;
  if (!width || !height) throw new InputError('The picture has no pixels (0 px).', say('picture.empty'));
  if (width > MAX_PICTURE_SIDE || height > MAX_PICTURE_SIDE || width * height > MAX_PICTURE_PIXELS) {
    throw new InputError(
      `The picture is ${width}×${height} px; at most ${MAX_PICTURE_SIDE} px a side and ${MAX_PICTURE_PIXELS / 1_000_000} megapixels are taken.`,
      say('picture.tooLarge', { width, height, maxSide: MAX_PICTURE_SIDE, maxMegapixels: MAX_PICTURE_PIXELS / 1_000_000 }),
    );
  }
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** A PNG's size as its IHDR chunk states it (bytes 16-23), or null for anything else. */
function pngHeaderSize(data: Uint8Array): { width: number; height: number } | null {
  if (data.byteLength < 24 || PNG_SIGNATURE.some((byte, i) => data[i] !== byte)) return null;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

function corrupt(error: unknown): InputError {
  const detail = firstLine(error);
  return new InputError(`The picture is damaged: ${detail}`, say('picture.corrupt', { detail }));
}

function firstLine(error: unknown): string {
  return ((error as Error).message ?? String(error)).split('\n')[0]!.trim();
}

/**
 * Why the settings' conversation cannot take pictures, or null when it can: Realtime GA can; the
 * beta shape has no `input_image`; GPT-Live can only through Responses delegation, which Kaiwa
 * turns on with its tools (see session/live/pictures.ts).
 */
export function pictureUnsupportedSaid(settings: Settings): EngineMessage | null {
  if (resolveProtocol(settings) === 'live') return settings.tools.enabled ? null : say('notice.picturesNeedRealtimeOrTools');
  return dialectFor(settings) === 'beta' ? say('notice.picturesNotInBeta') : null;
}

export function picturesSupported(settings: Settings): boolean {
  return pictureUnsupportedSaid(settings) === null;
}

/**
 * The format pictures go in: Realtime documents `image_url` as PNG or JPEG
 * (`openai/resources/realtime/realtime`), so Realtime always gets JPEG; GPT-Live's Responses
 * backend also takes WebP, so there the setting decides.
 */
export function pictureFormatFor(settings: Settings): PictureFormat {
  return resolveProtocol(settings) === 'live' ? settings.pictures.format : 'jpeg';
}
