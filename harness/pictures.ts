import { truncate, writeFile } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';

/**
 * Pictures made on the spot for tests and the bench (nothing checked in): a screenshot-like PNG
 * (flat panels, lines of "text"), a photo-like JPEG (gradients and grain), and the bad files a
 * front end must refuse in one line: not an image, 0 px, 30,000 px, over 50 MB, a corrupt PNG.
 */

/** A screenshot of a desktop: flat panels, a title bar, rows of short dark dashes where text would be. */
export async function screenshotPng(width = 3840, height = 2160): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3, 0xf4);
  const fill = (x0: number, y0: number, w: number, h: number, rgb: readonly [number, number, number]) => {
    for (let y = y0; y < Math.min(height, y0 + h); y++) {
      for (let x = x0; x < Math.min(width, x0 + w); x++) pixels.set(rgb, (y * width + x) * 3);
    }
  };
  fill(0, 0, width, Math.round(height * 0.03), [0x2b, 0x2d, 0x3a]); // title bar
  fill(0, Math.round(height * 0.03), Math.round(width * 0.18), height, [0xe1, 0xe4, 0xea]); // side bar
  const line = Math.max(8, Math.round(height / 60));
  let seed = 1;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  for (let y = Math.round(height * 0.06); y < height - line; y += line * 2) {
    let x = Math.round(width * 0.2);
    while (x < width * 0.95) {
      const word = Math.round(line * (1 + random() * 4));
      fill(x, y, word, Math.round(line * 0.7), [0x33, 0x33, 0x33]);
      x += word + Math.round(line * 0.6);
    }
  }
  // A photo in the page (a web page's picture, a wallpaper's corner): what makes real screenshots megabytes.
  const panel = { width: Math.round(width * 0.3), height: Math.round(height * 0.35) };
  const photo = grainy(panel.width, panel.height);
  const left = Math.round(width * 0.62);
  const top = Math.round(height * 0.5);
  for (let y = 0; y < panel.height; y++) photo.copy(pixels, ((top + y) * width + left) * 3, y * panel.width * 3, (y + 1) * panel.width * 3);
  return sharp(pixels, { raw: { width, height, channels: 3 } }).png().toBuffer();
}

/** A photo: smooth colour gradients with grain (what JPEG is for), as a phone's camera saves it. */
export async function photoJpeg(width = 4032, height = 3024): Promise<Buffer> {
  return sharp(grainy(width, height), { raw: { width, height, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
}

/** Smooth colour gradients with grain: RGB pixels, `width`×`height`. */
function grainy(width: number, height: number): Buffer {
  const pixels = Buffer.alloc(width * height * 3);
  const wave = Float64Array.from({ length: width + height }, (_, i) => Math.abs(Math.sin(i / 300)) * 160);
  let seed = 7;
  for (let y = 0, i = 0; y < height; y++) {
    const green = (y / height) * 180 + 40;
    for (let x = 0; x < width; x++, i += 3) {
      seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
      const grain = (seed >>> 16) % 24;
      pixels[i] = Math.min(255, ((x / width) * 200 + grain) | 0);
      pixels[i + 1] = Math.min(255, (green + grain) | 0);
      pixels[i + 2] = Math.min(255, (wave[x + y]! + grain) | 0);
    }
  }
  return pixels;
}

/** A small PNG with one colour: `width`×`height` px. */
export function plainPng(width: number, height: number, rgb: readonly [number, number, number] = [200, 40, 40]): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } }).png().toBuffer();
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A PNG whose header says 0×0 px (no encoder writes one; a hostile or broken file does). */
export function zeroPixelPng(): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(0, 0);
  header.writeUInt32BE(0, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits, RGB
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IEND', Buffer.alloc(0))]);
}

export type BadPicture = 'not-an-image' | 'zero-px' | 'thirty-thousand-px' | 'over-50-mb' | 'corrupt-png';

/** Each bad picture as a file in `dir` (the 50 MB one sparse, so it costs no disk). */
export async function writeBadPictures(file: (name: string) => string): Promise<Record<BadPicture, string>> {
  const paths: Record<BadPicture, string> = {
    'not-an-image': file('notes.png'),
    'zero-px': file('zero.png'),
    'thirty-thousand-px': file('wide.png'),
    'over-50-mb': file('huge.png'),
    'corrupt-png': file('corrupt.png'),
  };
  await writeFile(paths['not-an-image'], 'These are words, not a picture.\n');
  await writeFile(paths['zero-px'], zeroPixelPng());
  await writeFile(paths['thirty-thousand-px'], await plainPng(30_000, 2));
  const valid = await plainPng(64, 64);
  await writeFile(paths['over-50-mb'], valid);
  await truncate(paths['over-50-mb'], 50_000_001);
  // The header is whole; the pixel data stops halfway.
  await writeFile(paths['corrupt-png'], valid.subarray(0, Math.floor(valid.length * 0.6)));
  return paths;
}
