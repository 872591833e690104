import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Assistant } from '../../../src/engine/assistant';
import { parseSettings, type SettingsInput } from '../../../src/engine/settings';
import type { AssistantEvent } from '../../../src/engine/events';
import { NullInput, NullOutput } from '../../../src/engine/audio/devices/null';
import { WavFileInput } from '../../../src/engine/audio/devices/wav-file';
import type { InputDevice } from '../../../src/engine/audio/devices/types';
import { startSimulator, type RunningSimulator } from '../../../src/simulator';
import { tempDir } from '../../../harness/temp';
import { speechWav, type SpeechWav } from '../../../harness/speech';
import { until } from './until';

type Received = { at: number; event: unknown }[];
const typeOf = (r: { event: unknown }) => (r.event as { type: string }).type;
const isPictureItem = (r: { event: unknown }) => {
  const e = r.event as { type: string; item?: { content?: { type: string }[] } };
  return e.type === 'conversation.item.create' && e.item?.content?.[0]?.type === 'input_image';
};

/** Half blue, half white, 800×600: what the simulator reports back is computable from it. */
async function bluePicture(width = 800, height = 600): Promise<Uint8Array> {
  const half = await sharp({ create: { width: width / 2, height, channels: 3, background: '#1e50dc' } }).png().toBuffer();
  return sharp({ create: { width, height, channels: 3, background: '#ffffff' } }).composite([{ input: half, left: 0, top: 0 }]).png().toBuffer();
}


/**
 * Pictures in a Realtime conversation (issue 23), against the simulator on 127.0.0.1: a user
 * `input_image` item that is in the conversation before the turn it belongs to is committed, so
 * the answer to that turn uses it; the same frame twice is sent once; beta sends nothing.
 */
describe('pictures, Realtime', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let speech: SpeechWav;

  beforeAll(async () => {
    dir = await tempDir();
    speech = await speechWav(dir.path, 'what-is-this', [{ silenceMs: 300 }, { say: 'What is this? Tell me what you see.' }, { silenceMs: 1500 }]);
  });
  afterAll(async () => {
    await dir?.cleanup();
  });

  async function run(settings: SettingsInput, input: InputDevice, body: (assistant: Assistant, sim: RunningSimulator, received: () => Promise<Received>) => Promise<void>, simOptions: { dialect?: 'ga' | 'beta' } = {}) {
    const sim = await startSimulator({ port: 0, replyMs: 1500, ...simOptions });
    const assistant = new Assistant({ settings: parseSettings({ provider: 'local', interruption: { localVad: false }, ...settings }), credentials: {}, input, output: new NullOutput(), localUrl: sim.url });
    const session = sim.nextSession();
    try {
      await assistant.start();
      await body(assistant, sim, async () => (await session).received);
    } finally {
      await assistant.stop();
      await sim.close();
    }
  }

  it('server VAD: a picture shown while the user speaks is in the conversation before the commit, and the answer sees it (image tokens priced)', async () => {
    await run({}, new WavFileInput(speech.path), async (assistant, sim, received) => {
      const events: AssistantEvent[] = [];
      assistant.subscribe((event) => events.push(event));
      await until(assistant, (e) => (e.type === 'state' && e.state === 'user-speaking' ? true : undefined));
      const replied = until(assistant, (e) => (e.type === 'transcript.final' && e.speaker === 'assistant' ? e : undefined));
      const used = until(assistant, (e) => (e.type === 'usage' ? e : undefined));
      const metered = until(assistant, (e) => (e.type === 'meter' && e.meter.tokens.total > 0 ? e : undefined));
      const outcome = await assistant.showPicture({ data: await bluePicture(), source: 'screen' });
      expect(outcome).toMatchObject({ status: 'sent', picture: { width: 800, height: 600, source: 'screen', mime: 'image/jpeg' } });
      const [reply, usage, meter] = await Promise.all([replied, used, metered]);

      const sessions = sim.sessions;
      const sent = sessions[0]!.sent.map((r) => ({ at: r.at, type: (r.event as { type: string }).type }));
      const committed = sent.find((s) => s.type === 'input_audio_buffer.committed')!;
      const picture = (await received()).find(isPictureItem)!;
      expect(picture).toBeDefined();
      expect(picture.at).toBeLessThan(committed.at);
      const item = (picture.event as { item: { id: string; role: string; content: { image_url: string }[] } }).item;
      expect(item.role).toBe('user');
      expect(item.content[0]!.image_url).toMatch(/^data:image\/jpeg;base64,/);
      expect(item.id).toBe((outcome as { itemId: string }).itemId);
      expect(events).toContainEqual(expect.objectContaining({ type: 'picture', itemId: item.id }));

      expect(reply.text).toMatch(/^You said something \d\.\d seconds long\. .*I see a picture 800 by 600 pixels, mostly (blue and white|white and blue)\.$/);
      expect(usage.usage.inputImageTokens).toBeGreaterThan(0);
      // The meter prices those tokens at the image rate of gpt-realtime ($5 per million).
      expect(meter.meter.costUsd).toBeGreaterThan((usage.usage.inputImageTokens! * 5) / 1e6);
    });
  }, 30_000);

  it('sends a frame identical to the last one once, and a changed one again', async () => {
    await run({}, new NullInput(), async (assistant, _sim, received) => {
      const picture = await bluePicture();
      expect((await assistant.showPicture({ data: picture, source: 'screen' })).status).toBe('sent');
      // The same pixels, encoded otherwise (the hash is of the prepared pixels).
      expect(await assistant.showPicture({ data: await sharp(picture).webp({ lossless: true }).toBuffer(), source: 'screen' })).toEqual({ status: 'unchanged' });
      expect((await assistant.showPicture({ data: await bluePicture(800, 602), source: 'screen' })).status).toBe('sent');
      expect(await assistant.showPicture({ data: await bluePicture(800, 602), source: 'screen' })).toEqual({ status: 'unchanged' });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect((await received()).filter(isPictureItem)).toHaveLength(2);
    });
  });

  it('manual turns: a picture still being prepared when the talk key is released goes in before the commit', async () => {
    await run({ turnDetection: { mode: 'manual' } }, new WavFileInput(speech.path), async (assistant, _sim, received) => {
      assistant.startTalking();
      await new Promise((resolve) => setTimeout(resolve, 600));
      const shown = assistant.showPicture({ data: await bluePicture(), source: 'window' });
      assistant.stopTalking();
      expect((await shown).status).toBe('sent');
      const reply = await until(assistant, (e) => (e.type === 'transcript.final' && e.speaker === 'assistant' ? e : undefined));
      const order = (await received()).filter((r) => isPictureItem(r) || ['input_audio_buffer.commit', 'response.create'].includes(typeOf(r))).map((r) => (isPictureItem(r) ? 'picture' : typeOf(r)));
      expect(order).toEqual(['picture', 'input_audio_buffer.commit', 'response.create']);
      expect(reply.text).toContain('I see a picture 800 by 600 pixels');
    });
  }, 30_000);

  it('typed words after a picture: the picture first, and the answer is about both', async () => {
    await run({}, new NullInput(), async (assistant, _sim, received) => {
      const shown = assistant.showPicture({ data: await bluePicture(), source: 'paste' });
      expect(assistant.sendText('What is this?')).toBe(true);
      expect((await shown).status).toBe('sent');
      const reply = await until(assistant, (e) => (e.type === 'transcript.final' && e.speaker === 'assistant' ? e : undefined));
      expect(reply.text).toMatch(/^You typed: What is this\? I see a picture 800 by 600 pixels/);
      const items = (await received()).filter((r) => typeOf(r) === 'conversation.item.create').map((r) => (isPictureItem(r) ? 'picture' : 'text'));
      expect(items).toEqual(['picture', 'text']);
    });
  }, 30_000);

  it('beta: one clear notice, nothing sent', async () => {
    await run({ dialect: 'beta' }, new NullInput(), async (assistant, _sim, received) => {
      const notices: AssistantEvent[] = [];
      assistant.subscribe((event) => event.type === 'notice' && notices.push(event));
      expect(await assistant.showPicture({ data: await bluePicture(), source: 'drop' })).toEqual({ status: 'unsupported', said: { key: 'notice.picturesNotInBeta' } });
      expect(notices).toEqual([{ type: 'notice', key: 'notice.picturesNotInBeta' }]);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect((await received()).filter((r) => typeOf(r) === 'conversation.item.create')).toHaveLength(0);
    }, { dialect: 'beta' });
  });

  it('a bad picture: one notice, the conversation goes on', async () => {
    await run({}, new NullInput(), async (assistant) => {
      const notices: AssistantEvent[] = [];
      assistant.subscribe((event) => event.type === 'notice' && notices.push(event));
      expect(await assistant.showPicture({ data: Buffer.from('not a picture'), source: 'file', name: 'notes.txt' })).toEqual({ status: 'invalid', said: { key: 'picture.notImage' } });
      expect(notices).toEqual([{ type: 'notice', key: 'picture.notImage' }]);
      expect(assistant.state).toBe('listening');
      expect(assistant.sendText('still there?')).toBe(true);
      const reply = await until(assistant, (e) => (e.type === 'transcript.final' && e.speaker === 'assistant' ? e : undefined));
      expect(reply.text).toMatch(/^You typed: still there\?/);
    });
  });
});
