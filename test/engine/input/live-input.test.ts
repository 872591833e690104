import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { Assistant } from '../../../src/engine/assistant';
import { parseSettings, type SettingsInput } from '../../../src/engine/settings';
import type { AssistantEvent } from '../../../src/engine/events';
import { NullInput, NullOutput } from '../../../src/engine/audio/devices/null';
import { MAX_LIVE_TYPED_CHARS } from '../../../src/engine/session/live/live-session';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../../src/simulator';
import { MemoryHost } from '../tools/memory-host';
import { until } from './until';

type Sent = { type: string; content?: string; item?: { type?: string; role?: string; content?: { type: string; image_url?: string }[] } };


const answer = (assistant: Assistant, match: RegExp) =>
  until(assistant, (e) => (e.type === 'transcript.final' && e.speaker === 'assistant' && match.test(e.text) ? e : undefined));

/**
 * Typed words and pictures in a GPT-Live conversation (issue 23), against the simulated service
 * on 127.0.0.1, which validates every client event against the `openai/resources/live` schemas:
 * typed words go as commentary framed as the user's turn (the model answers them), a reply playing
 * is stopped first as the Stop button stops it; pictures go to the Responses backend when Kaiwa's
 * tools are on (Responses delegation), and are refused with a notice when they are off.
 */
describe('typed words and pictures, GPT-Live', () => {
  async function run(
    settings: SettingsInput,
    body: (assistant: Assistant, sent: () => Sent[], events: AssistantEvent[], sim: RunningSimulator) => Promise<void>,
    faults?: SimulatorOptions['faults'],
  ) {
    const sim: RunningSimulator = await startSimulator({ port: 0, replyMs: 3000, realtimeFactor: 1, validateOutgoing: true, ...(faults ? { faults } : {}) });
    const assistant = new Assistant({
      settings: parseSettings({ provider: 'local', protocol: 'live', interruption: { localVad: false }, ...settings }),
      credentials: {},
      input: new NullInput(),
      output: new NullOutput(),
      localUrl: sim.url,
      toolHost: new MemoryHost(),
    });
    const events: AssistantEvent[] = [];
    assistant.subscribe((event) => events.push(event));
    try {
      await assistant.start();
      const live = sim.liveSessions[0]!;
      await body(assistant, () => live.received.map((r) => r.event as Sent), events, sim);
      expect(live.violations).toEqual([]);
      // Every client event passed the simulator's schema check (a refused one comes back as an error).
      expect(events.filter((e) => e.type === 'error')).toEqual([]);
    } finally {
      await assistant.stop();
      await sim.close();
    }
  }

  it('typed words: the model answers them; over a playing reply, the reply is stopped first', async () => {
    await run({}, async (assistant, sent, events) => {
      expect(assistant.sendText('Tell me a story.')).toBe(true);
      await until(assistant, (e) => (e.type === 'state' && e.state === 'speaking' ? true : undefined));
      await new Promise((resolve) => setTimeout(resolve, 600));
      const answered = answer(assistant, /^You typed: 日本語で/);
      expect(assistant.sendText('日本語でお願いします')).toBe(true);
      await answered;
      const cut = events.find((e) => e.type === 'interrupted');
      expect(cut).toMatchObject({ reason: 'user' });
      const types = sent().map((e) => e.type).filter((t) => t !== 'session.input_audio.append');
      expect(types).toEqual(['session.start', 'session.commentary.append', 'session.output_audio.fixture.play', 'session.instructions.append', 'session.commentary.append']);
      const commentary = sent().filter((e) => e.type === 'session.commentary.append').map((e) => e.content);
      expect(commentary[1]).toContain('"""日本語でお願いします"""');
      expect(commentary[1]).toMatch(/typed/);
      const typed = events.filter((e) => e.type === 'transcript.final' && e.speaker === 'user');
      expect(typed).toEqual([
        expect.objectContaining({ text: 'Tell me a story.', typed: true }),
        expect.objectContaining({ text: '日本語でお願いします', typed: true }),
      ]);
    });
  }, 30_000);

  it(`typed words longer than ${MAX_LIVE_TYPED_CHARS} characters: a notice, nothing sent`, async () => {
    await run({}, async (assistant, sent, events) => {
      expect(assistant.sendText('あ'.repeat(MAX_LIVE_TYPED_CHARS + 1))).toBe(false);
      expect(events).toContainEqual({ type: 'notice', key: 'notice.typedTooLong', params: { length: MAX_LIVE_TYPED_CHARS + 1, maximum: MAX_LIVE_TYPED_CHARS } });
      expect(sent().filter((e) => e.type === 'session.commentary.append')).toHaveLength(0);
    });
  });

  it('tools on: a picture goes to the Responses backend, the model is told silently, and its next answer uses it', async () => {
    await run({}, async (assistant, sent) => {
      const data = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#dc2828' } }).png().toBuffer();
      const outcome = await assistant.showPicture({ data, source: 'file' });
      expect(outcome).toMatchObject({ status: 'sent', picture: { width: 640, height: 480 } });
      const answered = answer(assistant, /^You typed: What is this\?/);
      assistant.sendText('What is this?');
      expect((await answered).text).toContain('I see a picture 640 by 480 pixels, mostly red.');
      const picture = sent().find((e) => e.type === 'response.item.create')!;
      expect(picture.item).toMatchObject({ type: 'message', role: 'user', content: [{ type: 'input_image', detail: 'auto' }] });
      expect(picture.item!.content![0]!.image_url).toMatch(/^data:image\/jpeg;base64,/);
      expect(sent().filter((e) => e.type === 'session.thinking.append').map((e) => e.content)).toEqual([expect.stringContaining('640×480')]);
    });
  }, 30_000);

  it('tools off: "pictures need Realtime, or GPT-Live with tools on", nothing sent', async () => {
    await run({ tools: { enabled: false } }, async (assistant, sent, events) => {
      const data = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#000' } }).png().toBuffer();
      expect(await assistant.showPicture({ data, source: 'paste' })).toEqual({ status: 'unsupported', said: { key: 'notice.picturesNeedRealtimeOrTools' } });
      expect(events.filter((e) => e.type === 'notice')).toEqual([{ type: 'notice', key: 'notice.picturesNeedRealtimeOrTools' }]);
      expect(sent().filter((e) => e.type === 'response.item.create' || e.type === 'session.thinking.append')).toHaveLength(0);
    });
  });

  it('a renewal: the new session starts with the picture as a note, and its backend gets the newest picture again', async () => {
    await run(
      {},
      async (assistant, _sent, _events, sim) => {
        const renewed = until(assistant, (e) => (e.type === 'session.started' && e.sessionId !== sim.liveSessions[0]!.config?.id ? true : undefined), 15_000);
        const data = await sharp({ create: { width: 320, height: 200, channels: 3, background: '#28a028' } }).png().toBuffer();
        expect((await assistant.showPicture({ data, source: 'window' })).status).toBe('sent');
        await renewed;
        await new Promise((resolve) => setTimeout(resolve, 300));
        const next = sim.liveSessions[1]!.received.map((r) => r.event as Sent & { session?: { input?: { content: { text: string }[] }[] } });
        const start = next.find((e) => e.type === 'session.start')!;
        expect(start.session!.input!.map((i) => i.content[0]!.text)).toEqual([expect.stringContaining('320×200 px')]);
        const again = next.find((e) => e.type === 'response.item.create')!;
        expect(again.item!.content![0]!.image_url).toMatch(/^data:image\/jpeg;base64,/);
        expect(next.filter((e) => e.type === 'session.thinking.append').map((e) => e.content)).toEqual([expect.stringContaining('again')]);
        const answered = answer(assistant, /^You typed: And this\?/);
        assistant.sendText('And this?');
        expect((await answered).text).toContain('I see a picture 320 by 200 pixels, mostly green.');
      },
      (i) => (i === 0 ? { sessionExpiredAfterMs: 1_500 } : undefined),
    );
  }, 30_000);
});
