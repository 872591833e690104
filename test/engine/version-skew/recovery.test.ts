import { afterEach, describe, expect, it } from 'vitest';
import { ResilientConnection, type ResilientEvents } from '../../../src/engine/realtime/resilient';
import { resolveEndpoint } from '../../../src/engine/realtime/endpoints';
import { LiveKeeper, type LiveKeeperEvents } from '../../../src/engine/live/keeper';
import { resolveLiveEndpoint } from '../../../src/engine/live/endpoints';
import { liveSessionStart } from '../../../src/engine/session/live/start';
import { sessionUpdate } from '../../../src/engine/session/realtime/session-config';
import { parseSettings, type SettingsInput } from '../../../src/engine/settings';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../../src/simulator';

/**
 * Version skew against the simulator in strict mode (real sockets on 127.0.0.1): a server of another
 * API version refuses a session parameter; Kaiwa drops it, configures the session again, says so
 * once, and keeps it dropped for every later session of the conversation.
 */

let sim: RunningSimulator | null = null;
const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  await sim?.close();
  sim = null;
});

type Wire = { type: string; session?: Record<string, unknown>; event_id?: string };
const received = (s: { received: { event: unknown }[] }) => s.received.map((r) => r.event as Wire);
const configs = (s: { received: { event: unknown }[] }, type = 'session.update') => received(s).filter((e) => e.type === type);
const sentTypes = (s: { sent: { event: unknown }[] }) => s.sent.map((r) => (r.event as { type: string }).type);
const output = (e: Wire | undefined) => (e?.session?.audio as { output: Record<string, unknown> }).output;

async function until(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A ResilientConnection to the simulator as an Azure resource (`apiVersion`: the preview, beta URL). */
async function realtime(options: SimulatorOptions, input: SettingsInput = {}, apiVersion?: string) {
  const started = (sim = await startSimulator({ replyMs: 300, realtimeFactor: 50, ...options }));
  const azure = { endpoint: `http://127.0.0.1:${started.port}`, deployment: 'gpt-4o-realtime-preview', ...(apiVersion ? { apiVersion } : {}) };
  const settings = parseSettings({ provider: 'azure', azure, ...input });
  const connection = new ResilientConnection({ endpoint: resolveEndpoint(settings, { apiKey: 'azure-key-123' }), sessionUpdate: () => sessionUpdate(settings, []), rollover: false });
  closers.push(() => connection.close());
  const skews: ResilientEvents['skew'][0][] = [];
  const errors: unknown[] = [];
  connection.on('skew', (s) => skews.push(s));
  connection.on('event', (e) => {
    if (e.type === 'error') errors.push(e.error);
  });
  const first = started.nextSession(0);
  await connection.connect();
  const session = await first;
  await until(() => sentTypes(session).includes('session.updated'));
  return { connection, skews, errors, session };
}

describe('Realtime GA: a server refusing a named parameter', () => {
  it('drops audio.output.speed, configures again, says so once, and a renewed session never gets it', async () => {
    const { connection, skews, errors, session } = await realtime({ strict: { unknown: ['session.audio.output.speed'] } }, { speed: 1.25, instructions: 'Speak Japanese.' });
    const [refused, again] = configs(session);
    expect(output(refused).speed).toBe(1.25);
    expect(output(again)).not.toHaveProperty('speed');
    expect(again!.session!.instructions).toBe('Speak Japanese.');
    expect(session.config.instructions).toBe('Speak Japanese.'); // the rest of the session is kept
    expect(sentTypes(session).filter((t) => t === 'error')).toHaveLength(1);
    expect(skews).toEqual([expect.objectContaining({ dropped: 'audio.output.speed', said: { key: 'notice.skewSpeed' } })]);
    expect(errors).toEqual([]); // recovered, not reported as an error

    const next = sim!.nextSession(1);
    await connection.renew();
    const renewed = await next;
    await until(() => sentTypes(renewed).includes('session.updated'));
    expect(configs(renewed)).toHaveLength(1);
    expect(output(configs(renewed)[0])).not.toHaveProperty('speed');
    expect(sentTypes(renewed)).not.toContain('error');
    expect(skews).toHaveLength(1);
  });

  it('a live update refused the same way is sent again without the parameter', async () => {
    const { connection, skews, session } = await realtime({ strict: { unknown: ['session.audio.input.noise_reduction'] } });
    connection.send(sessionUpdate(parseSettings({ noiseReduction: 'far_field' })));
    await until(() => skews.length === 1 && sentTypes(session).filter((t) => t === 'session.updated').length === 2);
    const last = configs(session).at(-1)!;
    expect((last.session!.audio as { input: Record<string, unknown> }).input).not.toHaveProperty('noise_reduction');
    expect(skews[0]!.said).toEqual({ key: 'notice.skewNoiseReduction' });
  });
});

describe('Realtime beta (Azure preview URL with api-version, the 2025-03 shape)', () => {
  it("a strict server accepts Kaiwa's default session with no error: no speed, no tool_choice, no default VAD flags", async () => {
    const { session, skews, errors } = await realtime({ strict: true }, {}, '2025-04-01-preview');
    expect(session.dialect).toBe('beta');
    expect(sentTypes(session)).not.toContain('error');
    expect(skews).toEqual([]);
    expect(errors).toEqual([]);
    const [update] = configs(session);
    expect(update!.session).not.toHaveProperty('speed');
    expect(update!.session).not.toHaveProperty('tool_choice');
    expect(update!.session!.turn_detection).not.toHaveProperty('create_response');
    expect(session.config.instructions).toBe(parseSettings({}).instructions);
  });

  it('a speed the beta shape has no field for: refused by the schema (session.speed), dropped, said once', async () => {
    const { session, skews, errors } = await realtime({ strict: true }, { speed: 1.2 }, '2024-12-17');
    expect(received(session).find((e) => e.type === 'session.update')!.session).toHaveProperty('speed', 1.2);
    const error = session.sent.map((r) => r.event as { type: string; error?: { code: string; param: string } }).find((e) => e.type === 'error');
    expect(error?.error).toMatchObject({ code: 'unknown_parameter', param: 'session.speed' });
    expect(configs(session)[1]!.session).not.toHaveProperty('speed');
    expect(skews.map((s) => s.said)).toEqual([{ key: 'notice.skewSpeed' }]);
    expect(errors).toEqual([]);
  });

  it('an invalid value for an optional field (a voice the preview does not have) drops the field, naming the voice', async () => {
    const { session, skews } = await realtime({ strict: { invalid: ['session.voice'] } }, { voice: 'marin' }, '2024-10-01-preview');
    expect(configs(session)[1]!.session).not.toHaveProperty('voice');
    expect(skews.map((s) => s.said)).toEqual([{ key: 'notice.skewVoice', params: { voice: 'marin' } }]);
  });
});

describe('GPT-Live: session.start and session.update refused', () => {
  async function live(options: SimulatorOptions) {
    const started = (sim = await startSimulator(options));
    const settings = parseSettings({ provider: 'azure', protocol: 'live', voice: 'harema', azure: { endpoint: `http://127.0.0.1:${started.port}`, deployment: 'gpt-live-1' } });
    const keeper = new LiveKeeper({ endpoint: resolveLiveEndpoint(settings, { apiKey: 'azure-key-123' }), start: () => liveSessionStart(settings, []), renewal: false, closeTimeoutMs: 200 });
    closers.push(() => keeper.close());
    const skews: LiveKeeperEvents['skew'][0][] = [];
    keeper.on('skew', (s) => skews.push(s));
    const first = started.nextLiveSession(0);
    await keeper.open();
    return { keeper, skews, session: await first };
  }

  it('session.start without the refused voice, once; a reconnect starts without it too', async () => {
    const { skews, session } = await live({ strict: { unknown: ['session.audio.output.voice'] } });
    const [refused, again] = configs(session, 'session.start');
    expect((refused!.session!.audio as { output?: unknown }).output).toEqual({ voice: 'harema' });
    expect(again!.session!.audio).toEqual({ format: { type: 'audio/pcm', rate: 24_000 }, output: {} });
    expect(session.state).toBe('started');
    expect(skews.map((s) => s.said)).toEqual([{ key: 'notice.skewVoice', params: { voice: 'harema' } }]);

    const next = sim!.nextLiveSession(1);
    session.drop();
    const reconnected = await next;
    await until(() => reconnected.state === 'started');
    expect(configs(reconnected, 'session.start')).toHaveLength(1);
    expect(configs(reconnected, 'session.start')[0]!.session!.audio).toEqual({ format: { type: 'audio/pcm', rate: 24_000 }, output: {} });
    expect(skews).toHaveLength(1);
  });

  it('a session.update refused for one parameter goes again with the rest', async () => {
    const { keeper, skews, session } = await live({ strict: { unknown: ['session.triggers'] } });
    keeper.send({ type: 'session.update', session: { triggers: [], delegation: { type: 'client' } } });
    await until(() => sentTypes(session).includes('session.updated'));
    const [refused, again] = configs(session);
    expect(refused!.session).toHaveProperty('triggers');
    expect(again!.session).toEqual({ delegation: { type: 'client' } });
    expect(skews.map((s) => s.said)).toEqual([{ key: 'notice.skewOther', params: { param: 'session.triggers' } }]);
  });
});
