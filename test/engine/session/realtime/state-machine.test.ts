import { describe, expect, it } from 'vitest';
import type { RealtimeClientEvent, RealtimeServerEvent } from 'openai/resources/realtime/realtime';
import { Conversation } from '../../../../src/engine/session/realtime/state-machine';
import { Player } from '../../../../src/engine/audio/player';
import { pcm16ToBase64 } from '../../../../src/engine/audio/pcm';
import { DEFAULT_SETTINGS, parseSettings, type SettingsInput } from '../../../../src/engine/settings';
import type { AssistantEvent } from '../../../../src/engine/events';
import type { FrameSource, OutputDevice } from '../../../../src/engine/audio/devices/types';
import { specValidator } from '../../../../src/engine/realtime/spec/validator';

/** An output device the test clocks by hand: each `tick()` is one 10 ms frame pulled and heard. */
class HandClockedOutput implements OutputDevice {
  readonly name = 'hand-clocked';
  private pull: FrameSource | null = null;
  readonly heard: number[] = [];

  async start(pull: FrameSource): Promise<void> {
    this.pull = pull;
  }
  async stop(): Promise<void> {
    this.pull = null;
  }
  latencyMs(): number {
    return 0;
  }
  positionMs(): number {
    return this.heard.length * 10;
  }
  /** Pulls `frames` frames; returns the peak absolute sample of each. */
  tick(frames = 1): number[] {
    const peaks: number[] = [];
    for (let f = 0; f < frames; f++) {
      const frame = this.pull!();
      let peak = 0;
      for (let i = 0; i < frame.length; i++) peak = Math.max(peak, Math.abs(frame[i]!));
      peaks.push(peak);
      this.heard.push(peak);
    }
    return peaks;
  }
}

/** `ms` of a loud square wave, base64 as the server sends it. */
function audio(ms: number, amplitude = 12_000): string {
  const pcm = new Int16Array((ms * 24_000) / 1000);
  for (let i = 0; i < pcm.length; i++) pcm[i] = (i >> 5) % 2 === 0 ? amplitude : -amplitude;
  return pcm16ToBase64(pcm);
}

let counter = 0;
const eid = () => `event_${++counter}`;

function rig(overrides: SettingsInput = {}) {
  const settings = parseSettings({ ...DEFAULT_SETTINGS, ...overrides });
  const sent: RealtimeClientEvent[] = [];
  const events: AssistantEvent[] = [];
  const player = new Player();
  const output = new HandClockedOutput();
  const conversation = new Conversation({ settings, send: (e) => sent.push(e), player, emit: (e) => events.push(e) });
  player.on('item-started', (id: string) => conversation.playbackStarted(id));
  player.on('item-finished', (id: string) => conversation.playbackFinished(id));
  player.on('idle', () => conversation.playbackIdle());
  const server = (event: Record<string, unknown>) =>
    conversation.handleServerEvent({ event_id: eid(), ...event } as unknown as RealtimeServerEvent);
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
  const states = () => events.filter((e) => e.type === 'state').map((e) => (e as { state: string }).state);
  const types = () => sent.map((e) => e.type);
  return { settings, sent, events, player, output, conversation, server, reply, states, types };
}

async function started(overrides: SettingsInput = {}) {
  const r = rig(overrides);
  await r.player.attach(r.output);
  r.conversation.start();
  return r;
}

describe('session.update', () => {
  it('is a valid GA event carrying voice, instructions, transcription, 24 kHz PCM and server VAD with interrupt_response', () => {
    const { conversation } = rig({
      voice: 'cedar',
      instructions: 'Be brief.',
      transcriptionModel: 'whisper-1',
      turnDetection: { mode: 'server_vad', threshold: 0.7, silenceDurationMs: 650, prefixPaddingMs: 250 },
    });
    const update = conversation.sessionUpdate();
    expect(specValidator('ga').validate('client', update)).toEqual({ ok: true });
    expect(update.session).toMatchObject({
      type: 'realtime',
      instructions: 'Be brief.',
      audio: {
        input: {
          format: { type: 'audio/pcm', rate: 24_000 },
          transcription: { model: 'whisper-1' },
          turn_detection: { type: 'server_vad', threshold: 0.7, silence_duration_ms: 650, prefix_padding_ms: 250, interrupt_response: true },
        },
        output: { format: { type: 'audio/pcm', rate: 24_000 }, voice: 'cedar' },
      },
    });
  });

  it('uses semantic VAD with its eagerness, and no turn detection at all in manual mode', () => {
    const semantic = rig({ turnDetection: { mode: 'semantic_vad', eagerness: 'high' } }).conversation.sessionUpdate();
    expect(specValidator('ga').validate('client', semantic)).toEqual({ ok: true });
    expect(semantic.session.type === 'realtime' && semantic.session.audio?.input?.turn_detection).toEqual({
      type: 'semantic_vad',
      eagerness: 'high',
      create_response: true,
      interrupt_response: true,
    });
    const manual = rig({ turnDetection: { mode: 'manual' } }).conversation.sessionUpdate();
    expect(specValidator('ga').validate('client', manual)).toEqual({ ok: true });
    expect(manual.session.type === 'realtime' && manual.session.audio?.input?.turn_detection).toBeNull();
  });

  it('is re-sent on a settings change only while connected', () => {
    const r = rig();
    r.conversation.updateSettings(parseSettings({ voice: 'ash' }), false);
    expect(r.sent).toHaveLength(0);
    r.conversation.updateSettings(parseSettings({ voice: 'ash' }), true);
    expect(r.sent).toHaveLength(1);
    expect(r.sent[0]).toMatchObject({ type: 'session.update', session: { audio: { output: { voice: 'ash' } } } });
  });
});

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
      { type: 'error', code: 'server', message: 'Bad thing. (invalid_value)', fatal: false },
    ]);
    r.reply.created();
    r.reply.delta(50);
    expect(r.output.tick(5).every((p) => p > 10_000)).toBe(true);
  });

  it('reports undecodable audio as a non-fatal protocol error and plays nothing of it', async () => {
    const r = await started();
    r.reply.created();
    r.server({ type: 'response.output_audio.delta', response_id: 'resp_1', item_id: 'item_a', output_index: 0, content_index: 0, delta: '***' });
    expect(r.events.at(-1)).toMatchObject({ type: 'error', code: 'protocol', fatal: false });
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
