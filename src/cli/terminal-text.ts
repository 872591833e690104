/**
 * Text measured in terminal columns: a kana or kanji takes two, a combining mark none, so the
 * status line and the typing prompt fit the terminal in Japanese as in English.
 */

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** East Asian Wide and Fullwidth blocks (Unicode's UAX #11 W/F, the blocks that matter in practice). */
const WIDE: ReadonlyArray<readonly [number, number]> = [
  [0x1100, 0x115f], // Hangul Jamo initials
  [0x231a, 0x231b],
  [0x2329, 0x232a],
  [0x23e9, 0x23ec],
  [0x2e80, 0x303e], // CJK radicals, punctuation, the ideographic space
  [0x3041, 0x33ff], // kana, CJK symbols and compatibility
  [0x3400, 0x4dbf], // CJK extension A
  [0x4e00, 0x9fff], // CJK unified ideographs
  [0xa000, 0xa4cf], // Yi
  [0xa960, 0xa97f],
  [0xac00, 0xd7a3], // Hangul syllables
  [0xf900, 0xfaff], // CJK compatibility ideographs
  [0xfe10, 0xfe19],
  [0xfe30, 0xfe6f], // CJK compatibility forms, small forms
  [0xff00, 0xff60], // fullwidth forms
  [0xffe0, 0xffe6],
  [0x1f300, 0x1f64f], // pictographs, emoticons
  [0x1f900, 0x1f9ff],
  [0x20000, 0x3fffd], // CJK extensions B and on
];

const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}\p{Cc}]+$/u;
const EMOJI = /\p{Emoji_Presentation}|\uFE0F/u;

function isWide(codePoint: number): boolean {
  for (const [from, to] of WIDE) {
    if (codePoint < from) return false;
    if (codePoint <= to) return true;
  }
  return false;
}

/** The columns one grapheme takes: 0, 1 or 2. */
function graphemeColumns(grapheme: string): number {
  if (ZERO_WIDTH.test(grapheme)) return 0;
  if (EMOJI.test(grapheme) || isWide(grapheme.codePointAt(0)!)) return 2;
  return 1;
}

/** The columns `text` takes in a terminal (no control sequences in it). */
export function columns(text: string): number {
  let total = 0;
  for (const { segment } of graphemes.segment(text)) total += graphemeColumns(segment);
  return total;
}

/** The longest start of `text` that fits in `max` columns (never half a wide character). */
export function clipColumns(text: string, max: number): string {
  let used = 0;
  let end = 0;
  for (const { segment, index } of graphemes.segment(text)) {
    const width = graphemeColumns(segment);
    if (used + width > max) return text.slice(0, index);
    used += width;
    end = index + segment.length;
  }
  return text.slice(0, end);
}

/** The longest end of `text` that fits in `max` columns: what a prompt shows of a long line. */
export function tailColumns(text: string, max: number): string {
  const parts = [...graphemes.segment(text)].map((s) => s.segment);
  let used = 0;
  let start = parts.length;
  while (start > 0) {
    const width = graphemeColumns(parts[start - 1]!);
    if (used + width > max) break;
    used += width;
    start--;
  }
  return parts.slice(start).join('');
}

/** `text` without its last grapheme (Backspace): a kanji, an emoji with its modifiers, a letter with its accent. */
export function withoutLastGrapheme(text: string): string {
  let last = 0;
  for (const { index } of graphemes.segment(text)) last = index;
  return text.slice(0, last);
}
