import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Assistant } from '../../../src/engine/assistant';
import type { AssistantEvent } from '../../../src/engine/events';
import type { MeterReading } from '../../../src/engine/meter';
import { NullOutput } from '../../../src/engine/audio/devices/null';
import { WavFileInput, WavFileOutput } from '../../../src/engine/audio/devices/wav-file';
import { parseSettings, type Settings, type SettingsInput } from '../../../src/engine/settings';
import { startSimulator, type RunningSimulator } from '../../../src/simulator';
import { speechWav, type SpeechWav } from '../../../harness/speech';
import { tempDir } from '../../../harness/temp';
import { watchAssistant } from '../../../harness/assistant-watch';

/**
 * The spending cap end to end: the Assistant against the simulator over a real socket, the
 * simulator's own usage (Realtime `response.done` usage, GPT-Live `session.usage.updated`) priced
 * by the table. The caps are below the settings' minimum (a cent) so that one short turn reaches
 * them: the engine takes any amount, the minimum is the form's.
 */

let dir: Awaited<ReturnType<typeof tempDir>>;
let sim: RunningSimulator;
let twoQuestions: SpeechWav;

beforeAll(async () => {
  dir = await tempDir();
  sim = await startSimulator({ port: 0, replyMs: 1200, realtimeFactor: 50, live: { usageIntervalMs: 100, realtimeFactor: 50 } });
  twoQuestions = await speechWav(dir.path, 'two-questions', [
    { silenceMs: 200 },
    { say: 'Hello there, how are you?' },
    { silenceMs: 5000 },
    { say: 'And what is the weather like?' },
    { silenceMs: 8000 },
  ]);
});
afterAll(async () => {
  await sim?.close();
  await dir?.cleanup();
});

const settings = (input: SettingsInput, capUsd: number): Settings => ({ ...parseSettings({ provider: 'local', ...input }), spendingCapUsd: capUsd });

function watch(assistant: Assistant) {
  const w = watchAssistant(assistant, 15_000);
  return { ...w, meters: () => w.of('meter').map((e) => e.meter) };
}

type Notice = Extract<AssistantEvent, { type: 'notice' }>;
const notice = (key: string) => (e: AssistantEvent): e is Notice => e.type === 'notice' && e.key === key;
const meterWhere = (test: (m: MeterReading) => boolean) => (e: AssistantEvent): e is Extract<AssistantEvent, { type: 'meter' }> => e.type === 'meter' && test(e.meter);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the spending cap against the simulator', () => {
  it('Realtime: the first reply reaches the cap, the microphone is held (the second question goes unsent and unanswered), raising the cap releases it', async () => {
    const input = new WavFileInput(twoQuestions.path, { speed: 2 });
    const output = new WavFileOutput(dir.file('cap.wav'), { speed: 2 });
    const assistant = new Assistant({ settings: settings({}, 0.0005), credentials: {}, input, output, localUrl: sim.url });
    const w = watch(assistant);
    const session = sim.nextSession();
    await assistant.start();
    const s = await session;
    const reached = await w.next(notice('notice.spendingCapReached'));
    const appends = () => s.received.filter((r) => (r.event as { type?: string }).type === 'input_audio_buffer.append').length;
    // The user's own unmute does not lift the cap.
    assistant.setMuted(false);
    await sleep(300); // what was in flight when the cap was reached
    const heldAt = appends();
    const capped = w.meters().find((m) => m.capReached)!;
    expect(capped.costUsd).toBeGreaterThanOrEqual(0.0005);
    expect(reached.params).toEqual({ capUsd: 0.0005, costUsd: capped.costUsd });
    expect(capped.tokens.total).toBeGreaterThan(0);
    expect(capped.models).toEqual(['gpt-realtime']);
    // The time left counts to the server's own expires_at (the connection kept its session.created).
    const created = s.sent.find((r) => typeof r.event === 'object' && r.event.type === 'session.created')!.event as unknown as { session: { expires_at: number } };
    expect(capped.sessionExpiresAt).toBe(created.session.expires_at * 1000);
    // The second question is spoken (at 2x, ~3 s of wall time later) but never sent.
    await sleep(4_000);
    expect(appends()).toBe(heldAt);
    expect(w.events.filter((e) => e.type === 'usage')).toHaveLength(1);

    // Raising the cap above the cost releases the microphone: the trailing silence flows again.
    assistant.updateSettings(settings({}, 1));
    await w.next(notice('notice.spendingCapRaised'));
    await w.next(meterWhere((m) => m.capUsd === 1 && !m.capReached));
    await sleep(300);
    expect(appends()).toBeGreaterThan(heldAt);

    await assistant.stop();
    const final = w.meters().at(-1)!;
    expect(final).toMatchObject({ final: true, capReached: false, sessions: 1 });
    expect(final.sessionExpiresAt).toBeUndefined();
    expect(final.tokens).toEqual(capped.tokens);
    expect(w.events.filter((e) => e.type === 'error')).toEqual([]);
  }, 30_000);

  it('GPT-Live: the session bills while open, so reaching the cap ends the conversation; the final reading has the session’s closing seconds', async () => {
    const input = new WavFileInput(twoQuestions.path);
    const assistant = new Assistant({ settings: settings({ model: 'gpt-live-1' }, 0.0005), credentials: {}, input, output: new NullOutput(), localUrl: sim.url });
    const w = watch(assistant);
    const session = sim.nextLiveSession();
    await assistant.start();
    const s = await session;
    // $0.0005 at $0.05 a minute is 0.6 s of the session.
    const reached = await w.next(notice('notice.spendingCapReachedLive'));
    await w.next((e): e is AssistantEvent => e.type === 'state' && e.state === 'idle');
    const final = (await w.next(meterWhere((m) => m.final))).meter;
    expect(w.meters().at(-1)).toBe(final);
    expect(final.liveSeconds).toBeGreaterThanOrEqual(0.6);
    expect(final.costUsd).toBeCloseTo((final.liveSeconds / 60) * 0.05, 10);
    expect((reached.params as { costUsd: number }).costUsd).toBeGreaterThanOrEqual(0.0005);
    expect(s.received.some((r) => (r.event as { type?: string }).type === 'session.close')).toBe(true);
    expect(assistant.state).toBe('idle');
  }, 30_000);

  it('an unknown price cannot be capped: the conversation goes on, a notice says so once', async () => {
    const input = new WavFileInput(twoQuestions.path, { speed: 2 });
    // A server that reports a model the price table does not know.
    const url = `${new URL(sim.url).origin}/v1/realtime?model=my-voice-model`;
    const assistant = new Assistant({ settings: settings({ provider: 'custom', url, model: 'my-voice-model' }, 0.0005), credentials: {}, input, output: new NullOutput() });
    const w = watch(assistant);
    await assistant.start();
    await w.next((e): e is AssistantEvent => e.type === 'usage');
    await w.next(meterWhere((m) => m.tokens.total > 0));
    await assistant.stop();
    expect(w.events.filter(notice('notice.spendingCapUnknownPrice')).map((e) => e.params)).toEqual([{ model: 'my-voice-model' }]);
    expect(w.events.some(notice('notice.spendingCapReached'))).toBe(false);
    expect(w.meters().at(-1)).toMatchObject({ final: true, costUsd: null, unknownModels: ['my-voice-model'] });
  }, 30_000);
});
