/**
 * What a picture costs (issue 23): the time to prepare it for the model (decode, turn upright,
 * downscale to `pictures.maxSide`, encode, hash, thumbnail: engine/input/picture.ts), the bytes
 * before and after, and what goes on the wire (the base64 data URL inside the JSON event).
 * Two pictures made on the spot: a 4K screenshot-like PNG (flat panels, lines of text, a photo in
 * the page) and a 12-megapixel photo-like JPEG, as a phone saves it. Each prepared REPEATS times
 * after a warm-up; the median is shown, for JPEG (the default) and WebP.
 * Run through bench/run.ts (`npm run bench -- pictures`), or alone: `node --import tsx bench/pictures.ts`.
 */
import { pathToFileURL } from 'node:url';
import { DEFAULT_SETTINGS } from '../src/engine/settings';
import { preparePicture } from '../src/engine/input/picture';
import type { PictureFormat } from '../src/engine/input/types';
import { photoJpeg, screenshotPng } from '../harness/pictures';
import { quantile, round, type BenchRow } from './engine';

const REPEATS = 5;
const KB = 1024;

async function costs(label: string, data: Buffer, format: PictureFormat): Promise<BenchRow[]> {
  const options = { maxSide: DEFAULT_SETTINGS.pictures.maxSide, format };
  const input = { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), source: 'file' as const };
  let prepared = await preparePicture(input, options); // warm-up: libvips's caches and threads
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const started = performance.now();
    prepared = await preparePicture(input, options);
    times.push(performance.now() - started);
  }
  const name = `${label} → ${format} ${prepared.width}×${prepared.height}`;
  return [
    { name: `${name}: prepare (median of ${REPEATS})`, value: round(quantile(times, 0.5), 1), unit: 'ms' },
    { name: `${name}: bytes in`, value: round(data.length / KB, 0), unit: 'KB' },
    { name: `${name}: bytes out`, value: round(prepared.data.length / KB, 1), unit: 'KB' },
    { name: `${name}: on the wire (base64 data URL)`, value: round(prepared.dataUrl.length / KB, 1), unit: 'KB' },
  ];
}

export async function benchPictures(): Promise<BenchRow[]> {
  const screenshot = await screenshotPng(3840, 2160);
  const photo = await photoJpeg(4032, 3024);
  const rows: BenchRow[] = [];
  for (const format of ['jpeg', 'webp'] as const) {
    rows.push(...(await costs('4K screenshot PNG 3840×2160', screenshot, format)));
    rows.push(...(await costs('photo JPEG 4032×3024', photo, format)));
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const row of await benchPictures()) console.log(`${row.name}: ${row.value} ${row.unit}`);
}
