import { describe, expect, it } from 'vitest';
import { ReplayRecord } from '../../../../src/engine/session/replay-record';
import { itemCreate, replayItems } from '../../../../src/engine/session/realtime/replay';
import { betaDialect } from '../../../../src/engine/realtime/dialects';
import { specValidator } from '../../../../src/simulator/realtime/spec/validator';
import { liveSessionStart } from '../../../../src/engine/session/live/start';
import { DEFAULT_SETTINGS } from '../../../../src/engine/settings';

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

describe('pictures on replay into a new session (issue 23)', () => {
  const record = () => {
    const r = new ReplayRecord();
    r.final('u1', 'user', 'Look at these.');
    r.picture('p1', { width: 800, height: 600, dataUrl: 'data:image/jpeg;base64,AAAA' });
    r.final('a1', 'assistant', 'A blue square.');
    r.picture('p2', { width: 1024, height: 512, dataUrl: 'data:image/jpeg;base64,BBBB' });
    r.final('t1', 'user', 'What is this one?');
    return r;
  };

  it('the newest picture goes back as the picture it was; earlier ones as a note with their size', () => {
    const items = replayItems(record().replay(), { pictures: true }).map((e) => e.item);
    expect(items.map((i) => (i as { content: { type: string }[] }).content[0]!.type)).toEqual(['input_text', 'input_text', 'output_text', 'input_image', 'input_text']);
    expect(items[1]).toMatchObject({ role: 'user', content: [{ type: 'input_text', text: expect.stringContaining('800×600 px') }] });
    expect(items[3]).toMatchObject({ role: 'user', content: [{ type: 'input_image', image_url: 'data:image/jpeg;base64,BBBB' }] });
  });

  it('a dialect without pictures (beta) gets notes only', () => {
    const items = replayItems(record().replay(), { pictures: false }).map((e) => e.item as { content: { type: string; text?: string }[] });
    expect(items.every((i) => i.content[0]!.type !== 'input_image')).toBe(true);
    expect(items[3]!.content[0]!.text).toContain('1024×512 px');
  });

  it('GPT-Live starts a new session with text history only: pictures as notes', () => {
    const start = liveSessionStart(DEFAULT_SETTINGS, record().replay());
    const texts = start.session.input!.map((i) => (i.content[0] as { text: string }).text);
    expect(texts[1]).toContain('800×600 px');
    expect(texts[3]).toContain('1024×512 px');
    expect(JSON.stringify(start)).not.toContain('BBBB');
  });
});
