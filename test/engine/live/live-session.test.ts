import { describe, expect, it } from 'vitest';
import { pcm16ToBase64 } from '../../../src/engine/audio/pcm';
import { ReplayRecord } from '../../../src/engine/session/replay-record';
import { createI18n, saidWords } from '../../../src/shared/i18n';
import { TURN_END_MS } from '../../../src/engine/session/live/live-session';
import { sessionClosed } from './helpers/live-server';
import { openedSessions, speak } from './helpers/opened-session';
import { sleep, voice } from './helpers/session-harness';

const started = openedSessions();

describe('LiveSession over a real socket', () => {
  it('a conversation: session.start first with model, voice and 24 kHz PCM; mic streamed; both sides shown live and made final', async () => {
    const { h, socket } = await started({ voice: 'shida', instructions: 'Speak Japanese.' });
    const start = socket.frames[0] as unknown as { type: string; session: Record<string, unknown> };
    expect(start.type).toBe('session.start');
    expect(start.session).toMatchObject({
      model: 'gpt-live-1',
      instructions: 'Speak Japanese.',
      audio: { format: { type: 'audio/pcm', rate: 24000 }, output: { voice: 'shida' } },
    });
    expect(start.session.input).toBeUndefined();
    expect(h.session.state).toBe('listening');

    h.session.sendAudio(voice(40));
    await socket.next('session.input_audio.append');
    socket.send({ type: 'session.input_transcript.delta', event_id: 'u1', delta: 'こんにちは', start_ms: 100, end_ms: 600 });
    await h.next('state', (e) => e.state === 'user-speaking');
    const reply = speak(socket, 400, 40, ['はい、', 'こんにちは。']);
    // The model answering makes the user's line final.
    const userFinal = await h.next('transcript.final', (e) => e.speaker === 'user');
    expect(userFinal.text).toBe('こんにちは');
    await h.next('state', (e) => e.state === 'speaking');
    await reply.done;
    const final = await h.next('transcript.final', (e) => e.speaker === 'assistant', TURN_END_MS + 1_500);
    expect(final.text).toBe('はい、 こんにちは。 ');
    await h.next('state', (e) => e.state === 'listening' && h.events.indexOf(e) > h.events.indexOf(final) - 5);
    expect(h.record.replay()).toEqual([
      { speaker: 'user', text: 'こんにちは' },
      { speaker: 'assistant', text: 'はい、 こんにちは。' },
    ]);
    expect(h.events.some((e) => e.type === 'interrupted')).toBe(false);
  });

  it('voice barge-in: when the model stops under the user, what is still queued stops at once', async () => {
    const { h, socket } = await started();
    // The server sends 1.2 s of reply ahead (a burst), then abandons the turn: the user spoke.
    socket.send({ type: 'session.output_audio.delta', delta: pcm16ToBase64(voice(1200)) });
    await h.next('state', (e) => e.state === 'speaking');
    await sleep(100);
    const userSpeaks = setInterval(() => h.session.sendAudio(voice(40)), 40);
    const t0 = performance.now();
    try {
      const cut = await h.next('interrupted');
      const after = performance.now() - t0;
      expect(cut.reason).toBe('barge-in');
      expect(cut.receivedMs).toBe(1200);
      expect(cut.playedMs).toBeLessThan(700);
      expect(h.player.isPlaying).toBe(false);
      // Far sooner than the ~1 s the queue still held.
      expect(after).toBeLessThan(500);
    } finally {
      clearInterval(userSpeaks);
    }
  });

  it('the user speaking over a reply that goes on is not a barge-in (full duplex: the model decides)', async () => {
    const { h, socket } = await started();
    const reply = speak(socket, 800);
    await h.next('state', (e) => e.state === 'speaking');
    const userSpeaks = setInterval(() => h.session.sendAudio(voice(40)), 40);
    await reply.done;
    clearInterval(userSpeaks);
    expect(h.events.filter((e) => e.type === 'interrupted').length).toBeLessThanOrEqual(1);
    // Only the tail, after the model stopped, can count as a cut: not mid-reply.
    const cut = h.events.find((e) => e.type === 'interrupted');
    if (cut && cut.type === 'interrupted') expect(cut.receivedMs).toBeGreaterThanOrEqual(760);
  });

  it('push-to-interrupt: silent at once, the cut shown, the model told (stop fixture, then what was heard), the rest of the turn dropped', async () => {
    const { h, socket } = await started();
    const reply = speak(socket, 3_000, 40, ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten']);
    await h.next('state', (e) => e.state === 'speaking');
    await sleep(600);
    expect(h.session.interrupt('user')).toBe(true);
    expect(h.player.isPlaying).toBe(false);
    const cut = await h.next('interrupted');
    expect(cut.reason).toBe('user');
    expect(cut.playedMs).toBeGreaterThan(300);
    expect(cut.playedMs).toBeLessThanOrEqual(cut.receivedMs);
    const fixture = await socket.next('session.output_audio.fixture.play');
    expect(fixture.event_id).toMatch(/^kaiwa-stop-/);
    socket.send({ type: 'session.output_audio.fixture.played', event_id: 'f1', client_event_id: fixture.event_id as string });
    const note = await socket.next('session.instructions.append');
    expect(note).toMatchObject({ delegation_id: null });
    expect(note.content).toMatch(/pressed Stop/);
    expect(note.content).toMatch(/"one two/);
    // The model keeps talking for a while here: none of it is played.
    await sleep(300);
    expect(h.player.isPlaying).toBe(false);
    expect(h.session.state).toBe('listening');
    reply.stop();
    // The turn's line keeps only what was heard.
    await sleep(50);
    const entry = h.record.said.find((e) => e.speaker === 'assistant');
    expect(entry?.interrupted).toBe(true);
    expect(entry!.text.split(' ').length).toBeLessThan(10);
    expect(h.session.interrupt('user')).toBe(false);
  });

  it('a server that refuses the stop fixture still gets the note', async () => {
    const { h, socket } = await started();
    speak(socket, 1_000);
    await h.next('state', (e) => e.state === 'speaking');
    h.session.interrupt('user');
    const fixture = await socket.next('session.output_audio.fixture.play');
    socket.send({ type: 'error', event_id: 'e', client_event_id: fixture.event_id as string, error: { type: 'invalid_request_error', code: 'unsupported_event', message: 'no fixtures' } });
    await socket.next('session.instructions.append');
    expect(h.events.filter((e) => e.type === 'error')).toEqual([]);
  });

  it('mute: session.input_audio.mute, and no microphone audio leaves until unmute', async () => {
    const { h, socket } = await started();
    h.session.setMuted(true);
    await socket.next('session.input_audio.mute');
    expect(h.session.acceptsAudio).toBe(false);
    h.session.sendAudio(voice(40));
    await sleep(50);
    expect(socket.frames.filter((f) => f.type === 'session.input_audio.append')).toHaveLength(0);
    h.session.setMuted(false);
    await socket.next('session.input_audio.unmute');
    h.session.sendAudio(voice(40));
    await socket.next('session.input_audio.append');
  });

  it('expiry: a new session starts with the conversation as input history, and the old one reports its final seconds', async () => {
    const record = new ReplayRecord();
    record.final('earlier-u', 'user', 'What is the capital of Japan?');
    record.final('earlier-a', 'assistant', 'Tokyo.');
    const { h, socket, server } = await started({}, record);
    const first = socket.frames[0] as unknown as { session: { input?: unknown[] } };
    expect(first.session.input).toHaveLength(2);
    socket.send({ type: 'session.input_transcript.delta', event_id: 'u', delta: 'And of France?', start_ms: 0, end_ms: 500 });
    socket.send(sessionClosed('expired', 3599.5));
    const next = await server.connection();
    const start = (await next.start()) as unknown as { session: { input: { role: string; content: { text: string }[] }[] } };
    expect(start.session.input.map((m) => [m.role, m.content[0]!.text])).toEqual([
      ['user', 'What is the capital of Japan?'],
      ['assistant', 'Tokyo.'],
      ['user', 'And of France?'],
    ]);
    const usage = await h.next('session.usage', (e) => e.final);
    expect(usage.seconds).toBe(3599.5);
    const renewed = await h.next('notice', (e) => e.key === 'notice.liveExpiredRenewed');
    expect(saidWords(createI18n('ja').t, renewed)).toBe('GPT-Live のセッションが時間制限に達したため、新しいセッションで会話を続けます。');
    await h.next('state', (e) => e.state === 'listening' && h.events.some((x) => x.type === 'notice'));
    h.session.sendAudio(voice(40));
    await next.next('session.input_audio.append');
  });

  it('a dropped socket: reconnecting (attempt 1), then a new session with the history, and audio flows again', async () => {
    const { h, socket, server } = await started();
    socket.socket.terminate();
    await h.next('state', (e) => e.state === 'reconnecting' && e.attempt === 1);
    const next = await server.connection();
    await next.start();
    await h.next('notice', (e) => e.key === 'notice.reconnected');
    expect(h.session.state).toBe('listening');
    h.session.sendAudio(voice(40));
    await next.next('session.input_audio.append');
  });

  it('a malformed server event is one clear error; the conversation goes on', async () => {
    const { h, socket } = await started();
    socket.sendRaw('{"type":"session.output_audio.delta","delta":');
    const error = await h.next('error');
    expect(error).toMatchObject({ code: 'protocol', fatal: false });
    speak(socket, 200);
    await h.next('state', (e) => e.state === 'speaking');
    expect(h.events.filter((e) => e.type === 'error')).toHaveLength(1);
  });

  it('error and info events are shown as clear messages; usage updates as seconds', async () => {
    const { h, socket } = await started();
    socket.send({ type: 'info', event_id: 'i', code: 'data_channel_permissions', message: 'Permissions applied.' });
    socket.send({ type: 'error', event_id: 'e', error: { type: 'rate_limit_error', code: 'rate_limit_exceeded', message: 'Slow down.' } });
    socket.send({ type: 'session.usage.updated', event_id: 'u', usage: { seconds: 12 } });
    const info = await h.next('notice');
    expect(info).toMatchObject({ key: 'notice.liveServerInfo', params: { detail: 'Permissions applied.' } });
    const error = await h.next('error');
    expect(error).toMatchObject({ code: 'rate-limit', fatal: false, key: 'error.serverSaid' });
    // What people read is said by key, in their language (the server's own words passed on).
    expect(saidWords(createI18n('ja').t, info)).toBe('GPT-Live: Permissions applied.');
    expect(await h.next('session.usage')).toEqual({ type: 'session.usage', sessionId: 'sess_1', seconds: 12, final: false });
  });

  it('close: session.close, the final usage from session.closed, then idle', async () => {
    const { h, socket } = await started();
    socket.autoClose = false;
    const closing = h.session.close();
    await socket.next('session.close');
    socket.send(sessionClosed('close_requested', 20.5));
    await closing;
    expect(await h.next('session.usage', (e) => e.final)).toMatchObject({ seconds: 20.5 });
    expect(h.session.state).toBe('idle');
  });

  it('a refused session.start is one fatal error and the state error', async () => {
    const { h: harness, server } = await started.bare();
    const opening = harness.session.open();
    const socket = await server.connection();
    await socket.next('session.start');
    socket.send({ type: 'error', event_id: 'e', error: { type: 'invalid_request_error', code: 'model_not_found', message: 'No such model.' } });
    await expect(opening).rejects.toMatchObject({ code: 'not-found' });
    expect(harness.events.filter((e) => e.type === 'error')).toEqual([
      expect.objectContaining({ code: 'not-found', fatal: true }),
    ]);
    expect(harness.session.state).toBe('error');
  });

  it('the safety filter ending the session is one fatal error, by key, in Japanese too', async () => {
    const { h, socket } = await started();
    socket.send(sessionClosed('content', 3));
    const error = await h.next('error', (e) => e.fatal);
    expect(error).toMatchObject({ code: 'server', key: 'error.connectionFailed', params: { detail: { key: 'failure.liveSafetyFilter' } } });
    expect(saidWords(createI18n('en').t, error)).toMatch(/safety filter/);
    expect(saidWords(createI18n('ja').t, error)).toContain('安全フィルターによってセッションが終了されました。');
    expect(h.session.state).toBe('error');
  });
});
