import { describe, expect, it } from 'vitest';
import { base64ToPcm16, pcm16ToBase64 } from '../../../src/engine/audio/pcm';
import { concat, silence, tone } from '../signals';
import { joined, type LiveEvent } from './client';
import { useLiveSimulator } from './helpers';

const { start, open, sim } = useLiveSimulator();

/** A 600 ms spoken turn: speech-loud tone, then enough silence to end the turn. */
const turn = () => concat(tone(600, -20), silence(700));

describe('GPT-Live conversation', () => {
  it('answers a spoken turn: input transcript, output audio at real-time pace, output transcript on the session timeline, usage', async () => {
    await start({ replyMs: 1000 });
    const client = await open();
    await client.start();
    client.appendAudio(turn());
    const input = await client.next('session.input_transcript.delta');
    expect(input.delta).toBe('(0.6 s of speech)');
    expect(input.end_ms as number).toBeGreaterThanOrEqual(input.start_ms as number);
    await client.next((e) => e.type === 'session.usage.updated');
    const audio = client.allReceived('session.output_audio.delta');
    const samples = audio.reduce((n, r) => n + base64ToPcm16(String(r.event.delta)).length, 0);
    expect(samples).toBe(24_000);
    // Real time: a second of audio takes about a second to arrive (the first chunk goes at once).
    const span = audio.at(-1)!.at - audio[0]!.at;
    expect(span).toBeGreaterThan(850);
    expect(span).toBeLessThan(1300);
    const words = client.all('session.output_transcript.delta');
    expect(joined(words)).toBe('You said something 0.6 seconds long. I remember 0 earlier messages.');
    const starts = words.map((w) => w.start_ms as number);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    expect(words.at(-1)!.end_ms as number).toBeGreaterThan(starts[0]! + 900);
    const usage = client.all('session.usage.updated').at(-1)!;
    expect((usage.usage as { seconds: number }).seconds).toBeGreaterThan(0.9);
  });

  it('tells how much history the session started with (so a renewal that carries history over shows)', async () => {
    await start({ replyMs: 300 });
    const client = await open();
    await client.start({
      input: [
        { role: 'user', content: [{ type: 'input_text', text: 'Hi.' }] },
        { role: 'assistant', content: [{ type: 'output_text', text: 'Hello!' }] },
        { role: 'developer', content: [{ type: 'input_text', text: 'The user is in Kyoto.' }] },
      ],
    });
    client.appendAudio(turn());
    await client.next('session.usage.updated');
    expect(joined(client.all('session.output_transcript.delta'))).toContain('I remember 3 earlier messages.');
    expect(sim().liveSessions[0]!.config?.input).toHaveLength(3);
  });

  it('muted input is silence: acknowledged, and speech while muted gets no answer', async () => {
    await start({ replyMs: 300 });
    const client = await open();
    await client.start();
    client.send({ type: 'session.input_audio.mute', event_id: 'm' });
    expect(await client.next('session.input_audio.muted')).toMatchObject({ client_event_id: 'm' });
    client.appendAudio(turn());
    await new Promise((r) => setTimeout(r, 300));
    expect(client.all('session.input_transcript.delta')).toHaveLength(0);
    expect(client.all('session.output_audio.delta')).toHaveLength(0);
    client.send({ type: 'session.input_audio.unmute' });
    await client.next('session.input_audio.unmuted');
    client.appendAudio(turn());
    await client.next('session.input_transcript.delta');
    await client.next('session.output_audio.delta');
  });

  it('full duplex: speech over its reply stops the reply within 150 ms, and the new turn is answered', async () => {
    await start({ replyMs: 3000 });
    const client = await open();
    await client.start();
    client.appendAudio(turn());
    await client.next('session.output_audio.delta');
    await new Promise((r) => setTimeout(r, 400));
    // The user talks over the reply, in real time as a microphone sends.
    const onsetAt = performance.now();
    const talking = client.streamAudio(concat(tone(500, -20), silence(700)));
    await client.next('session.input_transcript.delta', 5000);
    await talking;
    const second = await client.next((e) => e.type === 'session.output_transcript.delta' && e.delta === 'You ');
    const secondTurnAt = client.allReceived('session.input_transcript.delta')[1]!.at;
    const firstReplyDeltas = client.allReceived('session.output_audio.delta').filter((r) => r.at < secondTurnAt);
    const lastOfFirst = firstReplyDeltas.at(-1)!;
    expect(lastOfFirst.at - onsetAt).toBeLessThan(150);
    const session = sim().liveSessions[0]!;
    expect(session.interruptions).toHaveLength(1);
    expect(session.interruptions[0]!.spokenMs).toBeGreaterThan(300);
    expect(session.interruptions[0]!.spokenMs).toBeLessThan(1500);
    expect(second).toBeDefined();
    expect(client.all('session.input_transcript.delta')).toHaveLength(2);
  });

  it('with no echo cancellation its own voice fed back fools it into stopping; a cancelled echo does not', async () => {
    await start({ replyMs: 1500 });
    /** A speaker path: every output chunk comes back into the microphone at `gain` (1: no echo canceller). */
    const conversation = async (gain: number) => {
      const client = await open();
      await client.start();
      client.ws.on('message', (data) => {
        const event = JSON.parse(String(data)) as LiveEvent;
        if (event.type !== 'session.output_audio.delta') return;
        const echo = base64ToPcm16(String(event.delta)).map((x) => Math.round(x * gain));
        client.send({ type: 'session.input_audio.append', audio: pcm16ToBase64(echo) });
      });
      client.appendAudio(turn());
      await client.next('session.output_audio.delta');
      await new Promise((r) => setTimeout(r, 1800));
      return sim().liveSessions.at(-1)!;
    };
    const fooled = await conversation(1);
    expect(fooled.interruptions.length).toBeGreaterThanOrEqual(1);
    expect(fooled.interruptions[0]!.spokenMs).toBeLessThan(300);
    // What an echo canceller leaves (-50 dB) stays below the VAD: the reply plays out whole.
    const cancelled = await conversation(10 ** (-50 / 20));
    expect(cancelled.interruptions).toEqual([]);
    expect(cancelled.speaking).toBe(false);
  });
});
