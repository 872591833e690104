import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationItem } from 'openai/resources/realtime/realtime';
import { Assistant } from '../../src/engine/assistant';
import { parseSettings, type SettingsInput } from '../../src/engine/settings';
import type { AssistantEvent } from '../../src/engine/events';
import { NullInput, NullOutput } from '../../src/engine/audio/devices/null';
import { WavFileInput } from '../../src/engine/audio/devices/wav-file';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../src/simulator';
import { tempDir } from '../../harness/temp';
import { speechWav, type SpeechWav } from '../../harness/speech';
import { startScriptedServer, type ScriptedServer } from './realtime/helpers/resilience';
import { watchAssistant } from '../../harness/assistant-watch';

/** The Assistant keeps the conversation through faults: end to end, simulator and scripted servers. */

const SPEED = 4;
let dir: Awaited<ReturnType<typeof tempDir>>;
let speech: SpeechWav;
let sim: RunningSimulator | undefined;
let scripted: ScriptedServer | undefined;
const running: Assistant[] = [];

beforeAll(async () => {
  dir = await tempDir();
  speech = await speechWav(dir.path, 'hello', [{ silenceMs: 200 }, { say: 'Hello there, how are you?' }, { silenceMs: 400 }]);
});
afterAll(async () => {
  await dir?.cleanup();
});
afterEach(async () => {
  for (const a of running.splice(0)) await a.stop();
  await sim?.close();
  await scripted?.close();
  sim = scripted = undefined;
});

const RESILIENCE = { backoff: { baseMs: 40, random: () => 0.5 } };

function assistant(url: string, overrides: SettingsInput, input = new NullInput() as ConstructorParameters<typeof Assistant>[0]['input'], local = true) {
  const a = new Assistant({
    settings: parseSettings(local ? { provider: 'local', ...overrides } : { provider: 'custom', url, ...overrides }),
    credentials: local ? {} : { apiKey: 'sk-test-key-123456' },
    input,
    output: new NullOutput({ speed: SPEED }),
    ...(local ? { localUrl: url } : {}),
    resilience: RESILIENCE,
  });
  running.push(a);
  return a;
}

const watch = (a: Assistant) => watchAssistant(a);

async function simulator(options: SimulatorOptions) {
  sim = await startSimulator({ validateOutgoing: true, replyMs: 1200, realtimeFactor: 50, ...options });
  return sim;
}

function texts(items: Iterable<{ item: ConversationItem }>): string[] {
  const out: string[] = [];
  for (const { item } of items) {
    if (item.type !== 'message') continue;
    const part = (item.content as { type: string; text?: string }[]).find((c) => c.type === 'input_text' || c.type === 'output_text');
    if (part?.text !== undefined) out.push(`${item.role}: ${part.text}`);
  }
  return out;
}

describe('Assistant resilience', () => {
  it('a connection dropped mid-reply: reconnecting (attempt 1), the conversation replayed as text, listening again', async () => {
    // Session 0 dies (no close frame) a few audio deltas into the first reply.
    const s = await simulator({ faults: (i) => (i === 0 ? { dropAfterEvents: 22 } : undefined) });
    const a = assistant(s.url, {}, new WavFileInput(speech.path, { speed: SPEED }));
    const w = watch(a);
    await a.start();
    await w.next((e) => e.type === 'state' && e.state === 'reconnecting');
    await w.next((e) => e.type === 'state' && e.state === 'listening' && w.events.some((x) => x.type === 'state' && x.state === 'reconnecting'));
    expect(w.of('state').filter((e) => e.state === 'reconnecting')).toEqual([{ type: 'state', state: 'reconnecting', attempt: 1 }]);
    expect(w.of('error')).toEqual([]);

    // What was said before the drop: the user's turn (final), the reply cut to what was heard.
    const said = a.record.said;
    expect(said[0]).toMatchObject({ speaker: 'user', final: true });
    expect(said[0]!.text).toMatch(/s of speech/);
    for (const entry of a.record.entries) expect(entry.final).toBe(true);
    const finals = w.of('transcript.final').map((e) => `${e.speaker}: ${e.text}`);
    expect(finals).toEqual(said.map((e) => `${e.speaker}: ${e.text}`));

    const fresh = await s.nextSession(1);
    await new Promise<void>((resolve) => {
      const check = () => (fresh.items.size >= said.length ? resolve() : setTimeout(check, 10));
      check();
    });
    expect((fresh.received[0]!.event as { type: string }).type).toBe('session.update');
    expect(texts(fresh.items.values())).toEqual(said.map((e) => `${e.speaker}: ${e.text}`));
    // Nothing captured during the outage reached the new session ahead of the replay.
    const types = fresh.received.map((r) => (r.event as { type: string }).type);
    expect(types.slice(0, 1 + said.length)).toEqual(['session.update', ...said.map(() => 'conversation.item.create')]);
  });

  it('a turn left unanswered by a drop is answered by the new session', async () => {
    // Session 0 dies right after the user's transcript (event 12), before the reply starts.
    const s = await simulator({ faults: (i) => (i === 0 ? { dropAfterEvents: 12 } : undefined) });
    const a = assistant(s.url, {}, new WavFileInput(speech.path, { speed: SPEED }));
    const w = watch(a);
    await a.start();
    const reply = (await w.next((e) => e.type === 'transcript.final' && e.speaker === 'assistant')) as Extract<AssistantEvent, { type: 'transcript.final' }>;
    expect(reply.text).toMatch(/^You typed: \(\d\.\d s of speech\)/);
    const fresh = s.sessions[1]!;
    const types = fresh.received.map((r) => (r.event as { type: string }).type);
    expect(types.slice(0, 3)).toEqual(['session.update', 'conversation.item.create', 'response.create']);
    expect(s.sessions[0]!.activeResponseId).toBeUndefined();
    expect(w.of('state').filter((e) => e.state === 'reconnecting')).toEqual([{ type: 'state', state: 'reconnecting', attempt: 1 }]);
  });

  it('session_expired: renewed with one brief notice, no error, no reconnecting state', async () => {
    const s = await simulator({ faults: (i) => (i === 0 ? { sessionExpiredAfterMs: 200 } : undefined) });
    const a = assistant(s.url, {});
    const w = watch(a);
    await a.start();
    await w.next((e) => e.type === 'notice');
    expect(w.of('notice')).toEqual([{ type: 'notice', key: 'notice.sessionRenewed' }]);
    await s.nextSession(1);
    expect(w.of('error')).toEqual([]);
    expect(w.of('state').map((e) => e.state)).not.toContain('reconnecting');
    expect(a.state).toBe('listening');
  });

  it('a key refused on reconnect: one fatal auth error, no retry storm', async () => {
    scripted = await startScriptedServer(['accept', { status: 401 }]);
    const a = assistant(scripted.url, {}, undefined, false);
    const w = watch(a);
    const socket = scripted.nextSocket();
    await a.start();
    (await socket).terminate();
    const error = await w.next((e) => e.type === 'error');
    expect(error).toEqual({ type: 'error', code: 'auth', fatal: true, key: 'error.connectionFailed', params: {
      detail: { key: 'failure.serverSaid', params: { failure: { key: 'failure.httpKeyRejected', params: { status: 401 } }, detail: 'refused with 401' } },
    } });
    await w.next((e) => e.type === 'state' && e.state === 'error');
    await new Promise((r) => setTimeout(r, 200));
    expect(scripted.upgrades).toBe(2);
    expect(w.of('error')).toHaveLength(1);
    expect(JSON.stringify(w.events)).not.toContain('sk-test-key');
  });

  it('rate_limits.updated, server error events and a malformed frame: clear messages, no crash, no reconnect', async () => {
    scripted = await startScriptedServer(['accept']);
    const a = assistant(scripted.url, {}, undefined, false);
    const w = watch(a);
    const socket = scripted.nextSocket();
    await a.start();
    const ws = await socket;
    ws.send(JSON.stringify({ type: 'rate_limits.updated', event_id: 'e1', rate_limits: [{ name: 'tokens', limit: 100, remaining: 0, reset_seconds: 5 }] }));
    ws.send(JSON.stringify({ type: 'rate_limits.updated', event_id: 'e2', rate_limits: [{ name: 'tokens', limit: 100, remaining: 0, reset_seconds: 4 }] }));
    ws.send(JSON.stringify({ type: 'error', event_id: 'e3', error: { type: 'invalid_request_error', code: 'invalid_api_key', message: 'Incorrect API key provided.' } }));
    ws.send('{"type":"response.output_audio.delta","delta":');
    ws.send(JSON.stringify({ type: 'error', event_id: 'e4', error: { type: 'server_error', message: 'The server had an error.' } }));
    await w.next((e) => e.type === 'error' && e.code === 'server');
    expect(w.of('notice')).toEqual([{ type: 'notice', key: 'notice.rateLimitReachedResets', params: { limits: 'tokens', resetMs: 5_000 } }]);
    expect(w.of('error')).toEqual([
      { type: 'error', code: 'auth', fatal: false, key: 'error.serverSaid', params: { detail: 'Incorrect API key provided. (invalid_api_key)' } },
      { type: 'error', code: 'protocol', fatal: false, key: 'error.unexpectedEvent', params: { detail: { key: 'protocol.invalidJson', params: { detail: expect.any(String) } } } },
      { type: 'error', code: 'server', fatal: false, key: 'error.serverSaid', params: { detail: 'The server had an error. (server_error)' } },
    ]);
    expect(a.state).toBe('listening');
    expect(scripted.upgrades).toBe(1);
  });
});
