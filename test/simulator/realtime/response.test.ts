import { describe, expect, it } from 'vitest';
import type { WireEvent } from '../../../src/engine/realtime/dialects/types';
import { audioDeltaType, deltaSamples, itemAddedType, transcriptDeltaType, transcriptDoneType, type TestClient } from './client';
import { concat, silence, tone } from '../signals';
import { useSimulator } from './helpers';
import { specValidator } from '../../../src/simulator/realtime/spec/validator';

const { start, connect, sim } = useSimulator();

async function manualTurns(client: TestClient): Promise<void> {
  client.send({ type: 'session.update', session: { type: 'realtime', audio: { input: { turn_detection: null } } } });
  await client.next('session.updated');
}

async function vadTurns(client: TestClient, interrupt_response: boolean): Promise<void> {
  client.send({
    type: 'session.update',
    session: { type: 'realtime', audio: { input: { turn_detection: { type: 'server_vad', interrupt_response } } } },
  });
  await client.next('session.updated');
}

/** Types received between two indexes of `client.received`. */
function typesBetween(client: TestClient, from: number, to: number): string[] {
  return client.received.slice(from, to).map((r) => r.event.type);
}

describe.each(['ga', 'beta'] as const)('responses (%s)', (dialect) => {
  const AUDIO_DELTA = audioDeltaType(dialect);

  it('manual turns: commit needs 100 ms of audio, commits without answering, response.create answers', async () => {
    await start();
    const client = await connect({ dialect });
    await manualTurns(client);

    client.send({ type: 'input_audio_buffer.commit', event_id: 'evt_commit_1' });
    const empty = await client.next('error');
    expect(empty.error).toMatchObject({ code: 'input_audio_buffer_commit_empty', event_id: 'evt_commit_1' });

    client.appendAudio(tone(50));
    client.send({ type: 'input_audio_buffer.commit' });
    const tooShort = await client.next('error');
    expect(tooShort.error).toMatchObject({ code: 'input_audio_buffer_commit_empty', message: expect.stringContaining('50.00ms') });

    client.appendAudio(concat(tone(900), silence(50)));
    client.send({ type: 'input_audio_buffer.commit' });
    const committed = await client.next('input_audio_buffer.committed');
    const added = await client.next(itemAddedType(dialect));
    expect(added.item).toMatchObject({ id: committed.item_id, role: 'user' });
    // No VAD, no automatic response: a later round trip arrives with no response before it.
    client.send({ type: 'input_audio_buffer.clear' });
    await client.next('input_audio_buffer.cleared');
    expect(client.all('response.created')).toHaveLength(0);
    expect(client.all('input_audio_buffer.speech_started')).toHaveLength(0);

    client.send({ type: 'response.create' });
    await client.next('response.created');
    const done = await client.next('response.done');
    expect(done.response).toMatchObject({ status: 'completed' });
    const transcript = client.all(transcriptDoneType(dialect))[0]!.transcript;
    expect(transcript).toBe('You said something 1.0 seconds long. I can only babble in reply.');
  });

  it('reports usage in full, as the service does: text and audio input, the cached part by modality (what the previous response read), text and audio output', async () => {
    await start({ replyMs: 600 });
    const client = await connect({ dialect });
    await manualTurns(client);
    const validator = specValidator(dialect);
    type Usage = {
      input_tokens: number;
      output_tokens: number;
      total_tokens: number;
      input_token_details: { text_tokens: number; audio_tokens: number; cached_tokens: number; cached_tokens_details: { text_tokens: number; audio_tokens: number } };
      output_token_details: { text_tokens: number; audio_tokens: number };
    };
    const usages: Usage[] = [];
    for (let turn = 0; turn < 2; turn++) {
      client.appendAudio(concat(tone(7950), silence(50)));
      client.send({ type: 'input_audio_buffer.commit' });
      await client.next('input_audio_buffer.committed');
      client.send({ type: 'response.create' });
      const done = await client.next('response.done');
      expect(validator.validate('server', done)).toEqual({ ok: true });
      usages.push((done.response as { usage: Usage }).usage);
    }
    for (const u of usages) {
      expect(u.input_token_details.text_tokens + u.input_token_details.audio_tokens).toBe(u.input_tokens);
      expect(u.output_token_details.text_tokens + u.output_token_details.audio_tokens).toBe(u.output_tokens);
      expect(u.input_token_details.cached_tokens).toBe(u.input_token_details.cached_tokens_details.text_tokens + u.input_token_details.cached_tokens_details.audio_tokens);
    }
    // 8 s of speech is 80 audio tokens: the first response reads them fresh, the second finds them cached (64-token blocks).
    expect(usages[0]!.input_token_details).toMatchObject({ audio_tokens: 80, cached_tokens: 0 });
    expect(usages[1]!.input_token_details.audio_tokens).toBe(160);
    expect(usages[1]!.input_token_details.cached_tokens_details.audio_tokens).toBe(64);
  });

  it('streams replyMs of audio in 50-100 ms deltas faster than real time, with the transcript interleaved', async () => {
    const replyMs = 3000;
    await start({ replyMs });
    const client = await connect({ dialect });
    await manualTurns(client);
    client.send({ type: 'response.create' });
    const created = await client.next('response.created');
    const done = await client.next('response.done');
    const first = client.received.findIndex((r) => r.event === created);
    const last = client.received.findIndex((r) => r.event === done);
    const elapsed = client.received[last]!.at - client.received[first]!.at;

    const deltas = client.all(AUDIO_DELTA);
    const samples = deltas.map(deltaSamples);
    expect(samples.reduce((a, b) => a + b, 0)).toBe(replyMs * 24);
    for (const n of samples.slice(0, -1)) {
      expect(n).toBeGreaterThanOrEqual(50 * 24);
      expect(n).toBeLessThanOrEqual(100 * 24);
    }
    // Faster than real time: 3 s of audio arrives in less than 3 s (about 0.8 s unloaded).
    expect(elapsed).toBeLessThan(replyMs);

    const responseId = (created.response as { id: string }).id;
    expect(deltas.every((d) => d.response_id === responseId)).toBe(true);
    const words = client.all(transcriptDeltaType(dialect)).map((d) => String(d.delta));
    const transcript = String(client.all(transcriptDoneType(dialect))[0]!.transcript);
    expect(words.join('')).toBe(transcript);
    expect(transcript).toBe('Hello from the Kaiwa simulator. I can only babble in reply.');
    // Interleaved: some transcript arrives before the last audio delta.
    const types = typesBetween(client, first, last + 1);
    expect(types.indexOf(transcriptDeltaType(dialect))).toBeLessThan(types.lastIndexOf(AUDIO_DELTA));

    const skeleton = types.filter((t) => t !== AUDIO_DELTA && t !== transcriptDeltaType(dialect));
    expect(skeleton).toEqual(
      dialect === 'ga'
        ? ['response.created', 'response.output_item.added', 'conversation.item.added', 'response.content_part.added',
          'response.output_audio.done', 'response.output_audio_transcript.done', 'response.content_part.done',
          'conversation.item.done', 'response.output_item.done', 'response.done']
        : ['response.created', 'response.output_item.added', 'conversation.item.created', 'response.content_part.added',
          'response.audio.done', 'response.audio_transcript.done', 'response.content_part.done',
          'response.output_item.done', 'response.done'],
    );

    const response = done.response as { status: string; output: Array<{ content: Array<{ transcript: string }> }>; usage: { input_tokens: number; output_tokens: number; total_tokens: number } };
    expect(response.status).toBe('completed');
    expect(response.output[0]!.content[0]!.transcript).toBe(transcript);
    expect(response.usage.output_tokens).toBeGreaterThan(0);
    expect(response.usage.total_tokens).toBe(response.usage.input_tokens + response.usage.output_tokens);
  });

  it('response.create during a response is refused; response.cancel stops it with status cancelled', async () => {
    await start({ replyMs: 3000, realtimeFactor: 2 });
    const client = await connect({ dialect });
    await manualTurns(client);
    client.send({ type: 'response.create' });
    await client.next(AUDIO_DELTA);
    client.send({ type: 'response.create', event_id: 'evt_second' });
    const busy = await client.next('error');
    expect(busy.error).toMatchObject({ code: 'conversation_already_has_active_response', event_id: 'evt_second' });

    client.send({ type: 'response.cancel' });
    const done = await client.next('response.done');
    expect(done.response).toMatchObject({ status: 'cancelled', status_details: { type: 'cancelled', reason: 'client_cancelled' } });
    const doneAt = client.received.findIndex((r) => r.event === done);
    const sent = client.all(AUDIO_DELTA).map(deltaSamples).reduce((a, b) => a + b, 0);
    expect(sent).toBeLessThan(3000 * 24);

    client.send({ type: 'response.cancel', event_id: 'evt_cancel_again' });
    const notActive = await client.next('error');
    expect(notActive.error).toMatchObject({ code: 'response_cancel_not_active', event_id: 'evt_cancel_again' });
    // Nothing of the cancelled response arrives after its response.done.
    expect(typesBetween(client, doneAt + 1, client.received.length)).toEqual(['rate_limits.updated', 'error']);
  });

  it('a text-only response streams text deltas and no audio', async () => {
    await start();
    const client = await connect({ dialect });
    client.send({ type: 'response.create', response: { output_modalities: ['text'] } });
    const done = await client.next('response.done');
    const textDelta = dialect === 'ga' ? 'response.output_text.delta' : 'response.text.delta';
    const textDone = dialect === 'ga' ? 'response.output_text.done' : 'response.text.done';
    const words = client.all(textDelta).map((e) => String(e.delta));
    expect(words.length).toBeGreaterThan(3);
    expect(client.all(textDone)[0]!.text).toBe(words.join(''));
    expect(client.all(AUDIO_DELTA)).toHaveLength(0);
    expect(done.response).toMatchObject({
      status: 'completed',
      output: [{ role: 'assistant', content: [{ type: dialect === 'ga' ? 'output_text' : 'text', text: words.join('') }] }],
    });
    await client.next('rate_limits.updated');
  });

  it('truncate: beyond the audio is an error, within it answers conversation.item.truncated', async () => {
    await start({ replyMs: 1000 });
    const client = await connect({ dialect });
    await manualTurns(client);
    client.send({ type: 'response.create' });
    const done = await client.next('response.done');
    const itemId = (done.response as { output: Array<{ id: string }> }).output[0]!.id;

    client.send({ type: 'conversation.item.truncate', item_id: itemId, content_index: 0, audio_end_ms: 1500, event_id: 'evt_t1' });
    const beyond = await client.next('error');
    expect(beyond.error).toMatchObject({ type: 'invalid_request_error', param: 'audio_end_ms', event_id: 'evt_t1' });
    expect(String((beyond.error as { message: string }).message)).toContain('1000ms');

    client.send({ type: 'conversation.item.truncate', item_id: 'item_nope', content_index: 0, audio_end_ms: 10 });
    const unknown = await client.next('error');
    expect(unknown.error).toMatchObject({ code: 'item_not_found', param: 'item_id' });

    client.send({ type: 'conversation.item.truncate', item_id: itemId, content_index: 0, audio_end_ms: 400 });
    const truncated = await client.next('conversation.item.truncated');
    expect(truncated).toMatchObject({ item_id: itemId, content_index: 0, audio_end_ms: 400 });
    // The item is now 400 ms long.
    client.send({ type: 'conversation.item.truncate', item_id: itemId, content_index: 0, audio_end_ms: 401 });
    expect((await client.next('error')).error).toMatchObject({ param: 'audio_end_ms' });
  });

  it('interrupt_response: speech during a response cancels it (turn_detected)', async () => {
    await start({ replyMs: 3000, realtimeFactor: 2 });
    const client = await connect({ dialect });
    await vadTurns(client, true);
    client.appendAudio(concat(tone(600), silence(300)));
    const created = await client.next('response.created');
    await client.next(AUDIO_DELTA);
    client.appendAudio(tone(300));
    const barge = await client.next('input_audio_buffer.speech_started');
    const done = await client.next('response.done');
    expect(client.received.findIndex((r) => r.event === barge)).toBeLessThan(client.received.findIndex((r) => r.event === done));
    expect(done.response).toMatchObject({
      id: (created.response as { id: string }).id,
      status: 'cancelled',
      status_details: { type: 'cancelled', reason: 'turn_detected' },
    });
  });

  it('interrupt_response false: speech during a response lets it finish', async () => {
    await start({ replyMs: 3000, realtimeFactor: 2 });
    const client = await connect({ dialect });
    await vadTurns(client, false);
    client.appendAudio(concat(tone(600), silence(300)));
    await client.next('response.created');
    await client.next(AUDIO_DELTA);
    client.appendAudio(tone(300));
    await client.next('input_audio_buffer.speech_started');
    const done = await client.next('response.done');
    expect(done.response).toMatchObject({ status: 'completed' });
  });
});

describe('recording', () => {
  it('keeps every client event with its receive time, and every frame sent', async () => {
    await start({ replyMs: 200 });
    const client = await connect();
    client.send({ type: 'input_audio_buffer.append', audio: Buffer.alloc(960).toString('base64') });
    client.send({ type: 'response.create', event_id: 'evt_rec' });
    await client.next('response.done');
    const session = sim().sessions[0]!;
    expect(session.received.map((r) => (r.event as WireEvent).type)).toEqual(['input_audio_buffer.append', 'response.create']);
    expect((session.received[1]!.event as WireEvent).event_id).toBe('evt_rec');
    expect(session.received[1]!.at).toBeGreaterThanOrEqual(session.received[0]!.at);
    expect(session.sent.map((r) => (r.event as WireEvent).type)).toEqual(client.types());
    expect(session.inputMs).toBe(20);
  });

  it('keeps no more than the record limit', async () => {
    await start({ record: 2 });
    const client = await connect();
    for (let i = 0; i < 3; i++) client.send({ type: 'input_audio_buffer.clear' });
    await client.next((e) => e.type === 'input_audio_buffer.cleared' && client.all('input_audio_buffer.cleared').length === 3);
    const session = sim().sessions[0]!;
    expect(session.received).toHaveLength(2);
    expect(session.sent).toHaveLength(2);
  });
});
