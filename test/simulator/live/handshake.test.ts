import { describe, expect, it } from 'vitest';
import { silence } from '../signals';
import { LiveTestClient } from './client';
import { useLiveSimulator } from './helpers';

const { start, open, sim } = useLiveSimulator();

describe('GPT-Live handshake', () => {
  it('says nothing until session.start, then session.started with the resolved session', async () => {
    await start();
    const client = await open();
    await new Promise((r) => setTimeout(r, 100));
    expect(client.received).toEqual([]);
    client.send({
      type: 'session.start',
      event_id: 'start-1',
      session: { model: 'gpt-live-1', instructions: 'Be brief.', audio: { output: { voice: 'cedar' } } },
    });
    const started = await client.next('session.started');
    expect(started.client_event_id).toBe('start-1');
    expect(started.session).toMatchObject({
      id: expect.stringMatching(/^sess_/),
      model: 'gpt-live-1',
      status: 'active',
      instructions: 'Be brief.',
      input: [],
      audio: { format: { type: 'audio/pcm', rate: 24000 }, output: { voice: 'cedar' } },
    });
    expect((started.session as { expires_at: number }).expires_at).toBeGreaterThan(Date.now() / 1000);
    expect(sim().liveSessions[0]!.state).toBe('started');
  });

  it('refuses audio and commands before session.started, and goes on when the start comes', async () => {
    await start();
    const client = await open();
    client.send({ type: 'session.input_audio.append', audio: 'AAAA', event_id: 'early' });
    const error = await client.next('error');
    expect(error.error).toEqual({
      type: 'invalid_request_error',
      code: 'session_not_started',
      message: expect.stringContaining('session.start'),
      param: 'type',
      client_event_id: 'early',
    });
    expect(error.client_event_id).toBe('early');
    await client.start();
    client.send({ type: 'session.input_audio.mute' });
    await client.next('session.input_audio.muted');
  });

  it('rejects unknown fields in session.start with the service error shape; a corrected start then works', async () => {
    await start();
    const client = await open();
    client.sendRaw({ type: 'session.start', event_id: 'bad', session: { model: 'gpt-live-1', voice: 'marin' } });
    const error = await client.next('error');
    expect(error.error).toEqual({
      type: 'invalid_request_error',
      code: 'unknown_parameter',
      message: "Unknown parameter: 'session.voice'.",
      param: 'session.voice',
      client_event_id: 'bad',
    });
    client.sendRaw({ type: 'session.start', session: { model: 'gpt-live-1', audio: { output: { voice: 'marin', speed: 1 } } } });
    expect((await client.next('error')).error).toMatchObject({ code: 'unknown_parameter', param: 'session.audio.output.speed' });
    client.sendRaw({ type: 'session.start', session: {} });
    expect((await client.next('error')).error).toMatchObject({ code: 'missing_required_parameter', param: 'session.model' });
    await client.start();
    expect(client.all('session.started')).toHaveLength(1);
  });

  it('validates every client event, answering invalid ones with an error while the session goes on', async () => {
    await start();
    const client = await open();
    await client.start();
    client.sendRaw({ type: 'session.instructions.append', content: 'Speak slowly.' });
    expect((await client.next('error')).error).toMatchObject({ code: 'missing_required_parameter', param: 'delegation_id' });
    client.sendRaw({ type: 'session.input_audio.append', audio: 42 });
    expect((await client.next('error')).error).toMatchObject({ code: 'invalid_type', param: 'audio' });
    client.sendRaw({ type: 'session.bogus' });
    expect((await client.next('error')).error).toMatchObject({ code: 'invalid_value', param: 'type' });
    client.sendRaw('not json');
    expect((await client.next('error')).error).toMatchObject({ code: 'invalid_json' });
    client.send({ type: 'session.instructions.append', content: 'Speak slowly.', delegation_id: null, event_id: 'i1' });
    const appended = await client.next('session.instructions.appended');
    expect(appended).toMatchObject({ client_event_id: 'i1', start_ms: expect.any(Number), end_ms: expect.any(Number) });
    expect(sim().liveSessions[0]!.appendedInstructions).toEqual(['Speak slowly.']);
  });

  it('a second session.start is refused', async () => {
    await start();
    const client = await open();
    await client.start();
    client.send({ type: 'session.start', session: { model: 'gpt-live-1' } });
    expect((await client.next('error')).error).toMatchObject({ code: 'session_already_started' });
  });

  it('accepts only 24 kHz PCM, the format the simulator speaks', async () => {
    await start();
    const client = await open();
    client.send({ type: 'session.start', session: { model: 'gpt-live-1', audio: { format: { type: 'audio/pcm', rate: 16000 } } } });
    expect((await client.next('error')).error).toMatchObject({ code: 'invalid_value', param: 'session.audio.format' });
  });

  it("serves Azure's /openai/v1/live/sessions path too", async () => {
    await start();
    const client = await open({ path: '/openai/v1/live/sessions' });
    await client.start();
    expect(sim().liveSessions).toHaveLength(1);
    expect(sim().sessions).toHaveLength(0);
  });

  it('refuses a wrong key with 401 at the handshake, accepts the right one (Bearer or api-key)', async () => {
    await start({ requireApiKey: 'sk-right' });
    await expect(LiveTestClient.connect(sim().liveUrl, { Authorization: 'Bearer sk-wrong' })).rejects.toThrow(/401/);
    const bearer = await open({ headers: { Authorization: 'Bearer sk-right' } });
    await bearer.start();
    const azure = await open({ path: '/openai/v1/live/sessions', headers: { 'api-key': 'sk-right' } });
    await azure.start();
  });

  it('session.update changes delegation settings within their type; session.updated reports them', async () => {
    await start();
    const client = await open();
    await client.start();
    client.send({ type: 'session.update', event_id: 'u1', session: { delegation: { type: 'client', acknowledgement_delay_ms: 250 } } });
    const updated = await client.next('session.updated');
    expect(updated).toMatchObject({ client_event_id: 'u1', session: { delegation: { type: 'client', acknowledgement_delay_ms: 250 } } });
    client.send({ type: 'session.update', session: { delegation: { type: 'responses' } } });
    expect((await client.next('error')).error).toMatchObject({ code: 'invalid_value', param: 'session.delegation.type' });
  });

  it('session.close: session.closed with reason close_requested and the final usage, then the socket closes', async () => {
    await start();
    const client = await open();
    await client.start();
    client.appendAudio(silence(200));
    await new Promise((r) => setTimeout(r, 120));
    client.send({ type: 'session.close', event_id: 'bye' });
    const closed = await client.next('session.closed');
    expect(closed).toMatchObject({ reason: 'close_requested', client_event_id: 'bye', session: { status: 'active' } });
    expect((closed.usage as { seconds: number }).seconds).toBeGreaterThanOrEqual(0.1);
    expect((await client.closed).code).toBe(1000);
    expect(sim().liveSessions[0]!.state).toBe('closed');
  });
});
