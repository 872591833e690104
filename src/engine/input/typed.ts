import { say, type EngineMessage } from '../messages';

/** The longest typed turn taken (characters, as people count them). */
export const MAX_TYPED_CHARS = 4_000;

/**
 * Typed words as a user turn: trimmed, or why they cannot be one (nothing but spaces, too long).
 * Longer text is refused rather than cut: a cut question would be answered wrongly.
 */
export function typedTurn(text: string, maxChars: number = MAX_TYPED_CHARS): { text: string } | { said: EngineMessage } {
  const trimmed = text.trim();
  if (trimmed === '') return { said: say('notice.typedEmpty') };
  const length = [...trimmed].length;
  if (length > maxChars) return { said: say('notice.typedTooLong', { length, maximum: maxChars }) };
  return { text: trimmed };
}
