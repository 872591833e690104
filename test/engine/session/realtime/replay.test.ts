import { describe, expect, it } from 'vitest';
import { ReplayRecord } from '../../../../src/engine/session/replay-record';
import { itemCreate, replayItems } from '../../../../src/engine/session/realtime/replay';
import { betaDialect } from '../../../../src/engine/realtime/dialects';
import { specValidator } from '../../../../src/simulator/realtime/spec/validator';

describe('replayItems', () => {
  it('replays as GA conversation.item.create text items that validate against both specs', () => {
    const h = new ReplayRecord();
    h.final('u1', 'user', 'What is the capital of Japan?');
    h.final('a1', 'assistant', 'Tokyo.');
    h.reserve('u2', 'user'); // no transcript: nothing to replay
    const replay = replayItems(h.replay());
    expect(replay).toEqual([
      { type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'What is the capital of Japan?' }] } },
      { type: 'conversation.item.create', item: { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Tokyo.' }] } },
    ]);
    for (const event of replay) {
      expect(specValidator('ga').validate('client', event)).toEqual({ ok: true });
      const beta = betaDialect.encodeClient(event);
      expect(specValidator('beta').validate('client', beta)).toEqual({ ok: true });
    }
    expect(betaDialect.encodeClient(replay[1]!)).toMatchObject({ item: { content: [{ type: 'text', text: 'Tokyo.' }] } });
  });
});

describe('itemCreate', () => {
  it('builds the GA shapes', () => {
    expect(itemCreate('user', 'hi').item).toMatchObject({ role: 'user', content: [{ type: 'input_text', text: 'hi' }] });
    expect(itemCreate('assistant', 'yo').item).toMatchObject({ role: 'assistant', content: [{ type: 'output_text', text: 'yo' }] });
  });
});
