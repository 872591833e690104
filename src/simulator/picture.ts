
/**
 * What the simulator "sees" in a picture: what it can compute, since it cannot understand it. Its
 * size and main colours, named plainly, for both protocols' simulated models.
 */

export interface SeenPicture {
  width: number;
  height: number;
  /** The colours covering at least MIN_SHARE of the picture, most first (at most three). */
  colours: string[];
}

const SAMPLE_SIDE = 32;
const MIN_SHARE = 0.15;

/** Reads an `image_url` data URL; a picture it cannot read is described as such, never thrown. */
export async function lookAt(dataUrl: string): Promise<SeenPicture | null> {
  const match = /^data:image\/[\w+.-]+;base64,(.*)$/s.exec(dataUrl);
  if (!match) return null;
  try {
    // Loaded with the first picture: the simulator starts with every run of Kaiwa without a key.
    const { default: sharp } = await import('sharp');
    const image = sharp(Buffer.from(match[1]!, 'base64'), { limitInputPixels: 100_000_000 });
    const { width, height } = await image.metadata();
    const { data, info } = await image
      .flatten({ background: '#ffffff' })
      .resize(SAMPLE_SIDE, SAMPLE_SIDE, { fit: 'fill' })
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const counts = new Map<string, number>();
    for (let i = 0; i + 2 < data.length; i += info.channels) {
      const name = colourName(data[i]!, data[i + 1]!, data[i + 2]!);
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    const pixels = data.length / info.channels;
    const colours = [...counts.entries()]
      .filter(([, n]) => n / pixels >= MIN_SHARE)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([name]) => name);
    return { width: width ?? 0, height: height ?? 0, colours };
  } catch {
    return null;
  }
}

/** The simulated model's words for a picture. */
export function pictureWords(seen: SeenPicture | null): string {
  if (!seen) return 'I was shown a picture I could not read.';
  const colours = seen.colours.length === 0 ? 'many colours' : seen.colours.length === 1 ? seen.colours[0]! : `${seen.colours.slice(0, -1).join(', ')} and ${seen.colours.at(-1)!}`;
  return `I see a picture ${seen.width} by ${seen.height} pixels, mostly ${colours}.`;
}

/** Rough OpenAI figure for an image's input tokens: 85, and 170 a 512 px tile. */
export function pictureTokens(seen: SeenPicture | null): number {
  if (!seen) return 85;
  return 85 + 170 * Math.ceil(seen.width / 512) * Math.ceil(seen.height / 512);
}

/** A plain colour name for an sRGB pixel, by lightness, saturation and hue. */
export function colourName(r: number, g: number, b: number): string {
  const max = Math.max(r, g, b) / 255;
  const min = Math.min(r, g, b) / 255;
  const lightness = (max + min) / 2;
  const chroma = max - min;
  if (lightness < 0.12) return 'black';
  if (chroma < 0.12) return lightness > 0.85 ? 'white' : 'grey';
  let hue: number;
  const [rf, gf, bf] = [r / 255, g / 255, b / 255];
  if (max === rf) hue = ((gf - bf) / chroma) % 6;
  else if (max === gf) hue = (bf - rf) / chroma + 2;
  else hue = (rf - gf) / chroma + 4;
  hue = (hue * 60 + 360) % 360;
  if (hue < 15 || hue >= 335) return lightness < 0.3 ? 'brown' : 'red';
  if (hue < 45) return lightness < 0.4 ? 'brown' : 'orange';
  if (hue < 70) return 'yellow';
  if (hue < 165) return 'green';
  if (hue < 200) return 'cyan';
  if (hue < 260) return 'blue';
  if (hue < 290) return 'purple';
  return 'pink';
}
