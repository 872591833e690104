/**
 * The one cut of an interrupted reply: which part of its transcript the user heard. The engine's
 * history replays the heard part to a new session; the window marks the cut in the transcript;
 * both call `cutReply`, so they agree.
 *
 * Pure (only `Intl`), so the renderer may import it too (an ESLint-enforced exception: see
 * eslint.config.js).
 *
 * The transcript streams roughly in step with the audio, so the fraction of audio heard is taken
 * as the fraction of the text heard, measured in graphemes (what a person sees as one character).
 * The cut then moves to the nearest word boundary of the text's language, found with
 * `Intl.Segmenter` (dictionary-based for Japanese, Chinese and Thai, which write no spaces): a
 * word is heard when at least half of it was. Punctuation after a heard word goes with it; an
 * opening bracket or quote goes with the word it opens.
 */

export interface HeardSplit {
  /** What the user heard, without trailing spaces. */
  heard: string;
  /** The rest, without leading spaces. */
  unheard: string;
}

/** The fraction of a reply heard: `playedMs` of `receivedMs`, clamped to 0..1 (nothing received: nothing heard). */
export function heardFraction(playedMs: number, receivedMs: number): number {
  if (!(receivedMs > 0) || !(playedMs > 0)) return 0;
  return Math.min(1, playedMs / receivedMs);
}

/**
 * Splits `text` after the first `fraction` (0..1) of it, on a word boundary. `language` is a BCP
 * 47 tag (`ja`, `zh`, `th`, `en`); without one it is guessed from the text's script.
 */
export function cutReply(text: string, fraction: number, language: string = guessLanguage(text)): HeardSplit {
  if (!(fraction > 0)) return { heard: '', unheard: text.trimStart() };
  if (fraction >= 1) return { heard: text, unheard: '' };

  const graphemeAt = graphemeIndex(text);
  const spoken = fraction * graphemeAt(text.length);
  const units = spokenUnits(text, language);

  let heardUnits = 0;
  for (const unit of units) {
    const middle = (graphemeAt(unit.start) + graphemeAt(unit.end)) / 2;
    if (middle > spoken) break;
    heardUnits++;
  }
  if (heardUnits === units.length) return { heard: text, unheard: '' };
  if (heardUnits === 0) return { heard: '', unheard: text.trimStart() };

  let at = units[heardUnits]!.start;
  while (at > 0 && OPENS_NEXT.test(text[at - 1]!)) at--;
  return { heard: text.slice(0, at).trimEnd(), unheard: text.slice(at).trimStart() };
}

interface Unit {
  start: number;
  end: number;
}

/**
 * The words of `text` as UTF-16 ranges. Segments that touch are one unit when the joint is inside
 * a number (`二十|二度` -> 二十二度) or between characters of scripts that write spaces (`22|°|C`
 * -> 22°C): only space-less scripts put words side by side.
 */
function spokenUnits(text: string, language: string): Unit[] {
  const units: Unit[] = [];
  for (const segment of segmenter(language).segment(text)) {
    if (!isUnit(segment)) continue;
    const unit = { start: segment.index, end: segment.index + segment.segment.length };
    const last = units.at(-1);
    if (last && last.end === unit.start && joins(lastCodePoint(text.slice(last.start, last.end)), segment.segment)) last.end = unit.end;
    else units.push(unit);
  }
  return units;
}

const NUMERAL = /^[\p{Nd}〇一二三四五六七八九十百千万億兆]/u;
const SPACELESS = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}ー]/u;

function joins(before: string, after: string): boolean {
  return (NUMERAL.test(before) && NUMERAL.test(after)) || (!SPACELESS.test(before) && !SPACELESS.test(after));
}

function lastCodePoint(text: string): string {
  return String.fromCodePoint(text.codePointAt(text.length - 1 - (/[\udc00-\udfff]/.test(text.at(-1) ?? '') ? 1 : 0)) ?? 32);
}

/** Spaces and opening brackets or quotes belong to the word after them. */
const OPENS_NEXT = /[\s\p{Ps}\p{Pi}]/u;
/** Spoken units: words, numbers, and symbols read aloud or seen as a whole (an emoji, °). */
const isUnit = (segment: Intl.SegmentData): boolean => segment.isWordLike === true || /[^\s\p{P}]/u.test(segment.segment);

/** A guess of the language from the script: kana is Japanese, Han alone Chinese, then Hangul, Thai; else English. */
export function guessLanguage(text: string): string {
  if (/[\p{Script=Hiragana}\p{Script=Katakana}]/u.test(text)) return 'ja';
  if (/\p{Script=Han}/u.test(text)) return 'zh';
  if (/\p{Script=Hangul}/u.test(text)) return 'ko';
  if (/\p{Script=Thai}/u.test(text)) return 'th';
  return 'en';
}

const segmenters = new Map<string, Intl.Segmenter>();
function segmenter(language: string): Intl.Segmenter {
  let found = segmenters.get(language);
  if (!found) {
    found = new Intl.Segmenter(Intl.Segmenter.supportedLocalesOf([language])[0] ?? 'en', { granularity: 'word' });
    segmenters.set(language, found);
  }
  return found;
}

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** Maps a UTF-16 index at a grapheme boundary to the number of graphemes before it. */
function graphemeIndex(text: string): (index: number) => number {
  const starts: number[] = [];
  for (const { index } of graphemes.segment(text)) starts.push(index);
  return (index) => {
    let low = 0;
    let high = starts.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (starts[mid]! < index) low = mid + 1;
      else high = mid;
    }
    return low;
  };
}
