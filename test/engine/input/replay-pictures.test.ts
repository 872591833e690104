import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { Assistant } from '../../../src/engine/assistant';
import { parseSettings } from '../../../src/engine/settings';
import { NullInput, NullOutput } from '../../../src/engine/audio/devices/null';
import { startSimulator } from '../../../src/simulator';
import { until } from './until';

const picture = (width: number, height: number, background: string) => sharp({ create: { width, height, channels: 3, background } }).png().toBuffer();

/**
 * What a renewal carries over (issue 23): the server ends the first session at its time limit, and
 * the new one is told the conversation so far: the typed turn as text, the newest picture as the
 * picture it was, the earlier one as a note with its size.
 */
describe('typed turns and pictures on replay into a new session', () => {
  it('Realtime GA: renewal after a picture, another picture and a typed question', async () => {
    const sim = await startSimulator({ port: 0, replyMs: 600, faults: (i) => (i === 0 ? { sessionExpiredAfterMs: 3_000 } : undefined) });
    const assistant = new Assistant({
      settings: parseSettings({ provider: 'local', interruption: { localVad: false } }),
      credentials: {},
      input: new NullInput(),
      output: new NullOutput(),
      localUrl: sim.url,
      resilience: { backoff: { baseMs: 40, random: () => 0.5 } },
    });
    try {
      await assistant.start();
      const renewed = until(assistant, (e) => (e.type === 'notice' && e.key === 'notice.sessionRenewed' ? true : undefined), 10_000);
      expect((await assistant.showPicture({ data: await picture(400, 300, '#c82828'), source: 'file' })).status).toBe('sent');
      const second = await assistant.showPicture({ data: await picture(800, 600, '#2850c8'), source: 'screen' });
      expect(second.status).toBe('sent');
      const replied = until(assistant, (e) => (e.type === 'transcript.final' && e.speaker === 'assistant' ? e : undefined));
      assistant.sendText('What are these?');
      expect((await replied).text).toMatch(/^You typed: What are these\? I see a picture 400 by 300 pixels, mostly red\. I see a picture 800 by 600 pixels, mostly blue\./);
      await renewed;
      await new Promise((resolve) => setTimeout(resolve, 200));

      const replayed = sim.sessions[1]!.received
        .map((r) => r.event as { type: string; item?: { role: string; content: { type: string; text?: string; image_url?: string }[] } })
        .filter((e) => e.type === 'conversation.item.create')
        .map((e) => [e.item!.role, e.item!.content[0]!.type, e.item!.content[0]!.text ?? e.item!.content[0]!.image_url?.slice(0, 23)]);
      expect(replayed).toEqual([
        ['user', 'input_text', expect.stringContaining('400×300 px')],
        ['user', 'input_image', 'data:image/jpeg;base64,'],
        ['user', 'input_text', 'What are these?'],
        ['assistant', 'output_text', expect.stringMatching(/^You typed: What are these\?/)],
      ]);
    } finally {
      await assistant.stop();
      await sim.close();
    }
  }, 30_000);
});
