import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cutReply, guessLanguage, heardFraction } from '../../../src/engine/text/cut';

// Expectations worked out by hand: the cut falls after fraction x graphemes; a word is heard when
// its middle (in graphemes) is at or before that point; the segments are ICU's.

describe('cutReply: Japanese', () => {
  // 43 graphemes: ええと|、|今日|の|京都|は|晴れ|で|、|最高|気温|は|二十二度|くらい|です|。|午後|は|少し|風|が|出る|で|しょう|。
  const text = 'ええと、今日の京都は晴れで、最高気温は二十二度くらいです。午後は少し風が出るでしょう。';
  it.each([
    [0.02, '', text], // 0.86 graphemes: not half of ええと
    [0.05, 'ええと、', '今日の京都は晴れで、最高気温は二十二度くらいです。午後は少し風が出るでしょう。'], // the comma goes with the word
    [0.25, 'ええと、今日の京都は', '晴れで、最高気温は二十二度くらいです。午後は少し風が出るでしょう。'], // 10.75: 晴れ's middle is 11
    [0.5, 'ええと、今日の京都は晴れで、最高気温は二十二度', 'くらいです。午後は少し風が出るでしょう。'], // 二十|二度 is one number, middle 21 <= 21.5
    [0.68, 'ええと、今日の京都は晴れで、最高気温は二十二度くらいです。', '午後は少し風が出るでしょう。'],
    [0.99, text, ''],
  ])('at %f', (fraction, heard, unheard) => {
    expect(cutReply(text, fraction)).toEqual({ heard, unheard });
  });

  it('is no longer empty halfway through (issue 11)', () => {
    expect(cutReply(text, 0.5).heard).not.toBe('');
  });
});

describe('cutReply: mixed Japanese and English', () => {
  // 37 graphemes: 明日|の|meeting|は|Zoom|で|や|り|ます|ね|。|Slack|に|リンク|を|送り|ます|。
  const text = '明日のmeetingはZoomでやりますね。Slackにリンクを送ります。';
  it.each([
    [0.3, '明日のmeetingは', 'Zoomでやりますね。Slackにリンクを送ります。'], // 11.1: Zoom's middle is 13
    [0.6, '明日のmeetingはZoomでやりますね。', 'Slackにリンクを送ります。'], // 22.2: Slack's middle is 24.5
    [0.8, '明日のmeetingはZoomでやりますね。Slackにリンク', 'を送ります。'], // 29.6: リンク's middle is 29.5
  ])('at %f', (fraction, heard, unheard) => {
    expect(cutReply(text, fraction)).toEqual({ heard, unheard });
  });
});

describe('cutReply: Chinese', () => {
  // 28 graphemes: 今天|北京|天气|晴朗|，|最高|气温|二十二度|左右|。|下午|会|有|一点|风|。
  const text = '今天北京天气晴朗，最高气温二十二度左右。下午会有一点风。';
  it.each([
    [0.3, '今天北京天气晴朗，', '最高气温二十二度左右。下午会有一点风。'],
    [0.5, '今天北京天气晴朗，最高气温', '二十二度左右。下午会有一点风。'], // 14: 二十二度's middle is 15
    [0.75, '今天北京天气晴朗，最高气温二十二度左右。下午', '会有一点风。'],
  ])('at %f', (fraction, heard, unheard) => {
    expect(cutReply(text, fraction, 'zh')).toEqual({ heard, unheard });
  });
});

describe('cutReply: English', () => {
  // 60 graphemes; words Well(mid 2) today's(9.5) weather(17.5) in(23) Kyoto(27.5) is(32) sunny(36.5) around(45) 22°C(51) Cool(57)
  const text = "Well, today's weather in Kyoto is sunny — around 22°C. Cool!";
  it.each([
    [0, '', text],
    [0.25, "Well, today's", 'weather in Kyoto is sunny — around 22°C. Cool!'],
    [0.5, "Well, today's weather in Kyoto", 'is sunny — around 22°C. Cool!'],
    [0.86, "Well, today's weather in Kyoto is sunny — around 22°C.", 'Cool!'], // 22°C is one unit
    [1, text, ''],
  ])('at %f', (fraction, heard, unheard) => {
    expect(cutReply(text, fraction)).toEqual({ heard, unheard });
  });

  it('keeps a word half heard, and an opening quote with its word', () => {
    expect(cutReply('one two three', 0.5)).toEqual({ heard: 'one two', unheard: 'three' }); // "two" spans 4-7, middle 5.5 <= 6.5
    expect(cutReply('one two three', 0.4)).toEqual({ heard: 'one', unheard: 'two three' }); // 5.2 < 5.5
    expect(cutReply('He said “hello there” to me', 0.45)).toEqual({ heard: 'He said “hello', unheard: 'there” to me' });
    expect(cutReply('He said “hello there” to me', 0.25)).toEqual({ heard: 'He said', unheard: '“hello there” to me' });
  });

  it('takes nothing heard from bad fractions', () => {
    expect(cutReply('a b', Number.NaN)).toEqual({ heard: '', unheard: 'a b' });
    expect(cutReply('a b', -1)).toEqual({ heard: '', unheard: 'a b' });
    expect(cutReply('', 0.5)).toEqual({ heard: '', unheard: '' });
  });
});

describe('cutReply: any text', () => {
  const graphemes = (s: string) => [...new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(s)].map((g) => g.segment);
  const anyText = fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.array(fc.constantFrom('今日', 'は', '、', 'ok ', '👍🏽', 'สวัสดี', ' ', '。', 'e\u0301', '👨‍👩‍👧', '二十', 'Zoom'), { maxLength: 20 }).map((parts) => parts.join('')),
  );

  it('splits into a prefix and the rest, on a grapheme boundary, more heard the more was played', () => {
    fc.assert(
      fc.property(anyText, fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (text, a, b) => {
        const { heard, unheard } = cutReply(text, a);
        expect(text.startsWith(heard)).toBe(true);
        expect(text.endsWith(unheard)).toBe(true);
        expect(text.slice(heard.length, text.length - unheard.length).trim()).toBe('');
        const all = graphemes(text);
        expect(all.slice(0, graphemes(heard).length).join('')).toBe(heard);
        const [low, high] = a <= b ? [a, b] : [b, a];
        expect(cutReply(text, low).heard.length).toBeLessThanOrEqual(cutReply(text, high).heard.length);
      }),
    );
  });

  it('cuts Thai, which writes no spaces between words, between words', () => {
    // 12 graphemes (a vowel mark joins its consonant): วัน 0-2, นี้ 2-3, อากาศ 3-8 (middle 5.5), ดี 8-9 (8.5), มาก 9-12
    const text = 'วันนี้อากาศดีมาก';
    expect(cutReply(text, 0.5, 'th').heard).toBe('วันนี้อากาศ');
  });
});

describe('heardFraction and guessLanguage', () => {
  it('clamps what was played to what was received; nothing received is nothing heard', () => {
    expect(heardFraction(1000, 2000)).toBe(0.5);
    expect(heardFraction(3000, 2000)).toBe(1);
    expect(heardFraction(-5, 2000)).toBe(0);
    expect(heardFraction(1000, 0)).toBe(0);
  });

  it('guesses the language from the script', () => {
    expect(guessLanguage('明日のmeeting')).toBe('ja');
    expect(guessLanguage('今天天气')).toBe('zh');
    expect(guessLanguage('안녕하세요')).toBe('ko');
    expect(guessLanguage('สวัสดี')).toBe('th');
    expect(guessLanguage('hello')).toBe('en');
  });
});
