import { afterEach, describe, expect, it } from 'vitest';
import { ReplayRecord } from '../../../src/engine/session/replay-record';
import { replayItems } from '../../../src/engine/session/realtime/replay';
import { ResilientConnection, type ResilientConnectionOptions } from '../../../src/engine/realtime/resilient';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../../src/simulator';
import { SESSION_UPDATE, localEndpoint, nextEmitted, record, serverEvents, startScriptedServer, type ScriptedServer, type Step } from './helpers/resilience';

let sim: RunningSimulator | undefined;
let scripted: ScriptedServer | undefined;
const keepers: ResilientConnection[] = [];

afterEach(async () => {
  for (const k of keepers.splice(0)) k.close();
  if (sim) expect(sim.sessions.flatMap((s) => s.violations)).toEqual([]);
  await sim?.close();
  await scripted?.close();
  sim = scripted = undefined;
});

async function simulator(options: SimulatorOptions): Promise<RunningSimulator> {
  sim = await startSimulator({ validateOutgoing: true, replyMs: 300, ...options });
  return sim;
}

function conversation(): ReplayRecord {
  const record = new ReplayRecord();
  record.final('u1', 'user', 'What is the capital of Japan?');
  record.final('a1', 'assistant', 'Tokyo.');
  return record;
}

function keeper(url: string, record: ReplayRecord, options: Partial<ResilientConnectionOptions> = {}): ResilientConnection {
  const k = new ResilientConnection({
    endpoint: localEndpoint(url),
    sessionUpdate: () => SESSION_UPDATE,
    replay: () => replayItems(record.replay()),
    backoff: { baseMs: 20, random: () => 0.5, ...options.backoff },
    ...options,
  });
  keepers.push(k);
  return k;
}

const typesOf = (events: { event: unknown }[]) => events.map((r) => (r.event as { type: string }).type);

describe('ResilientConnection against the simulator', () => {
  it('reconnects after the connection drops, re-sends session.update and replays the conversation', async () => {
    // Session 0 dies (no close frame) right after answering the initial update and replay.
    const s = await simulator({ faults: (i) => (i === 0 ? { dropAfterEvents: 6 } : undefined) });
    const history = conversation();
    const k = keeper(s.url, history);
    const seen = record(k);
    await k.connect();
    expect(await nextEmitted(k, 'session')).toEqual({ reason: 'reconnect', replayed: 2 });
    await serverEvents(k, (e) => e.type === 'conversation.item.done', 2);

    expect(seen.of('state')).toEqual([
      { state: 'connecting' },
      { state: 'open' },
      { state: 'reconnecting', attempt: 1, delayMs: 10 },
      { state: 'open' },
    ]);
    expect(seen.of('disconnected')).toEqual([{ message: 'The connection closed (1006).', said: { key: 'failure.closed', params: { code: 1006 } } }]);
    expect(seen.of('session')).toEqual([
      { reason: 'initial', replayed: 2 },
      { reason: 'reconnect', replayed: 2 },
    ]);
    const fresh = s.sessions[1]!;
    expect(typesOf(fresh.received)).toEqual(['session.update', 'conversation.item.create', 'conversation.item.create']);
    const items = [...fresh.items.values()].map(({ item }) => item);
    expect(items).toMatchObject([
      { role: 'user', content: [{ type: 'input_text', text: 'What is the capital of Japan?' }] },
      { role: 'assistant', content: [{ type: 'output_text', text: 'Tokyo.' }] },
    ]);
    expect(fresh.config.instructions).toBe('Be brief.');
    expect(typesOf(fresh.sent)).not.toContain('error');
  });

  it('drops audio appended while disconnected instead of sending it late', async () => {
    const s = await simulator({ faults: (i) => (i === 0 ? { dropAfterEvents: 2 } : undefined) });
    const k = keeper(s.url, new ReplayRecord(), { backoff: { baseMs: 400, random: () => 0.5 } });
    const silence = Buffer.alloc(960).toString('base64');
    await k.connect();
    await nextEmitted(k, 'disconnected');
    expect(k.state).toBe('reconnecting');
    expect(k.send({ type: 'input_audio_buffer.append', audio: silence })).toBe(false);
    expect(k.send({ type: 'input_audio_buffer.append', audio: silence })).toBe(false);
    await nextEmitted(k, 'session');
    expect(k.send({ type: 'input_audio_buffer.append', audio: silence })).toBe(true);
    k.send({ type: 'input_audio_buffer.clear' });
    await serverEvents(k, (e) => e.type === 'input_audio_buffer.cleared');
    expect(typesOf(s.sessions[1]!.received)).toEqual(['session.update', 'input_audio_buffer.append', 'input_audio_buffer.clear']);
    expect(typesOf(s.sessions[0]!.received).filter((t) => t === 'input_audio_buffer.append')).toEqual([]);
  });

  it('counts attempts while the server stays away, then gives up once with a clear message', async () => {
    const s = await simulator({});
    const k = keeper(s.url, new ReplayRecord(), { backoff: { baseMs: 10, maxAttempts: 3, random: () => 0.5 } });
    const seen = record(k);
    await k.connect();
    const failed = nextEmitted(k, 'failed');
    await s.close();
    sim = undefined;
    const failure = await failed;
    expect(failure.code).toBe('network');
    expect(failure.message).toMatch(/^Could not reconnect after 3 attempts\. Could not connect to 127\.0\.0\.1:\d+: the connection was refused\.$/);
    expect(seen.of('state').map((st) => `${st.state}${st.attempt ?? ''}`)).toEqual([
      'connecting',
      'open',
      'reconnecting1',
      'reconnecting2',
      'reconnecting3',
      'closed',
    ]);
    expect(seen.of('failed')).toHaveLength(1);
    expect(k.send({ type: 'input_audio_buffer.clear' })).toBe(false);
  });

  it('renews the session at once on session_expired, with the conversation, without a reconnecting state', async () => {
    const s = await simulator({ faults: (i) => (i === 0 ? { sessionExpiredAfterMs: 150 } : undefined) });
    const k = keeper(s.url, conversation());
    const seen = record(k);
    await k.connect();
    expect(await nextEmitted(k, 'session')).toEqual({ reason: 'expired', replayed: 2 });
    await serverEvents(k, (e) => e.type === 'conversation.item.done', 2);
    // The owner heard of the handover first, while the old session's turns could still be settled.
    const order = seen.log.map((e) => e.name).filter((n) => n === 'handover' || n === 'session');
    expect(order).toEqual(['session', 'handover', 'session']);
    expect(seen.of('handover')).toEqual([{ reason: 'expired' }]);
    expect(seen.of('state').map((st) => st.state)).toEqual(['connecting', 'open']);
    expect(seen.of('disconnected')).toEqual([]);
    expect(seen.of('event').filter((e) => e.type === 'error')).toEqual([]);
    expect(typesOf(s.sessions[1]!.received)).toEqual(['session.update', 'conversation.item.create', 'conversation.item.create']);
    // The old session's close that follows is not a loss.
    k.send({ type: 'input_audio_buffer.clear' });
    await serverEvents(k, (e) => e.type === 'input_audio_buffer.cleared');
    expect(k.state).toBe('open');
    expect(seen.of('disconnected')).toEqual([]);
  });

  it('rolls over ahead of the limit only at a quiet moment, make-before-break', async () => {
    const s = await simulator({});
    let quiet = false;
    let asked = 0;
    const k = keeper(s.url, conversation(), {
      rollover: { afterMs: 100, forceAfterMs: 60_000 },
      canRollover: () => {
        asked++;
        return quiet;
      },
    });
    const seen = record(k);
    await k.connect();
    while (asked < 3) await new Promise((r) => setTimeout(r, 20)); // polled while busy
    expect(s.sessions).toHaveLength(1);
    quiet = true;
    expect(await nextEmitted(k, 'session')).toEqual({ reason: 'rollover', replayed: 2 });
    expect(seen.of('handover')).toEqual([{ reason: 'rollover' }]);
    expect(s.sessions).toHaveLength(2);
    k.send({ type: 'input_audio_buffer.clear' });
    await serverEvents(k, (e) => e.type === 'input_audio_buffer.cleared');
    expect(typesOf(s.sessions[1]!.received)).toEqual(['session.update', 'conversation.item.create', 'conversation.item.create', 'input_audio_buffer.clear']);
    expect(typesOf(s.sessions[0]!.received)).toEqual(['session.update', 'conversation.item.create', 'conversation.item.create']);
    expect(seen.of('state').map((st) => st.state)).toEqual(['connecting', 'open']);
    expect(seen.of('disconnected')).toEqual([]);
  });

  it('forces the rollover when no quiet moment comes before forceAfterMs', async () => {
    const s = await simulator({});
    const k = keeper(s.url, conversation(), { rollover: { afterMs: 50, forceAfterMs: 250 }, canRollover: () => false });
    const started = performance.now();
    await k.connect();
    expect(await nextEmitted(k, 'session')).toEqual({ reason: 'rollover', replayed: 2 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(245);
    expect(s.sessions).toHaveLength(2);
  });

  it('reports a malformed frame once, ignores an unknown event type, and keeps the session', async () => {
    const s = await simulator({ faults: { malformedAtEvent: 2, unknownEventAtEvent: 3 } });
    const k = keeper(s.url, new ReplayRecord());
    const seen = record(k);
    await k.connect();
    k.send({ type: 'response.create' });
    await serverEvents(k, (e) => e.type === 'response.done');
    expect(seen.of('protocol-error')).toHaveLength(1);
    expect(seen.of('protocol-error')[0]!.message).toMatch(/^Invalid JSON/);
    expect(seen.of('event').map((e) => e.type)).not.toContain('simulator.unknown_event');
    expect(seen.of('disconnected')).toEqual([]);
    expect(s.sessions).toHaveLength(1);
  });

  it('keeps a slow server (every event delayed) without a spurious reconnect', async () => {
    const s = await simulator({ faults: { delayMs: 120 } });
    const k = keeper(s.url, conversation(), { connectTimeoutMs: 2000 });
    const seen = record(k);
    await k.connect();
    k.send({ type: 'response.create' });
    await serverEvents(k, (e) => e.type === 'response.done');
    const types = seen.of('event').map((e) => e.type);
    expect(types.slice(0, 2)).toEqual(['session.created', 'session.updated']);
    expect(seen.of('disconnected')).toEqual([]);
    expect(s.sessions).toHaveLength(1);
  });

  it('does not reset the attempt count for a connection that drops again at once (no storm)', async () => {
    const s = await simulator({ faults: (i) => (i < 2 ? { dropAfterEvents: 2 } : undefined) });
    const k = keeper(s.url, new ReplayRecord(), { stableAfterMs: 10_000 });
    const seen = record(k);
    await k.connect();
    await serverEvents(k, (e) => e.type === 'session.updated'); // session 2's
    await new Promise<void>((resolve) => {
      const check = () => (s.sessions.length >= 3 && k.state === 'open' ? resolve() : setTimeout(check, 10));
      check();
    });
    const attempts = seen.of('state').filter((st) => st.state === 'reconnecting').map((st) => [st.attempt, st.delayMs]);
    expect(attempts).toEqual([
      [1, 10],
      [2, 20],
    ]);
  });
});

describe('ResilientConnection when the new session cannot be configured', () => {
  it('fails once with a message instead of a rejected promise', async () => {
    const s = await simulator({ faults: (i) => (i === 0 ? { dropAfterEvents: 2 } : undefined) });
    let calls = 0;
    const k = keeper(s.url, conversation(), {
      sessionUpdate: () => {
        if (calls++ > 0) throw new Error('the settings are gone');
        return SESSION_UPDATE;
      },
    });
    const seen = record(k);
    await k.connect();
    expect(await nextEmitted(k, 'failed')).toEqual({
      code: 'internal',
      message: 'The new session could not be configured: the settings are gone',
      said: { key: 'error.internalDetail', params: { detail: 'the settings are gone' } },
    });
    expect(k.state).toBe('closed');
    expect(seen.of('session')).toEqual([{ reason: 'initial', replayed: 2 }]);
  });
});

describe('ResilientConnection against refusing endpoints', () => {
  async function acceptThen(steps: Step[], options: Partial<ResilientConnectionOptions> = {}) {
    scripted = await startScriptedServer(['accept', ...steps]);
    const k = keeper(scripted.url, conversation(), options);
    const seen = record(k);
    const socket = scripted.nextSocket();
    await k.connect();
    (await socket).terminate();
    return { k, seen, server: scripted };
  }

  it.each([
    [401, 'auth', /The API key was rejected \(401\)/],
    [403, 'auth', /no access to this model or resource \(403\)/],
    [404, 'not-found', /model or deployment was not found \(404\)/],
    [400, 'config', /refused the request \(400\)/],
  ] as const)('stops after one attempt on %i: one failure, no storm', async (status, code, message) => {
    const { k, seen, server } = await acceptThen([{ status }]);
    const failure = await nextEmitted(k, 'failed');
    expect(failure).toMatchObject({ code, status });
    expect(failure.message).toMatch(message);
    await new Promise((r) => setTimeout(r, 150)); // what a storm would use to retry several times
    expect(server.upgrades).toBe(2);
    expect(seen.of('failed')).toHaveLength(1);
    expect(k.state).toBe('closed');
  });

  it('retries 5xx and 429, the 429 with the longer backoff, then replays into the new session', async () => {
    const { k, seen, server } = await acceptThen([{ status: 503 }, { status: 429 }, 'accept'], {
      backoff: { baseMs: 20, rateLimitBaseMs: 100, random: () => 0.5 },
    });
    const socket = server.nextSocket();
    expect(await nextEmitted(k, 'session')).toEqual({ reason: 'reconnect', replayed: 2 });
    const ws = await socket;
    const received: string[] = [];
    await new Promise<void>((resolve) => {
      ws.on('message', (data) => {
        received.push((JSON.parse(String(data)) as { type: string }).type);
        if (received.length === 3) resolve();
      });
    });
    expect(received).toEqual(['session.update', 'conversation.item.create', 'conversation.item.create']);
    expect(seen.of('state').filter((st) => st.state === 'reconnecting')).toEqual([
      { state: 'reconnecting', attempt: 1, delayMs: 10 }, // the drop
      { state: 'reconnecting', attempt: 2, delayMs: 20 }, // after 503
      { state: 'reconnecting', attempt: 3, delayMs: 200 }, // after 429: 0.5 * 100 * 2^2
    ]);
    expect(server.upgrades).toBe(4);
  });

  it('gives up on the first connection at once with the ConnectionError (no retry at start)', async () => {
    scripted = await startScriptedServer([{ status: 401 }]);
    const k = keeper(scripted.url, conversation());
    await expect(k.connect()).rejects.toMatchObject({ name: 'ConnectionError', code: 'auth', status: 401 });
    expect(k.state).toBe('closed');
    expect(scripted.upgrades).toBe(1);
  });
});
