import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { Conversation, type TurnListener } from '../../../src/engine/turn/conversation';
import { InputError } from '../../../src/engine/input/picture';
import { parseSettings, type SettingsInput } from '../../../src/engine/settings';
import type { AssistantEvent } from '../../../src/engine/events';
import { startSimulator, type RunningSimulator } from '../../../src/simulator';

function listener(): TurnListener & { events: AssistantEvent[]; audioSamples: number } {
  const heard = {
    events: [] as AssistantEvent[],
    audioSamples: 0,
    audio: (pcm: Int16Array) => {
      heard.audioSamples += pcm.length;
    },
    event: (event: AssistantEvent) => {
      heard.events.push(event);
    },
  };
  return heard;
}

const replyOf = (events: AssistantEvent[]) => events.filter((e) => e.type === 'transcript.final' && e.speaker === 'assistant').map((e) => (e as { text: string }).text);
const green = () => sharp({ create: { width: 320, height: 240, channels: 3, background: '#28b428' } }).png().toBuffer();

/**
 * One-turn conversations (the voice endpoint's engine, issue 23): a turn may be typed words instead
 * of a recording, and may show pictures first; bad input is refused before anything is sent.
 */
describe('one-turn conversations with typed words and pictures', () => {
  async function run(settings: SettingsInput, body: (conversation: Conversation, sim: RunningSimulator) => Promise<void>) {
    const sim = await startSimulator({ port: 0, replyMs: 800 });
    const conversation = new Conversation({ settings: parseSettings({ provider: 'local', ...settings }), credentials: {}, localUrl: sim.url });
    try {
      await body(conversation, sim);
    } finally {
      await conversation.close();
      await sim.close();
    }
  }

  it('Realtime: a typed turn with a picture is answered aloud about both; the next turn keeps the context', async () => {
    await run({}, async (conversation, sim) => {
      const first = listener();
      const result = await conversation.turn({ text: 'What is this?', pictures: [{ data: await green(), source: 'endpoint' }] }, first);
      expect(result.completed).toBe(true);
      expect(result.usage?.inputImageTokens).toBeGreaterThan(0);
      expect(first.audioSamples).toBeGreaterThan(0);
      expect(replyOf(first.events)).toEqual([expect.stringMatching(/^You typed: What is this\? I see a picture 320 by 240 pixels, mostly green\./)]);
      expect(first.events).toContainEqual(expect.objectContaining({ type: 'picture', picture: expect.objectContaining({ source: 'endpoint', width: 320 }) }));
      expect(first.events).toContainEqual(expect.objectContaining({ type: 'transcript.final', speaker: 'user', text: 'What is this?', typed: true }));

      // The same picture again is not sent again; the answer is about the new words alone.
      const second = listener();
      await conversation.turn({ text: 'And now?', pictures: [{ data: await green(), source: 'endpoint' }] }, second);
      expect(replyOf(second.events)).toEqual([expect.stringMatching(/^You typed: And now\?$/)]);
      const items = sim.sessions[0]!.received.map((r) => r.event as { type: string; item?: { content?: { type: string }[] } }).filter((e) => e.type === 'conversation.item.create');
      expect(items.map((e) => e.item?.content?.[0]?.type)).toEqual(['input_image', 'input_text', 'input_text']);
    });
  }, 30_000);

  it('bad input is refused before anything is sent: a bad picture, empty words', async () => {
    await run({}, async (conversation, sim) => {
      const refused = await conversation.turn({ text: 'look', pictures: [{ data: Buffer.from('not a picture'), source: 'endpoint' }] }, listener()).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(InputError);
      expect((refused as InputError).said).toEqual({ key: 'picture.notImage' });
      const empty = await conversation.turn({ text: '  ' }, listener()).catch((e: unknown) => e);
      expect((empty as InputError).said).toEqual({ key: 'notice.typedEmpty' });
      expect(sim.sessions).toHaveLength(0);
      // The conversation goes on.
      const next = listener();
      expect((await conversation.turn({ text: 'hello' }, next)).completed).toBe(true);
    });
  }, 30_000);

  it('GPT-Live: typed words are answered; a picture is refused (the endpoint runs no tools, so no Responses backend)', async () => {
    await run({ protocol: 'live' }, async (conversation) => {
      const heard = listener();
      await conversation.turn({ text: 'Good morning' }, heard);
      expect(replyOf(heard.events)).toEqual([expect.stringMatching(/^You typed: Good morning/)]);
      const refused = await conversation.turn({ text: 'look', pictures: [{ data: await green(), source: 'endpoint' }] }, listener()).catch((e: unknown) => e);
      expect(refused).toMatchObject({ code: 'config', said: { key: 'notice.picturesNeedRealtimeOrTools' } });
    });
  }, 30_000);
});
