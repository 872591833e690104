import { afterEach, describe, expect, it } from 'vitest';
import type { SessionStartEvent } from 'openai/resources/live/live';
import { ConnectionError } from '../../../src/engine/realtime/connection';
import { LiveKeeper, renewalTimes, type LiveKeeperOptions } from '../../../src/engine/live/keeper';
import { resolveLiveEndpoint } from '../../../src/engine/live/endpoints';
import { parseSettings } from '../../../src/engine/settings';
import { startRefusingServer, unusedPort } from '../realtime/helpers/servers';
import { sessionClosed, startScriptedLiveServer, type ScriptedLiveServer } from './helpers/live-server';

const KEY = 'sk-live-keeper-secret-42';
let server: ScriptedLiveServer | null = null;
const keepers: LiveKeeper[] = [];

afterEach(async () => {
  await Promise.all(keepers.splice(0).map((k) => k.close()));
  await server?.close();
  server = null;
});

function keeperFor(url: string, options: Partial<LiveKeeperOptions> = {}, apiKey = KEY): LiveKeeper {
  let n = 0;
  const keeper = new LiveKeeper({
    endpoint: resolveLiveEndpoint(parseSettings({ provider: 'custom', url, model: 'gpt-live-1' }), { apiKey }),
    start: (): SessionStartEvent => ({ type: 'session.start', session: { model: 'gpt-live-1', instructions: `start ${++n}` } }),
    backoff: { baseMs: 10, maxMs: 50, random: () => 0.5 },
    connectTimeoutMs: 2_000,
    closeTimeoutMs: 300,
    ...options,
  });
  keepers.push(keeper);
  return keeper;
}

async function failureOf(promise: Promise<unknown>): Promise<ConnectionError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).not.toContain(KEY);
    return error as ConnectionError;
  }
  throw new Error('expected a ConnectionError');
}

describe('LiveKeeper', () => {
  it('handshake: session.start is the first frame, the bearer key goes in the header, nothing is sent before session.started', async () => {
    server = await startScriptedLiveServer();
    const keeper = keeperFor(server.url);
    const opening = keeper.open();
    const socket = await server.connection();
    expect(socket.request.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(socket.request.url).toBe('/v1/live/sessions');
    await socket.next('session.start');
    // Not started yet: audio is dropped, not sent ahead of session.started.
    expect(keeper.send({ type: 'session.input_audio.append', audio: 'AAAA' })).toBe(false);
    await new Promise((r) => setTimeout(r, 50));
    expect(socket.frames.map((f) => f.type)).toEqual(['session.start']);
    await socket.start();
    const started = await opening;
    expect(started.session.id).toBe('sess_1');
    expect(keeper.send({ type: 'session.input_audio.append', audio: 'AAAA' })).toBe(true);
    await socket.next('session.input_audio.append');
    expect(socket.frames.map((f) => f.type)).toEqual(['session.start', 'session.input_audio.append']);
  });

  it('a refused key (401) rejects once with an auth error that does not echo the key', async () => {
    const refusing = await startRefusingServer(401, JSON.stringify({ error: { message: `Incorrect API key provided: ${KEY}` } }));
    try {
      const error = await failureOf(keeperFor(`ws://127.0.0.1:${refusing.port}/v1/live/sessions`).open());
      expect(error.code).toBe('auth');
      expect(error.message).toMatch(/rejected \(401\)/);
    } finally {
      await refusing.close();
    }
  });

  it('a bad URL (nobody listening) is a network error naming the host', async () => {
    const port = await unusedPort();
    const error = await failureOf(keeperFor(`ws://127.0.0.1:${port}/v1/live/sessions`).open());
    expect(error.code).toBe('network');
    expect(error.message).toContain(`127.0.0.1:${port}`);
  });

  it('an error answering session.start rejects with its meaning (invalid_api_key -> auth)', async () => {
    server = await startScriptedLiveServer();
    const opening = keeperFor(server.url).open();
    const socket = await server.connection();
    await socket.next('session.start');
    socket.send({ type: 'error', event_id: 'e1', error: { type: 'invalid_request_error', code: 'invalid_api_key', message: 'Invalid API key.' } });
    const error = await failureOf(opening);
    expect(error.code).toBe('auth');
    expect(error.message).toMatch(/Invalid API key/);
  });

  it('expired: a new session at once, asked for a fresh session.start (the history), reported as a renewal', async () => {
    server = await startScriptedLiveServer();
    const keeper = keeperFor(server.url);
    const sessions: string[] = [];
    keeper.on('session', ({ reason, started }) => sessions.push(`${reason}:${started.session.id}`));
    const ended: string[] = [];
    keeper.on('ended', ({ reason }) => ended.push(reason));
    const opening = keeper.open();
    const first = await server.connection();
    await first.start();
    await opening;
    first.send(sessionClosed('expired', 61.5));
    const second = await server.connection();
    const start = await second.start();
    expect(start.session.instructions).toBe('start 2');
    await new Promise((r) => setTimeout(r, 20));
    expect(sessions).toEqual(['initial:sess_1', 'renewal:sess_2']);
    expect(ended).toEqual(['expired']);
    expect(keeper.state).toBe('open');
  });

  it('renewalTimes: from the session resource\'s expires_at, due 5 min and forced 1 min ahead; short sessions scaled; no expiry, none', () => {
    const now = 1_800_000_000_000;
    expect(renewalTimes(now / 1000 + 3600, now)).toMatchObject({ dueInMs: 55 * 60_000, forceInMs: 59 * 60_000, pollMs: 1_000 });
    expect(renewalTimes(now / 1000 + 4, now)).toMatchObject({ dueInMs: 3_000, forceInMs: 3_600 });
    expect(renewalTimes(0, now)).toBeNull();
    expect(renewalTimes(now / 1000 - 1, now)).toBeNull();
    expect(renewalTimes(undefined, now)).toBeNull();
  });

  it('renews ahead of expires_at at a quiet moment, make-before-break: the next session starts while the first serves, then the first is closed and reports its usage', async () => {
    server = await startScriptedLiveServer();
    let quiet = false;
    // Forced only at expiry itself here, so that the quiet gate alone holds it back in between.
    const keeper = keeperFor(server.url, { canRenew: () => quiet, renewal: { forceAheadMs: 0 } });
    const sessions: string[] = [];
    keeper.on('session', ({ reason, started }) => sessions.push(`${reason}:${started.session.id}`));
    const states: string[] = [];
    keeper.on('state', ({ state }) => states.push(state));
    const closed: string[] = [];
    keeper.on('closed', (event) => closed.push(`${event.reason}:${event.session.id}`));
    let handovers = 0;
    keeper.on('handover', () => handovers++);
    const opening = keeper.open();
    const first = await server.connection();
    await first.start(3); // renewal due 0.75 s before expiry (a quarter of the lifetime)
    await opening;
    await new Promise((r) => setTimeout(r, 2_600));
    // Due since 2.25 s, but busy: no renewal yet.
    expect(sessions).toEqual(['initial:sess_1']);
    quiet = true;
    const second = await server.connection(3_000);
    expect(first.frames.some((f) => f.type === 'session.close')).toBe(false);
    const start = await second.start();
    expect(start.session.instructions).toBe('start 2');
    await first.next('session.close');
    await new Promise((r) => setTimeout(r, 50));
    expect(sessions).toEqual(['initial:sess_1', 'rollover:sess_2']);
    expect(handovers).toBe(1);
    expect(closed).toEqual(['close_requested:sess_1']);
    expect(states).not.toContain('reconnecting');
    expect(keeper.state).toBe('open');
    // The new session serves.
    expect(keeper.send({ type: 'session.input_audio.mute' })).toBe(true);
    expect((await second.next('session.input_audio.mute')).type).toBe('session.input_audio.mute');
  });

  it('a renewal that never finds a quiet moment is forced shortly before expiry', async () => {
    server = await startScriptedLiveServer();
    const keeper = keeperFor(server.url, { canRenew: () => false });
    const sessions: string[] = [];
    keeper.on('session', ({ reason }) => sessions.push(reason));
    const opening = keeper.open();
    const first = await server.connection();
    const startedAt = performance.now();
    await first.start(2);
    await opening;
    const second = await server.connection(3_000);
    await second.start();
    await new Promise((r) => setTimeout(r, 20));
    expect(sessions).toEqual(['initial', 'rollover']);
    // Forced a tenth of the lifetime before expiry (1.8 s of 2), not when due (1.5 s).
    expect(performance.now() - startedAt).toBeGreaterThan(1_700);
  });

  it('a dropped socket reconnects with backoff and starts a new session', async () => {
    server = await startScriptedLiveServer();
    const keeper = keeperFor(server.url);
    const states: string[] = [];
    keeper.on('state', ({ state, attempt }) => states.push(attempt ? `${state}#${attempt}` : state));
    const opening = keeper.open();
    const first = await server.connection();
    await first.start();
    await opening;
    first.socket.terminate();
    const second = await server.connection();
    await second.start();
    await new Promise((r) => setTimeout(r, 20));
    expect(states).toEqual(['connecting', 'open', 'reconnecting#1', 'open']);
    expect(keeper.sessions).toBe(2);
  });

  it('connection_lost from the server is a loss: reconnect', async () => {
    server = await startScriptedLiveServer();
    const keeper = keeperFor(server.url);
    const opening = keeper.open();
    const first = await server.connection();
    await first.start();
    await opening;
    first.send(sessionClosed('connection_lost', 3));
    const second = await server.connection();
    await second.start();
    await new Promise((r) => setTimeout(r, 20));
    expect(keeper.state).toBe('open');
  });

  it.each([
    ['content', /safety filter/],
    ['remote_hangup', /server ended the session/],
  ])('session.closed %s ends the conversation with one clear failure, no new session', async (reason, message) => {
    server = await startScriptedLiveServer();
    const keeper = keeperFor(server.url);
    const failures: string[] = [];
    keeper.on('failed', (f) => failures.push(f.message));
    const opening = keeper.open();
    const first = await server.connection();
    await first.start();
    await opening;
    first.send(sessionClosed(reason, 9));
    await new Promise((r) => setTimeout(r, 150));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(message);
    expect(keeper.state).toBe('closed');
    await expect(server.connection(100)).rejects.toThrow(/no connection/);
  });

  it('close: session.close, then session.closed with the final usage, then the socket closes', async () => {
    server = await startScriptedLiveServer();
    const keeper = keeperFor(server.url);
    const opening = keeper.open();
    const socket = await server.connection();
    socket.autoClose = false;
    await socket.start();
    await opening;
    const closing = keeper.close();
    await socket.next('session.close');
    socket.send(sessionClosed('close_requested', 42.25));
    const closed = await closing;
    expect(closed?.usage.seconds).toBe(42.25);
    expect(keeper.state).toBe('closed');
  });

  it('close waits for session.closed only so long', async () => {
    server = await startScriptedLiveServer();
    const keeper = keeperFor(server.url, { closeTimeoutMs: 100 });
    const opening = keeper.open();
    const socket = await server.connection();
    socket.autoClose = false;
    await socket.start();
    await opening;
    const t0 = performance.now();
    expect(await keeper.close()).toBeNull();
    expect(performance.now() - t0).toBeLessThan(1_000);
    expect(socket.frames.at(-1)?.type).toBe('session.close');
  });

  it('a malformed server event is one protocol error; the session goes on', async () => {
    server = await startScriptedLiveServer();
    const keeper = keeperFor(server.url);
    const errors: string[] = [];
    const events: string[] = [];
    keeper.on('protocol-error', (e) => errors.push(e.message));
    keeper.on('event', (e) => events.push(e.type));
    const opening = keeper.open();
    const socket = await server.connection();
    await socket.start();
    await opening;
    socket.sendRaw('{"type":"session.output_audio.delta","delta":7}');
    socket.send({ type: 'session.output_audio.delta', delta: 'AAAA' });
    await new Promise((r) => setTimeout(r, 50));
    expect(errors).toHaveLength(1);
    expect(events).toEqual(['session.output_audio.delta']);
    expect(keeper.state).toBe('open');
  });
});
