import { withoutLastGrapheme } from './terminal-text';

/**
 * The one-line prompt of the interactive terminal, as keys arrive in raw mode (already decoded
 * from UTF-8): Enter sends, Esc cancels, Backspace takes back one character (a kanji, an emoji),
 * Ctrl+U clears. Japanese input arrives from the terminal's input method as finished text, so
 * there is no composition to wait for here. A paste arrives as one chunk: its line breaks become
 * spaces and only a break at its very end sends, so the rest of a pasted text never reaches the
 * terminal's single keys (space interrupts, q quits).
 */

export type PromptStep = { kind: 'edit' } | { kind: 'send'; text: string } | { kind: 'cancel' } | { kind: 'quit' };

const ESC = '\u001b';

/** The length of the escape sequence at the start of `text` (arrows, Home, function keys: CSI and SS3), 0 if none. */
function escapeSequence(text: string): number {
  if (text[0] !== ESC) return 0;
  if (text[1] === 'O') return Math.min(3, text.length);
  if (text[1] !== '[') return 1; // Alt+key: the key stays
  for (let i = 2; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x40 && code <= 0x7e) return i + 1; // the final byte
  }
  return text.length;
}

/** C0 controls and DEL: not text. */
const isControl = (char: string) => char.charCodeAt(0) < 0x20 || char === '\u007f';

export class LinePrompt {
  private value: string;

  constructor(initial = '') {
    this.value = initial;
  }

  get text(): string {
    return this.value;
  }

  /** Takes one chunk of input; what the chunk did to the prompt. */
  feed(chunk: string): PromptStep {
    if (chunk === ESC) return { kind: 'cancel' };
    if (chunk === '\u0003') return { kind: 'quit' };
    let rest = chunk.replace(/\r\n/g, '\r');
    const pasted = /[\r\n]./s.test(rest);
    while (rest.length > 0) {
      const sequence = escapeSequence(rest);
      if (sequence > 0) {
        rest = rest.slice(sequence);
        continue;
      }
      const char = String.fromCodePoint(rest.codePointAt(0)!);
      rest = rest.slice(char.length);
      if (char === '\r' || char === '\n') {
        if (!pasted || rest.length === 0) return { kind: 'send', text: this.value };
        this.value += ' ';
      } else if (char === '\u007f' || char === '\b') this.value = withoutLastGrapheme(this.value);
      else if (char === '\u0015') this.value = '';
      else if (char === '\t') this.value += ' ';
      else if (!isControl(char)) this.value += char;
    }
    return { kind: 'edit' };
  }
}
