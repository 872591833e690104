import { describe, expect, it } from 'vitest';
import { base64ToPcm16, pcm16ToBase64 } from '../../../src/engine/audio/pcm';
import { concat, silence, tone } from '../signals';
import type { LiveTestClient } from './client';
import { useLiveSimulator } from './helpers';

const { start, open, sim } = useLiveSimulator();

/** A 600 ms spoken turn: speech-loud tone, then enough silence to end the turn. */
const turn = () => concat(tone(600, -20), silence(700));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function play(client: LiveTestClient, pcm: Int16Array | string, eventId: string): void {
  client.send({ type: 'session.output_audio.fixture.play', audio: typeof pcm === 'string' ? pcm : pcm16ToBase64(pcm), event_id: eventId });
}

/** The session's audio deltas after the event at index `from` of what the client received, as one buffer. */
function audioAfter(client: LiveTestClient, from: number): Int16Array {
  return concat(
    ...client.received
      .slice(from + 1)
      .filter((r) => r.event.type === 'session.output_audio.delta')
      .map((r) => base64ToPcm16(String(r.event.delta))),
  );
}

async function speakingClient(replyMs = 4000): Promise<LiveTestClient> {
  await start({ replyMs });
  const client = await open();
  await client.start();
  client.appendAudio(turn());
  await client.next('session.output_audio.delta');
  await sleep(300);
  return client;
}

describe('GPT-Live audio fixtures (session.output_audio.fixture.play)', () => {
  it('interrupts the model, plays the fixture through the output at real-time pace, then fixture.played and normal inference', async () => {
    const client = await speakingClient();
    const fixture = tone(400, -30, 440);
    play(client, fixture, 'fx1');
    const playing = await client.next('session.output_audio.fixture.playing');
    expect(playing.client_event_id).toBe('fx1');
    const playingAt = client.received.findIndex((r) => r.event === playing);
    const played = await client.next('session.output_audio.fixture.played');
    expect(played.client_event_id).toBe('fx1');
    const playedAt = client.received.findIndex((r) => r.event === played);
    // Between the two: exactly the fixture's samples, nothing of the reply.
    const between = concat(
      ...client.received
        .slice(playingAt + 1, playedAt)
        .filter((r) => r.event.type === 'session.output_audio.delta')
        .map((r) => base64ToPcm16(String(r.event.delta))),
    );
    expect(between).toEqual(fixture);
    expect(client.received.slice(playingAt + 1, playedAt).filter((r) => r.event.type === 'session.output_transcript.delta')).toEqual([]);
    // Real time: 400 ms of audio take about that long to go out.
    const span = client.received[playedAt]!.at - client.received[playingAt]!.at;
    expect(span).toBeGreaterThan(300);
    // The reply does not come back.
    await sleep(300);
    expect(audioAfter(client, playedAt)).toHaveLength(0);
    const session = sim().liveSessions[0]!;
    expect(session.fixtures).toHaveLength(1);
    expect(session.fixtures[0]!.ms).toBe(400);
    expect(session.fixtures[0]!.interruptedSpokenMs).toBeGreaterThan(200);
    expect(session.interruptions).toEqual([]);
    // The model listens again: a new turn is answered.
    const heard = client.all('session.input_transcript.delta').length;
    client.appendAudio(turn());
    await client.next((e) => e.type === 'session.input_transcript.delta');
    expect(client.all('session.input_transcript.delta')).toHaveLength(heard + 1);
    await client.next('session.output_audio.delta');
  });

  it('input arriving during playback is dropped, not replayed', async () => {
    await start({ replyMs: 500 });
    const client = await open();
    await client.start();
    play(client, silence(600), 'fx');
    await client.next('session.output_audio.fixture.playing');
    client.appendAudio(turn()); // a whole turn while it plays
    await client.next('session.output_audio.fixture.played');
    await sleep(400);
    expect(client.all('session.input_transcript.delta')).toEqual([]);
    expect(audioAfter(client, client.received.findIndex((r) => r.event.type === 'session.output_audio.fixture.played'))).toHaveLength(0);
  });

  it('a turn the user was in when the fixture came is abandoned', async () => {
    await start({ replyMs: 500 });
    const client = await open();
    await client.start();
    client.appendAudio(tone(400, -20)); // speaking, turn not ended
    play(client, silence(200), 'fx');
    await client.next('session.output_audio.fixture.played');
    client.appendAudio(silence(900)); // what would have ended that turn
    await sleep(300);
    expect(client.all('session.input_transcript.delta')).toEqual([]);
  });

  it('refuses an invalid payload whole (bad base64, WAV header, empty, over 30 s): an error, and the reply goes on', async () => {
    const client = await speakingClient();
    const wav = Buffer.alloc(4044);
    wav.write('RIFF', 0, 'latin1');
    wav.write('WAVE', 8, 'latin1');
    const payloads: Array<[string, string]> = [
      ['not base64!', 'bad'],
      [wav.toString('base64'), 'wav'],
      ['', 'empty'],
      [pcm16ToBase64(silence(30_010)), 'long'],
    ];
    for (const [audio, id] of payloads) {
      play(client, audio, id);
      const error = await client.next('error');
      expect(error.client_event_id).toBe(id);
      expect(error.error).toMatchObject({ code: 'invalid_value', param: 'audio', client_event_id: id });
    }
    // Exactly 30 s is allowed.
    expect(client.all('session.output_audio.fixture.playing')).toEqual([]);
    const session = sim().liveSessions[0]!;
    expect(session.speaking).toBe(true);
    expect(session.fixtures).toEqual([]);
    const before = client.all('session.output_audio.delta').length;
    await sleep(200);
    expect(client.all('session.output_audio.delta').length).toBeGreaterThan(before);
    play(client, silence(30_000), 'max');
    expect(await client.next('session.output_audio.fixture.playing')).toMatchObject({ client_event_id: 'max' });
    expect(session.speaking).toBe(false);
  });

  it('one fixture at a time; instructions, thinking and commentary are refused while it plays and accepted after', async () => {
    await start({ replyMs: 500 });
    const client = await open();
    await client.start();
    play(client, silence(300), 'first');
    await client.next('session.output_audio.fixture.playing');
    play(client, silence(100), 'second');
    client.send({ type: 'session.instructions.append', content: 'The user heard a chime.', delegation_id: null, event_id: 'i1' });
    client.send({ type: 'session.thinking.append', content: 'thought', delegation_id: null, event_id: 't1' });
    client.send({ type: 'session.commentary.append', content: 'comment', delegation_id: null, event_id: 'c1' });
    for (const id of ['second', 'i1', 't1', 'c1']) {
      const error = await client.next((e) => e.type === 'error' && e.client_event_id === id);
      expect(error.error).toMatchObject({ code: 'audio_fixture_active' });
    }
    const played = await client.next('session.output_audio.fixture.played');
    expect(played.client_event_id).toBe('first');
    expect(client.all('session.output_audio.fixture.playing')).toHaveLength(1);
    expect(sim().liveSessions[0]!.appendedInstructions).toEqual([]);
    client.send({ type: 'session.instructions.append', content: 'The user heard a chime.', delegation_id: null, event_id: 'i2' });
    expect(await client.next('session.instructions.appended')).toMatchObject({ client_event_id: 'i2' });
    expect(sim().liveSessions[0]!.appendedInstructions).toEqual(['The user heard a chime.']);
  });

  it('a session closed mid-fixture never reports it played', async () => {
    await start({ replyMs: 500 });
    const client = await open();
    await client.start();
    play(client, silence(1_000), 'fx');
    await client.next('session.output_audio.fixture.playing');
    client.send({ type: 'session.close' });
    await client.next('session.closed');
    await client.closed;
    expect(client.all('session.output_audio.fixture.played')).toEqual([]);
  });
});
