/**
 * Where an interrupted reply was cut. The text is split in proportion to what was heard
 * (`playedMs / receivedMs`), moved to the nearest word boundary so no word is split.
 */
export interface CutText {
  heard: string;
  unheard: string;
}

export function splitAtPlayed(text: string, playedMs: number, receivedMs: number): CutText {
  const ratio = receivedMs > 0 ? Math.min(1, Math.max(0, playedMs / receivedMs)) : 1;
  const target = Math.round(text.length * ratio);
  if (target <= 0) return { heard: '', unheard: text.trimStart() };
  if (target >= text.length) return { heard: text, unheard: '' };
  const at = nearestBoundary(text, target);
  return { heard: text.slice(0, at).trimEnd(), unheard: text.slice(at).trimStart() };
}

const SPACE = /\s/;

/** The whitespace position nearest to `index` (ties go forward: a word half-heard was heard). */
function nearestBoundary(text: string, index: number): number {
  if (SPACE.test(text[index] ?? ' ') || SPACE.test(text[index - 1] ?? ' ')) return index;
  for (let d = 1; d < text.length; d++) {
    if (index + d >= text.length) return text.length;
    if (SPACE.test(text[index + d]!)) return index + d;
    if (index - d <= 0) return 0;
    if (SPACE.test(text[index - d]!)) return index - d + 1;
  }
  return text.length;
}
