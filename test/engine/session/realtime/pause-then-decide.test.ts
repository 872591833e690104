import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sessionUpdate } from '../../../../src/engine/session/realtime/session-config';
import { parseSettings, type SettingsInput } from '../../../../src/engine/settings';
import type { RealtimeClientEvent } from 'openai/resources/realtime/realtime';
import { specValidator } from '../../../../src/simulator/realtime/spec/validator';
import { audio, turnRig } from './helpers/turns';

async function rig(overrides: SettingsInput = {}) {
  const settings = parseSettings({
    interruption: { mode: 'pause-then-decide', minSpeechMs: 400 },
    turnDetection: { mode: 'server_vad', silenceDurationMs: 500 },
    ...overrides,
  });
  const r = turnRig(settings);
  const { sent, player, output, conversation, server } = r;
  await player.attach(output);
  conversation.connecting();
  conversation.connected();
  sent.length = 0;
  const user = {
    started: (item: string, atMs: number) => server({ type: 'input_audio_buffer.speech_started', item_id: item, audio_start_ms: atMs }),
    stopped: (item: string, atMs: number) => server({ type: 'input_audio_buffer.speech_stopped', item_id: item, audio_end_ms: atMs }),
    committed: (item: string) => server({ type: 'input_audio_buffer.committed', item_id: item, previous_item_id: null }),
    delta: (item: string, delta: string) => server({ type: 'conversation.item.input_audio_transcription.delta', item_id: item, content_index: 0, delta }),
    transcript: (item: string, transcript: string) =>
      server({ type: 'conversation.item.input_audio_transcription.completed', item_id: item, content_index: 0, transcript, usage: { type: 'duration', seconds: 1 } }),
  };
  /** A 3 s reply, fully received, with `playMs` of it heard. */
  const replyPlaying = (playMs: number) => {
    server({ type: 'response.created', response: { id: 'resp_1', object: 'realtime.response', status: 'in_progress', output: [] } });
    server({ type: 'response.output_audio.delta', response_id: 'resp_1', item_id: 'item_a', output_index: 0, content_index: 0, delta: audio(3000) });
    output.tick(playMs / 10);
  };
  return { ...r, user, replyPlaying };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("interruption mode 'pause-then-decide'", () => {
  it('turns the server off deciding: interrupt_response and create_response false (a valid GA session.update)', async () => {
    const { settings } = await rig();
    const update = sessionUpdate(settings);
    expect(specValidator('ga').validate('client', update)).toEqual({ ok: true });
    expect(update.session.type === 'realtime' && update.session.audio?.input?.turn_detection).toMatchObject({
      type: 'server_vad',
      interrupt_response: false,
      create_response: false,
    });
    const semantic = sessionUpdate((await rig({ turnDetection: { mode: 'semantic_vad' } })).settings);
    expect(semantic.session.type === 'realtime' && semantic.session.audio?.input?.turn_detection).toMatchObject({ interrupt_response: false, create_response: false });
    const immediate = sessionUpdate((await rig({ interruption: { mode: 'immediate' } })).settings);
    // Immediate is the protocol's default: the flags are left out.
    const flags = immediate.session.type === 'realtime' ? immediate.session.audio?.input?.turn_detection : undefined;
    expect(flags).not.toHaveProperty('interrupt_response');
    expect(flags).not.toHaveProperty('create_response');
  });

  it('a cough: the reply fades out within 20 ms, holds, and resumes where it stopped; nothing is cancelled, truncated or answered', async () => {
    const r = await rig();
    r.replyPlaying(1000);
    r.user.started('item_u', 5000);
    const [fade, ...held] = r.output.tick(30);
    expect(fade).toBeGreaterThan(0); // the fade itself (5 ms)
    expect(held.every((p) => p === 0)).toBe(true); // silent from the second frame on
    const playedAtPause = r.player.playedMs('item_a');
    expect(playedAtPause).toBeLessThanOrEqual(1020);

    r.user.stopped('item_u', 5250); // 250 ms < minSpeechMs
    r.user.committed('item_u');
    r.user.transcript('item_u', '(0.3 s of speech)');
    expect(r.player.isPaused).toBe(false);
    const after = r.output.tick(220);
    expect(after.slice(1, 190).every((p) => p > 0)).toBe(true);
    // Every received sample was played: it continued where it paused, nothing skipped.
    expect(r.player.playedMs('item_a')).toBe(3000);
    expect(r.types()).toEqual([]);
    expect(r.events.some((e) => e.type === 'interrupted')).toBe(false);
    expect(r.states().slice(-2)).toEqual(['user-speaking', 'speaking']);
  });

  it.each([['Mm-hmm.'], ['[cough]'], ['uh-huh'], ['']])('a transcript of %j is not an interruption', async (text) => {
    const r = await rig();
    r.replyPlaying(500);
    r.user.started('item_u', 5000);
    r.output.tick(5);
    r.user.stopped('item_u', 5200);
    r.user.committed('item_u');
    r.user.transcript('item_u', text);
    expect(r.player.isPaused).toBe(false);
    expect(r.types()).toEqual([]);
  });

  it('long speech (no speech_stopped after minSpeechMs + the silence window): cancel, truncate at the pause point, then answer the turn', async () => {
    const r = await rig();
    r.server({ type: 'response.created', response: { id: 'resp_1', object: 'realtime.response', status: 'in_progress', output: [] } });
    r.server({ type: 'response.output_audio.delta', response_id: 'resp_1', item_id: 'item_a', output_index: 0, content_index: 0, delta: audio(3000) });
    r.output.tick(120);
    r.user.started('item_u', 5000);
    r.output.tick(40); // paused: 400 ms of silence pass
    vi.advanceTimersByTime(899);
    expect(r.types()).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(r.types()).toEqual(['response.cancel', 'conversation.item.truncate']);
    const truncate = r.sent[1] as Extract<RealtimeClientEvent, { type: 'conversation.item.truncate' }>;
    // What was heard up to the pause (the 5 ms fade included), not the silence after it.
    expect(truncate.audio_end_ms).toBeGreaterThanOrEqual(1200);
    expect(truncate.audio_end_ms).toBeLessThanOrEqual(1210);
    expect(r.events.find((e) => e.type === 'interrupted')).toMatchObject({ itemId: 'item_a', reason: 'barge-in', playedMs: truncate.audio_end_ms });
    expect(r.output.tick(10).every((p) => p === 0)).toBe(true);
    r.user.stopped('item_u', 7000);
    r.user.committed('item_u');
    expect(r.types()).toEqual(['response.cancel', 'conversation.item.truncate', 'response.create']);
  });

  it('speech_stopped reporting at least minSpeechMs of speech confirms at once', async () => {
    const r = await rig();
    r.replyPlaying(800);
    r.user.started('item_u', 5000);
    r.output.tick(3);
    r.user.stopped('item_u', 5400);
    expect(r.types()).toEqual(['response.cancel', 'conversation.item.truncate']);
    r.user.committed('item_u');
    expect(r.types()).toContain('response.create');
  });

  it('short speech with transcribed words ("Stop.") is real: cut when the words arrive, then answered', async () => {
    const r = await rig();
    r.replyPlaying(800);
    r.user.started('item_u', 5000);
    r.output.tick(3);
    r.user.stopped('item_u', 5300);
    r.user.committed('item_u');
    expect(r.types()).toEqual([]);
    r.user.delta('item_u', 'Stop.');
    expect(r.types()).toEqual(['response.cancel', 'conversation.item.truncate', 'response.create']);
    expect(r.player.isPlaying).toBe(false);
  });

  it('a sound note streamed word by word stays a sound note', async () => {
    const r = await rig();
    r.replyPlaying(800);
    r.user.started('item_u', 5000);
    r.user.stopped('item_u', 5300);
    r.user.committed('item_u');
    for (const word of ['(0.3', ' s', ' of', ' speech)']) r.user.delta('item_u', word);
    expect(r.types()).toEqual([]);
    expect(r.player.isPaused).toBe(true);
    r.user.transcript('item_u', '(0.3 s of speech)');
    expect(r.player.isPaused).toBe(false);
  });

  it('no transcript within 1 s of a short utterance: the reply resumes', async () => {
    const r = await rig();
    r.replyPlaying(800);
    r.user.started('item_u', 5000);
    r.user.stopped('item_u', 5200);
    r.user.committed('item_u');
    vi.advanceTimersByTime(999);
    expect(r.player.isPaused).toBe(true);
    vi.advanceTimersByTime(1);
    expect(r.player.isPaused).toBe(false);
    expect(r.types()).toEqual([]);
  });

  it('speaking again while a short utterance waits for its transcript is real', async () => {
    const r = await rig();
    r.replyPlaying(800);
    r.user.started('item_u', 5000);
    r.user.stopped('item_u', 5200);
    r.user.committed('item_u');
    r.user.started('item_v', 5600);
    expect(r.types()).toEqual(['response.cancel', 'conversation.item.truncate', 'response.create']);
  });

  it('the interrupt button while on hold cuts at once and the held turn is answered when it commits', async () => {
    const r = await rig();
    r.replyPlaying(800);
    r.user.started('item_u', 5000);
    r.output.tick(2);
    expect(r.conversation.interrupt('user')).toBe(true);
    expect(r.types()).toEqual(['response.cancel', 'conversation.item.truncate']);
    vi.advanceTimersByTime(5000); // the hold's timer is gone
    expect(r.types()).toEqual(['response.cancel', 'conversation.item.truncate']);
    r.user.stopped('item_u', 5100);
    r.user.committed('item_u');
    expect(r.types()).toEqual(['response.cancel', 'conversation.item.truncate', 'response.create']);
  });

  it('speech while nothing plays is an ordinary turn: no hold, and the client asks for the reply on commit', async () => {
    const r = await rig();
    r.user.started('item_u', 1000);
    expect(r.player.isPaused).toBe(false);
    r.user.stopped('item_u', 1200);
    r.user.committed('item_u');
    expect(r.types()).toEqual(['response.create']);
  });

  it("'immediate' mode still cuts on speech_started and leaves replies to the server", async () => {
    const r = await rig({ interruption: { mode: 'immediate' } });
    r.replyPlaying(800);
    r.user.started('item_u', 5000);
    expect(r.types()).toEqual(['response.cancel', 'conversation.item.truncate']);
    r.user.stopped('item_u', 5100);
    r.user.committed('item_u');
    expect(r.types()).toEqual(['response.cancel', 'conversation.item.truncate']);
  });
});
