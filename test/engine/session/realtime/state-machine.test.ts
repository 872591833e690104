import { describe, expect, it } from 'vitest';
import { sessionUpdate } from '../../../../src/engine/session/realtime/session-config';
import { DEFAULT_SETTINGS, parseSettings, type SettingsInput } from '../../../../src/engine/settings';
import { audio, turnRig } from './helpers/turns';

function rig(overrides: SettingsInput = {}) {
  const r = turnRig(parseSettings({ ...DEFAULT_SETTINGS, ...overrides }));
  const { server } = r;
  const reply = {
    created: (id = 'resp_1') => server({ type: 'response.created', response: { id, object: 'realtime.response', status: 'in_progress', output: [] } }),
    delta: (ms: number, item = 'item_a', response = 'resp_1') =>
      server({ type: 'response.output_audio.delta', response_id: response, item_id: item, output_index: 0, content_index: 0, delta: audio(ms) }),
    audioDone: (item = 'item_a', response = 'resp_1') =>
      server({ type: 'response.output_audio.done', response_id: response, item_id: item, output_index: 0, content_index: 0 }),
    done: (id = 'resp_1', status = 'completed') =>
      server({
        type: 'response.done',
        response: { id, object: 'realtime.response', status, output: [], usage: { total_tokens: 30, input_tokens: 10, output_tokens: 20, input_token_details: { audio_tokens: 8 }, output_token_details: { audio_tokens: 15 } } },
      }),
  };
  return { ...r, reply };
}

async function started(overrides: SettingsInput = {}) {
  const r = rig(overrides);
  await r.player.attach(r.output);
  // What RealtimeSession does once connected.
  r.sent.push(sessionUpdate(r.settings));
  r.conversation.connecting();
  r.events.length = 0; // the session's connecting phase is not what these tests watch
  r.conversation.connected();
  return r;
}

describe('a reply', () => {
  it('plays its audio deltas, goes thinking -> speaking -> listening, and reports transcripts and usage', async () => {
    const r = await started();
    r.server({ type: 'input_audio_buffer.speech_started', audio_start_ms: 0, item_id: 'user_1' });
    r.server({ type: 'input_audio_buffer.speech_stopped', audio_end_ms: 900, item_id: 'user_1' });
    r.server({ type: 'conversation.item.input_audio_transcription.delta', item_id: 'user_1', content_index: 0, delta: 'hi ' });
    r.server({ type: 'conversation.item.input_audio_transcription.completed', item_id: 'user_1', content_index: 0, transcript: 'hi there', usage: { type: 'duration', seconds: 1 } });
    r.reply.created();
    r.reply.delta(150);
    r.server({ type: 'response.output_audio_transcript.delta', response_id: 'resp_1', item_id: 'item_a', output_index: 0, content_index: 0, delta: 'Hello' });
    const peaks = r.output.tick(10);
    expect(peaks.every((p) => p > 10_000)).toBe(true);
    r.reply.audioDone();
    r.server({ type: 'response.output_audio_transcript.done', response_id: 'resp_1', item_id: 'item_a', output_index: 0, content_index: 0, transcript: 'Hello!' });
    r.reply.done();
    expect(r.conversation.state).toBe('speaking');
    expect(r.output.tick(6)).toEqual([12_000, 12_000, 12_000, 12_000, 12_000, 0]);
    expect(r.conversation.state).toBe('listening');
    expect(r.states()).toEqual(['listening', 'user-speaking', 'thinking', 'speaking', 'listening']);
    expect(r.events).toContainEqual({ type: 'transcript.delta', speaker: 'user', itemId: 'user_1', delta: 'hi ' });
    expect(r.events).toContainEqual({ type: 'transcript.final', speaker: 'user', itemId: 'user_1', text: 'hi there' });
    expect(r.events).toContainEqual({ type: 'transcript.delta', speaker: 'assistant', itemId: 'item_a', delta: 'Hello' });
    expect(r.events).toContainEqual({ type: 'transcript.final', speaker: 'assistant', itemId: 'item_a', text: 'Hello!' });
    expect(r.events).toContainEqual({
      type: 'usage',
      responseId: 'resp_1',
      usage: { inputTokens: 10, outputTokens: 20, totalTokens: 30, inputAudioTokens: 8, outputAudioTokens: 15 },
    });
    expect(r.types()).toEqual(['session.update']);
  });

  it('reports a server error event without ending the conversation, and ignores the cancel race', async () => {
    const r = await started();
    r.server({ type: 'error', error: { type: 'invalid_request_error', code: 'invalid_value', message: 'Bad thing.' } });
    r.server({ type: 'error', error: { type: 'invalid_request_error', code: 'response_cancel_not_active', message: 'no active response' } });
    expect(r.events.filter((e) => e.type === 'error')).toEqual([
      { type: 'error', code: 'server', fatal: false, key: 'error.serverSaid', params: { detail: 'Bad thing. (invalid_value)' } },
    ]);
    r.reply.created();
    r.reply.delta(50);
    expect(r.output.tick(5).every((p) => p > 10_000)).toBe(true);
  });

  it('reports undecodable audio as a non-fatal protocol error and plays nothing of it', async () => {
    const r = await started();
    r.reply.created();
    r.server({ type: 'response.output_audio.delta', response_id: 'resp_1', item_id: 'item_a', output_index: 0, content_index: 0, delta: '***' });
    expect(r.events.at(-1)).toMatchObject({ type: 'error', code: 'protocol', fatal: false, key: 'error.badAudio' });
    expect(r.output.tick(3)).toEqual([0, 0, 0]);
  });
});

describe('barge-in', () => {
  it('on speech_started: silence first, then response.cancel, then truncate at the played position; late deltas dropped', async () => {
    const r = await started();
    r.reply.created();
    r.reply.delta(500);
    r.output.tick(23); // 230 ms heard
    r.server({ type: 'input_audio_buffer.speech_started', audio_start_ms: 1000, item_id: 'user_2' });
    expect(r.output.tick(1)).toEqual([0]); // the very next frame is silent
    expect(r.types()).toEqual(['session.update', 'response.cancel', 'conversation.item.truncate']);
    expect(r.sent[1]).toEqual({ type: 'response.cancel', response_id: 'resp_1' });
    expect(r.sent[2]).toEqual({ type: 'conversation.item.truncate', item_id: 'item_a', content_index: 0, audio_end_ms: 230 });
    expect(r.events).toContainEqual({ type: 'interrupted', itemId: 'item_a', reason: 'barge-in', playedMs: 230, receivedMs: 500 });
    expect(r.states().slice(-3)).toEqual(['speaking', 'interrupted', 'user-speaking']);

    r.reply.delta(200); // still in flight when the cancel crossed it
    r.reply.done('resp_1', 'cancelled');
    expect(r.output.tick(30).every((p) => p === 0)).toBe(true);
    expect(r.conversation.state).toBe('user-speaking');
  });

  it('after response.done but mid-playback: no cancel, truncate at the played position', async () => {
    const r = await started();
    r.reply.created();
    r.reply.delta(300);
    r.reply.audioDone();
    r.reply.done();
    r.output.tick(12);
    expect(r.conversation.interrupt()).toBe(true);
    expect(r.types()).toEqual(['session.update', 'conversation.item.truncate']);
    expect(r.sent[1]).toMatchObject({ item_id: 'item_a', audio_end_ms: 120 });
    expect(r.events).toContainEqual({ type: 'interrupted', itemId: 'item_a', reason: 'user', playedMs: 120, receivedMs: 300 });
    expect(r.states().slice(-2)).toEqual(['interrupted', 'listening']);
    expect(r.output.tick(1)).toEqual([0]);
  });

  it('is a no-op once the reply was heard entirely, and when nothing was ever said', async () => {
    const r = await started();
    expect(r.conversation.interrupt()).toBe(false);
    r.reply.created();
    r.reply.delta(100);
    r.reply.audioDone();
    r.reply.done();
    r.output.tick(15);
    expect(r.conversation.state).toBe('listening');
    const before = r.events.length;
    expect(r.conversation.interrupt()).toBe(false);
    r.server({ type: 'input_audio_buffer.speech_started', audio_start_ms: 5000, item_id: 'user_3' });
    expect(r.types()).toEqual(['session.update']);
    expect(r.events.slice(before)).toEqual([{ type: 'state', state: 'user-speaking' }]);
  });

  it('while the reply is still being generated and nothing was played: cancel only, and its audio never plays', async () => {
    const r = await started();
    r.reply.created();
    expect(r.conversation.interrupt()).toBe(true);
    expect(r.types()).toEqual(['session.update', 'response.cancel']);
    r.reply.delta(100);
    expect(r.output.tick(5).every((p) => p === 0)).toBe(true);
  });
});

describe('push-to-talk (manual turn detection)', () => {
  it('startTalking cuts playback and clears the input buffer; stopTalking commits and asks for a reply', async () => {
    const r = await started({ turnDetection: { mode: 'manual' } });
    expect(r.conversation.acceptsAudio).toBe(false);
    r.reply.created();
    r.reply.delta(400);
    r.output.tick(10);
    r.conversation.startTalking();
    expect(r.conversation.acceptsAudio).toBe(true);
    expect(r.types()).toEqual(['session.update', 'response.cancel', 'conversation.item.truncate', 'input_audio_buffer.clear']);
    expect(r.sent[2]).toMatchObject({ audio_end_ms: 100 });
    expect(r.conversation.state).toBe('user-speaking');
    r.conversation.stopTalking();
    expect(r.types().slice(-2)).toEqual(['input_audio_buffer.commit', 'response.create']);
    expect(r.conversation.state).toBe('thinking');
    expect(r.conversation.acceptsAudio).toBe(false);
    r.conversation.stopTalking(); // a second release does nothing
    expect(r.types()).toHaveLength(6);
  });

  it('mute stops microphone audio in every mode', async () => {
    const r = await started();
    expect(r.conversation.acceptsAudio).toBe(true);
    r.conversation.setMuted(true);
    expect(r.conversation.acceptsAudio).toBe(false);
    expect(r.conversation.muted).toBe(true);
    r.conversation.setMuted(false);
    expect(r.conversation.acceptsAudio).toBe(true);
  });
});

describe('a reminder (a timer firing, issue 13)', () => {
  it('waits for the reply in progress to be heard, then goes in as a system item with a request for a reply', async () => {
    const r = await started();
    r.reply.created();
    r.reply.delta(100);
    r.output.tick(2);
    expect(r.conversation.state).toBe('speaking');
    r.conversation.remind('The timer "tea" went off.');
    expect(r.types()).toEqual(['session.update']);
    r.reply.audioDone();
    r.reply.done();
    r.output.tick(12);
    expect(r.conversation.state).toBe('thinking');
    expect(r.types()).toEqual(['session.update', 'conversation.item.create', 'response.create']);
    expect(r.sent[1]).toEqual({ type: 'conversation.item.create', item: { type: 'message', role: 'system', content: [{ type: 'input_text', text: 'The timer "tea" went off.' }] } });
    expect(r.states()).toEqual(['listening', 'thinking', 'speaking', 'listening', 'thinking']);
  });

  it('goes in at once when the conversation is quiet, one at a time', async () => {
    const r = await started();
    r.conversation.remind('first');
    r.conversation.remind('second');
    expect(r.types()).toEqual(['session.update', 'conversation.item.create', 'response.create']);
    r.reply.created();
    r.reply.done();
    expect(r.types()).toEqual(['session.update', 'conversation.item.create', 'response.create', 'conversation.item.create', 'response.create']);
  });
});

describe('a picture after the commit (issue 23)', () => {
  const commit = (r: Awaited<ReturnType<typeof started>>) => {
    r.server({ type: 'input_audio_buffer.speech_started', audio_start_ms: 0, item_id: 'user_1' });
    r.server({ type: 'input_audio_buffer.speech_stopped', audio_end_ms: 900, item_id: 'user_1' });
    r.server({ type: 'input_audio_buffer.committed', item_id: 'user_1', previous_item_id: null });
  };

  it('before the answer is created: the answer, once created, is cancelled and asked again, without a trip to listening', async () => {
    const r = await started();
    commit(r);
    r.sent.length = 0;
    r.conversation.picture('pic_1', 'data:image/jpeg;base64,AAAA');
    r.reply.created('resp_1');
    r.reply.done('resp_1', 'cancelled');
    expect(r.types()).toEqual(['conversation.item.create', 'response.cancel', 'response.create']);
    expect(r.sent[1]).toMatchObject({ response_id: 'resp_1' });
    expect(r.conversation.state).toBe('thinking');
    r.reply.created('resp_2');
    r.reply.delta(100, 'item_b', 'resp_2');
    r.output.tick(1);
    expect(r.conversation.state).toBe('speaking');
    expect(r.states()).toEqual(['listening', 'user-speaking', 'thinking', 'speaking']);
  });

  it('once the answer has audio, the picture is for the next turn: nothing is cancelled', async () => {
    const r = await started();
    commit(r);
    r.reply.created('resp_1');
    r.reply.delta(100);
    r.sent.length = 0;
    r.conversation.picture('pic_1', 'data:image/jpeg;base64,AAAA');
    expect(r.types()).toEqual(['conversation.item.create']);
  });

  it('while listening, the picture simply goes in (it comes before the next commit)', async () => {
    const r = await started();
    r.sent.length = 0;
    r.conversation.picture('pic_1', 'data:image/jpeg;base64,AAAA');
    r.reply.created('resp_1');
    expect(r.types()).toEqual(['conversation.item.create']);
    expect(r.sent[0]).toMatchObject({ item: { id: 'pic_1', type: 'message', role: 'user', content: [{ type: 'input_image', image_url: 'data:image/jpeg;base64,AAAA', detail: 'auto' }] } });
  });
});
