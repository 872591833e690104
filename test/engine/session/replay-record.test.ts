import { describe, expect, it } from 'vitest';
import { ReplayRecord } from '../../../src/engine/session/replay-record';

describe('ReplayRecord', () => {
  it('keeps turns in the order items were first seen, even when a user final arrives late', () => {
    const h = new ReplayRecord();
    h.reserve('u1', 'user');
    h.delta('a1', 'assistant', 'Hello ');
    h.delta('a1', 'assistant', 'there.');
    h.final('u1', 'user', 'Hi!');
    h.final('a1', 'assistant', 'Hello there.');
    expect(h.said.map((e) => [e.speaker, e.text])).toEqual([
      ['user', 'Hi!'],
      ['assistant', 'Hello there.'],
    ]);
    expect(h.entries.every((e) => e.final)).toBe(true);
  });

  it('observes AssistantEvents: deltas, finals and interruptions', () => {
    const h = new ReplayRecord();
    h.observe({ type: 'transcript.delta', speaker: 'user', itemId: 'u1', delta: 'replaced by the final' });
    h.observe({ type: 'transcript.delta', speaker: 'assistant', itemId: 'a1', delta: 'one two three four' });
    h.observe({ type: 'interrupted', itemId: 'a1', reason: 'barge-in', playedMs: 500, receivedMs: 1000 });
    h.observe({ type: 'transcript.final', speaker: 'user', itemId: 'u1', text: 'Stop.' });
    h.observe({ type: 'transcript.final', speaker: 'assistant', itemId: 'a1', text: 'one two three four five six' });
    h.observe({ type: 'state', state: 'listening' });
    expect(h.said.map((e) => e.text)).toEqual(['Stop.', 'one two']);
    expect(h.entries[1]).toMatchObject({ interrupted: true, final: true });
  });

  it('cuts a reply interrupted after its final to what was heard', () => {
    const h = new ReplayRecord();
    h.final('a1', 'assistant', 'The quick brown fox jumps over the lazy dog');
    h.interrupted('a1', 1000, 4000);
    expect(h.said[0]!.text).toBe('The quick');
    h.interrupted('a1', 4000, 4000); // a second report changes nothing
    expect(h.said[0]!.text).toBe('The quick');
  });

  it('applies the heard fraction to a final that arrives after the cut with nothing streamed', () => {
    const h = new ReplayRecord();
    h.interrupted('a1', 300, 1000);
    expect(h.entries[0]).toMatchObject({ text: '', final: false, interrupted: true });
    h.final('a1', 'assistant', 'aaaa bbbb cccc dddd');
    expect(h.entries[0]).toMatchObject({ text: 'aaaa', final: true });
  });

  it('forgets a reply cut before anything was heard', () => {
    const h = new ReplayRecord();
    h.delta('a1', 'assistant', 'Some words');
    h.interrupted('a1', 0, 0);
    h.final('a1', 'assistant', 'Some words that were never heard');
    expect(h.said).toEqual([]);
    expect(h.replay()).toEqual([]);
  });

  it('drops the oldest entries beyond maxEntries', () => {
    const h = new ReplayRecord({ maxEntries: 3 });
    for (let i = 0; i < 5; i++) h.final(`u${i}`, 'user', `turn ${i}`);
    expect(h.said.map((e) => e.text)).toEqual(['turn 2', 'turn 3', 'turn 4']);
    h.final('u0', 'user', 'back'); // a forgotten id starts a new entry at the end
    expect(h.said.map((e) => e.text)).toEqual(['turn 3', 'turn 4', 'back']);
  });

  it('replays the turns with words, as speaker and text', () => {
    const h = new ReplayRecord();
    h.final('u1', 'user', 'What is the capital of Japan?');
    h.final('a1', 'assistant', 'Tokyo.');
    h.reserve('u2', 'user'); // no transcript: nothing to replay
    expect(h.replay()).toEqual([
      { speaker: 'user', text: 'What is the capital of Japan?' },
      { speaker: 'assistant', text: 'Tokyo.' },
    ]);
  });

  it('caps the replay to the newest items and characters, keeping the end of an overlong turn', () => {
    const h = new ReplayRecord({ maxReplayItems: 3, maxReplayChars: 25 });
    h.final('u1', 'user', 'first');
    h.final('a1', 'assistant', 'second');
    h.final('u2', 'user', 'third');
    h.final('a2', 'assistant', 'fourth');
    const texts = () => h.replay().map((t) => t.text);
    expect(texts()).toEqual(['second', 'third', 'fourth']);
    h.final('u3', 'user', 'x'.repeat(40));
    expect(texts()).toEqual([`…${'x'.repeat(24)}`]);
    expect(texts().join('').length).toBeLessThanOrEqual(25);
  });

  it('rejects nonsense options', () => {
    expect(() => new ReplayRecord({ maxEntries: 0 })).toThrow(RangeError);
    expect(() => new ReplayRecord({ maxReplayChars: 1.5 })).toThrow(RangeError);
  });
});

describe('ReplayRecord: the cut (engine/text/cut)', () => {
  it('keeps the heard half of an interrupted Japanese reply (issue 11: it used to keep nothing)', () => {
    const h = new ReplayRecord();
    h.delta('a1', 'assistant', 'ええと、今日の京都は晴れで、最高気温は二十二度くらいです。午後は少し風が出るでしょう。');
    h.interrupted('a1', 1000, 4000);
    expect(h.said.map((e) => e.text)).toEqual(['ええと、今日の京都は']);
  });
});

describe('ReplayRecord.settle', () => {
  it('finalises assistant replies that will get no final: streamed text, or what was heard', () => {
    const h = new ReplayRecord();
    h.final('u1', 'user', 'Hi');
    h.delta('a1', 'assistant', 'Hello, nice to');
    h.final('a1', 'assistant', 'Hello, nice to meet you.');
    h.reserve('u2', 'user');
    h.delta('a2', 'assistant', 'one two three four');
    h.delta('u3', 'user', 'half a');
    h.interrupted('a2', 1, 2);
    h.delta('a3', 'assistant', 'still streaming');
    h.reserve('a4', 'assistant');
    expect(h.settle().map((e) => [e.itemId, e.text])).toEqual([
      ['a2', 'one two'],
      ['u3', 'half a'],
      ['a3', 'still streaming'],
    ]);
    expect(h.entries.filter((e) => e.speaker === 'assistant').every((e) => e.final)).toBe(true);
    expect(h.entries.find((e) => e.itemId === 'u2')).toMatchObject({ final: false, text: '' });
    expect(h.settle()).toEqual([]);
    // A late final for a settled, cut reply does not bring the unheard words back.
    h.final('a2', 'assistant', 'one two three four five');
    expect(h.said.map((e) => e.text)).toEqual(['Hi', 'Hello, nice to meet you.', 'one two', 'half a', 'still streaming']);
  });
});
