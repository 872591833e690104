import { describe, expect, it } from 'vitest';
import { Assistant } from '../../../src/engine/assistant';
import { parseSettings } from '../../../src/engine/settings';
import type { AssistantEvent } from '../../../src/engine/events';
import { NullInput, NullOutput } from '../../../src/engine/audio/devices/null';
import { startSimulator } from '../../../src/simulator';
import { receivedOfType } from '../../../harness/replies';
import { until } from './until';

type Event<T extends AssistantEvent['type']> = Extract<AssistantEvent, { type: T }>;


/**
 * Typed words in a Realtime conversation (issue 23), against the simulator on 127.0.0.1: a user
 * turn of the same conversation, answered aloud; sent over a playing reply, they cut it exactly
 * as the Interrupt button does (cancel, truncate at what was heard) before going in.
 */
describe('typed turns, Realtime', () => {
  it.concurrent.each(['ga', 'beta'] as const)('%s: answered aloud; over a playing reply, cut and truncated at what was heard first', async (dialect) => {
    // 6 s replies streamed at 1.5x real time: the first is still arriving when the second text is typed.
    const sim = await startSimulator({ port: 0, replyMs: 6000, realtimeFactor: 1.5, dialect });
    const assistant = new Assistant({
      settings: parseSettings({ provider: 'local', dialect, interruption: { localVad: false } }),
      credentials: {},
      input: new NullInput(),
      output: new NullOutput(),
      localUrl: sim.url,
    });
    const events: AssistantEvent[] = [];
    assistant.subscribe((event) => events.push(event));
    const session = sim.nextSession();
    try {
      await assistant.start();
      const speaking = until(assistant, (e) => (e.type === 'state' && e.state === 'speaking' ? true : undefined));
      expect(assistant.sendText('  Tell me a long story.  ')).toBe(true);
      await speaking;
      await new Promise((resolve) => setTimeout(resolve, 1200));
      const interrupted = until(assistant, (e) => (e.type === 'interrupted' ? e : undefined));
      const secondFinal = until(assistant, (e) => (e.type === 'transcript.final' && e.speaker === 'assistant' && e.text.includes('日本語でどうぞ') ? e : undefined), 20_000);
      expect(assistant.sendText('日本語でどうぞ')).toBe(true);
      const cut = await interrupted;
      const answer = await secondFinal;
      const received = (await session).received;

      // Cut exactly as the Interrupt button cuts: reason 'user', truncated at what was heard.
      expect(cut.reason).toBe('user');
      expect(cut.playedMs).toBeGreaterThan(800);
      expect(cut.playedMs).toBeLessThan(cut.receivedMs);
      const truncates = receivedOfType<{ item_id: string; audio_end_ms: number }>(received, 'conversation.item.truncate');
      expect(truncates).toEqual([expect.objectContaining({ item_id: cut.itemId, audio_end_ms: cut.playedMs })]);
      expect(receivedOfType(received, 'response.cancel')).toHaveLength(1);

      // Both typed turns went in as user input_text items, each followed by response.create, in order.
      const sent = received.map(({ event }) => event as { type: string; item?: { id?: string; role?: string; content?: { type: string; text?: string }[] } });
      const typed = sent.filter((e) => e.type === 'conversation.item.create');
      expect(typed.map((e) => e.item?.content?.[0])).toEqual([
        { type: 'input_text', text: 'Tell me a long story.' },
        { type: 'input_text', text: '日本語でどうぞ' },
      ]);
      const order = sent.map((e) => e.type).filter((t) => /^(conversation\.item\.(create|truncate)|response\.(create|cancel))$/.test(t));
      expect(order).toEqual(['conversation.item.create', 'response.create', 'response.cancel', 'conversation.item.truncate', 'conversation.item.create', 'response.create']);

      // Front ends see the words as typed user turns, with the ids the items were given.
      const finals = events.filter((e): e is Event<'transcript.final'> => e.type === 'transcript.final' && e.speaker === 'user');
      expect(finals.map((e) => [e.text, e.typed, e.itemId])).toEqual([
        ['Tell me a long story.', true, typed[0]!.item!.id],
        ['日本語でどうぞ', true, typed[1]!.item!.id],
      ]);
      // The cut comes before the second typed turn, and the answer after it.
      expect(events.indexOf(cut)).toBeLessThan(events.indexOf(finals[1]!));
      expect(answer.text).toMatch(/^You typed: 日本語でどうぞ/);
      // The record replays the typed words as user turns.
      expect(assistant.record.replay().filter((t) => t.speaker === 'user').map((t) => t.text)).toEqual(['Tell me a long story.', '日本語でどうぞ']);
    } finally {
      await assistant.stop();
      await sim.close();
    }
  }, 30_000);

  it('refuses empty, too long, and typing with no conversation, with a notice, sending nothing', async () => {
    const assistant = new Assistant({ settings: parseSettings({ provider: 'local' }), credentials: {}, input: new NullInput(), output: new NullOutput() });
    const notices: AssistantEvent[] = [];
    assistant.subscribe((event) => event.type === 'notice' && notices.push(event));
    expect(assistant.sendText('   ')).toBe(false);
    expect(assistant.sendText('a'.repeat(4001))).toBe(false);
    expect(assistant.sendText('hello')).toBe(false);
    expect(notices).toEqual([
      { type: 'notice', key: 'notice.typedEmpty' },
      { type: 'notice', key: 'notice.typedTooLong', params: { length: 4001, maximum: 4000 } },
      { type: 'notice', key: 'notice.noConversation' },
    ]);
  });
});
