import { describe, expect, it } from 'vitest';
import { LinePrompt } from '../../src/cli/line-prompt';
import { clipColumns, columns, tailColumns, withoutLastGrapheme } from '../../src/cli/terminal-text';

describe('terminal text in columns', () => {
  it('counts kana, kanji and fullwidth forms as two columns, combining marks as none', () => {
    expect(columns('hello')).toBe(5);
    expect(columns('こんにちは')).toBe(10);
    expect(columns('東京タワー')).toBe(10);
    expect(columns('ＡＢ')).toBe(4);
    expect(columns('e\u0301')).toBe(1); // é as e + a combining accent
    expect(columns('ｶﾀｶﾅ')).toBe(4); // halfwidth katakana stay one column each
    expect(columns('👍🏽')).toBe(2);
    expect(columns('が')).toBe(2);
  });

  it('clips without cutting a wide character in half, from the start or the end', () => {
    expect(clipColumns('[聞いています] マイク', 7)).toBe('[聞いて');
    expect(clipColumns('[聞いています] マイク', 8)).toBe('[聞いて'); // い would need columns 8 and 9
    expect(tailColumns('今日の天気は？', 5)).toBe('は？');
    expect(tailColumns('abc', 10)).toBe('abc');
  });

  it('takes back one grapheme at a time', () => {
    expect(withoutLastGrapheme('天気')).toBe('天');
    expect(withoutLastGrapheme('ok👍🏽')).toBe('ok');
    expect(withoutLastGrapheme('')).toBe('');
  });
});

describe('the typing prompt', () => {
  it('sends on Enter what was typed, Japanese included; Backspace takes back a character', () => {
    const prompt = new LinePrompt();
    expect(prompt.feed('今日の')).toEqual({ kind: 'edit' });
    prompt.feed('天気x');
    prompt.feed('\u007f');
    expect(prompt.text).toBe('今日の天気');
    expect(prompt.feed('\r')).toEqual({ kind: 'send', text: '今日の天気' });
  });

  it('cancels on Esc, quits on Ctrl+C, clears on Ctrl+U, ignores arrow keys and other controls', () => {
    const prompt = new LinePrompt('/');
    prompt.feed('image a.png');
    prompt.feed('\u001b[D\u001b[A\u0007');
    expect(prompt.text).toBe('/image a.png');
    prompt.feed('\u0015');
    expect(prompt.text).toBe('');
    expect(prompt.feed('\u001b')).toEqual({ kind: 'cancel' });
    expect(new LinePrompt().feed('\u0003')).toEqual({ kind: 'quit' });
  });

  it('keeps a pasted text with line breaks on one line, sending only on a break at its end', () => {
    const prompt = new LinePrompt();
    expect(prompt.feed('first line\r\nsecond q line')).toEqual({ kind: 'edit' });
    expect(prompt.text).toBe('first line second q line');
    expect(prompt.feed('\r\n')).toEqual({ kind: 'send', text: 'first line second q line' });
  });
});
