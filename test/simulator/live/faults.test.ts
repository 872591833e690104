import { describe, expect, it } from 'vitest';
import { concat, silence, tone } from '../signals';
import { useLiveSimulator } from './helpers';

const { start, open, sim } = useLiveSimulator();

describe('GPT-Live fault injection', () => {
  it('sessionExpiredAfterMs: session.closed with reason expired and the usage, then the server closes', async () => {
    await start({ faults: { sessionExpiredAfterMs: 150 } });
    const client = await open();
    await client.start();
    const closed = await client.next('session.closed');
    expect(closed.reason).toBe('expired');
    expect((closed.usage as { seconds: number }).seconds).toBeGreaterThanOrEqual(0.14);
    expect((await client.closed).code).toBe(1000);
  });

  it('sessionExpiredAfterMs is the session\'s lifetime: session.started says so in expires_at (whole seconds, never later)', async () => {
    await start({ faults: { sessionExpiredAfterMs: 5_000 } });
    const client = await open();
    const before = Date.now();
    const started = await client.start();
    const expiresAt = (started.session as { expires_at: number }).expires_at;
    expect(Number.isInteger(expiresAt)).toBe(true);
    expect(expiresAt * 1000).toBeLessThanOrEqual(Date.now() + 5_000);
    expect(expiresAt * 1000).toBeGreaterThan(before + 3_900);
  });

  it('contentCloseAfterMs: session.closed with reason content, mid-reply', async () => {
    await start({ replyMs: 3000, faults: { contentCloseAfterMs: 1700 } });
    const client = await open();
    await client.start();
    client.appendAudio(concat(tone(600, -20), silence(700)));
    await client.next('session.output_audio.delta');
    const closed = await client.next('session.closed', 5000);
    expect(closed.reason).toBe('content');
    await client.closed;
    // Nothing of the reply follows the close.
    expect(client.types().at(-1)).toBe('session.closed');
  });

  it('dropAfterEvents: the connection dies without a close frame', async () => {
    await start({ faults: { dropAfterEvents: 2 } });
    const client = await open();
    await client.start();
    client.send({ type: 'session.input_audio.mute' });
    expect((await client.closed).code).toBe(1006);
    expect(client.types()).toEqual(['session.started', 'session.input_audio.muted']);
  });

  it('malformedAtEvent: a frame that is not JSON in place of an event, then business as usual', async () => {
    await start({ faults: { malformedAtEvent: 2 } });
    const client = await open();
    await client.start();
    client.send({ type: 'session.input_audio.mute' });
    client.send({ type: 'session.input_audio.unmute' });
    await client.next('session.input_audio.unmuted');
    expect(client.malformed).toHaveLength(1);
    expect(() => JSON.parse(client.malformed[0]!)).toThrow();
    expect(client.all('session.input_audio.muted')).toHaveLength(0);
    expect(sim().liveSessions[0]!.sent).toHaveLength(3);
  });

  it('a fault plan per connection counts Realtime and Live connections together', async () => {
    await start({ faults: (i) => (i === 1 ? { sessionExpiredAfterMs: 50 } : undefined) });
    const first = await open();
    await first.start();
    const second = await open();
    await second.start();
    expect((await second.next('session.closed')).reason).toBe('expired');
    await new Promise((r) => setTimeout(r, 100));
    expect(first.all('session.closed')).toHaveLength(0);
  });
});
