import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { InputError, MAX_PICTURE_BYTES, pictureFormatFor, picturesSupported, pictureUnsupportedSaid, preparePicture, THUMBNAIL_SIDE } from '../../../src/engine/input/picture';
import { parseSettings } from '../../../src/engine/settings';
import type { PictureInput } from '../../../src/engine/input/types';

/** A picture with detail (a gradient and a block), so downscaling and re-encoding really work on it. */
async function png(width: number, height: number, options: { alpha?: boolean } = {}): Promise<Buffer> {
  const channels = options.alpha ? 4 : 3;
  const raw = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * channels;
      raw[i] = Math.round((x / width) * 255);
      raw[i + 1] = Math.round((y / height) * 255);
      raw[i + 2] = x < width / 2 ? 200 : 40;
      if (channels === 4) raw[i + 3] = x < width / 4 ? 0 : 255;
    }
  }
  return sharp(raw, { raw: { width, height, channels } }).png().toBuffer();
}

const input = (data: Uint8Array): PictureInput => ({ data, source: 'file', name: 'x.png' });
const JPEG = { maxSide: 1024, format: 'jpeg' } as const;

async function refusal(data: Uint8Array): Promise<InputError> {
  const error = await preparePicture(input(data), JPEG).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
}

describe('preparePicture', () => {
  it('downscales the long side to maxSide, keeps the aspect ratio, encodes JPEG with a matching data URL', async () => {
    const picture = await preparePicture(input(await png(4000, 1000)), JPEG);
    expect([picture.width, picture.height]).toEqual([1024, 256]);
    expect(picture.mime).toBe('image/jpeg');
    const decoded = await sharp(picture.data).metadata();
    expect([decoded.format, decoded.width, decoded.height]).toEqual(['jpeg', 1024, 256]);
    expect(picture.dataUrl).toBe(`data:image/jpeg;base64,${Buffer.from(picture.data).toString('base64')}`);
    expect(picture).toMatchObject({ source: 'file', name: 'x.png' });
  });

  it('keeps a portrait picture upright at maxSide and never enlarges a small one', async () => {
    const tall = await preparePicture(input(await png(600, 1800)), { maxSide: 512, format: 'jpeg' });
    expect([tall.width, tall.height]).toEqual([171, 512]);
    const small = await preparePicture(input(await png(300, 200)), JPEG);
    expect([small.width, small.height]).toEqual([300, 200]);
  });

  it('encodes WebP when asked, keeping transparency', async () => {
    const picture = await preparePicture(input(await png(800, 600, { alpha: true })), { maxSide: 400, format: 'webp' });
    const decoded = await sharp(picture.data).metadata();
    expect([picture.mime, decoded.format, decoded.width, decoded.height, decoded.hasAlpha]).toEqual(['image/webp', 'webp', 400, 300, true]);
    expect(picture.dataUrl.startsWith('data:image/webp;base64,')).toBe(true);
  });

  it('makes a JPEG thumbnail whose long side is at most 160 px', async () => {
    const picture = await preparePicture(input(await png(2000, 900)), JPEG);
    const thumbnail = await sharp(Buffer.from(picture.thumbnail.replace(/^data:image\/jpeg;base64,/, ''), 'base64')).metadata();
    expect(thumbnail.format).toBe('jpeg');
    expect(Math.max(thumbnail.width!, thumbnail.height!)).toBe(THUMBNAIL_SIDE);
    expect(thumbnail.width! / thumbnail.height!).toBeCloseTo(2000 / 900, 1);
  });

  it('hashes the pixels: the same picture in another lossless encoding has the same hash, another picture another', async () => {
    const source = await png(640, 480);
    const asWebp = await sharp(source).webp({ lossless: true }).toBuffer();
    const [a, b, c] = await Promise.all([source, asWebp, await png(640, 481)].map((data) => preparePicture(input(data), JPEG)));
    expect(a!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(b!.hash).toBe(a!.hash);
    expect(c!.hash).not.toBe(a!.hash);
  });

  it('refuses what is not a picture, and an empty file', async () => {
    expect((await refusal(Buffer.from('%PDF-1.7 not a picture'))).said).toEqual({ key: 'picture.notImage' });
    expect((await refusal(new Uint8Array(0))).said).toEqual({ key: 'picture.notImage' });
  });

  it('refuses a picture of 0 px', async () => {
    const header = Buffer.from(await png(4, 3));
    header.writeUInt32BE(0, 16);
    header.writeUInt32BE(crc32(header.subarray(12, 29)), 29);
    expect((await refusal(header)).said).toEqual({ key: 'picture.empty' });
  });

  it('refuses a picture 30,000 px wide from its header, before decoding it', async () => {
    const wide = await sharp({ create: { width: 30_000, height: 2, channels: 3, background: '#ffffff' } }).png().toBuffer();
    const error = await refusal(wide);
    expect(error.said).toMatchObject({ key: 'picture.tooLarge', params: { width: 30_000, height: 2 } });
  });

  it('refuses a file over 50 MB without reading it', async () => {
    const big = Buffer.alloc(MAX_PICTURE_BYTES + 1);
    (await png(2, 2)).copy(big);
    expect((await refusal(big)).said).toEqual({ key: 'picture.tooBig', params: { maxMb: 50 } });
  });

  it('refuses a corrupt PNG with what the decoder said', async () => {
    const whole = await png(300, 200);
    const error = await refusal(whole.subarray(0, Math.floor(whole.length * 0.6)));
    expect(error.said.key).toBe('picture.corrupt');
    expect(error.message).toMatch(/^The picture is damaged: .+/);
  });
});

describe('which conversations take pictures', () => {
  it('Realtime GA yes (JPEG), beta no, GPT-Live only with tools on (the format setting)', () => {
    expect(picturesSupported(parseSettings({ provider: 'local' }))).toBe(true);
    expect(pictureFormatFor(parseSettings({ pictures: { format: 'webp' } }))).toBe('jpeg');
    expect(pictureUnsupportedSaid(parseSettings({ dialect: 'beta' }))).toEqual({ key: 'notice.picturesNotInBeta' });
    expect(pictureUnsupportedSaid(parseSettings({ provider: 'azure', azure: { apiVersion: '2025-04-01-preview' } }))).toEqual({ key: 'notice.picturesNotInBeta' });
    expect(picturesSupported(parseSettings({ protocol: 'live' }))).toBe(true);
    expect(pictureFormatFor(parseSettings({ protocol: 'live', pictures: { format: 'webp' } }))).toBe('webp');
    expect(pictureUnsupportedSaid(parseSettings({ protocol: 'live', tools: { enabled: false } }))).toEqual({ key: 'notice.picturesNeedRealtimeOrTools' });
  });
});
