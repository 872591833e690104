import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort } from '../../harness/ports';
import { Assistant, AssistantError } from '../../src/engine/assistant';
import { parseSettings, type SettingsInput } from '../../src/engine/settings';
import type { AssistantEvent } from '../../src/engine/events';
import type { DeviceErrorInfo, InputDevice } from '../../src/engine/audio/devices/types';
import { NullInput, NullOutput } from '../../src/engine/audio/devices/null';
import { WavFileInput, WavFileOutput } from '../../src/engine/audio/devices/wav-file';
import { readWavAsEngineAudio } from '../../src/engine/audio/wav';
import { base64ToPcm16 } from '../../src/engine/audio/pcm';
import { MIC_BATCH_SAMPLES } from '../../src/engine/audio/mic-path';
import { startSimulator, type RunningSimulator } from '../../src/simulator';
import { tempDir } from '../../harness/temp';
import { speechWav, type SpeechWav } from '../../harness/speech';
import { playedThroughUnderruns, receivedOfType, replyAudio } from '../../harness/replies';
import { watchAssistant } from '../../harness/assistant-watch';

const SPEED = 4; // file devices run 4x real time: the simulator works in audio time

let dir: Awaited<ReturnType<typeof tempDir>>;
let sim: RunningSimulator;
let speech: SpeechWav;

beforeAll(async () => {
  dir = await tempDir();
  // Replies stream 50x real time, so the 4x-speed output never underruns.
  sim = await startSimulator({ port: 0, replyMs: 1200, realtimeFactor: 50 });
  speech = await speechWav(dir.path, 'hello', [{ silenceMs: 200 }, { say: 'Hello there, how are you?' }, { silenceMs: 1200 }]);
});
afterAll(async () => {
  await sim?.close();
  await dir?.cleanup();
});

function settings(overrides: SettingsInput = {}) {
  return parseSettings({ provider: 'local', ...overrides });
}

const watch = (assistant: Assistant) => watchAssistant(assistant);

describe('Assistant', () => {
  it('runs a turn end to end: session.update first, 20 ms appends, the reply heard in full, transcripts, usage', async () => {
    const input = new WavFileInput(speech.path, { speed: SPEED });
    const output = new WavFileOutput(dir.file('turn.wav'), { speed: SPEED });
    const log: string[] = [];
    const assistant = new Assistant({ settings: settings(), credentials: {}, input, output, localUrl: sim.url, log: (l) => log.push(l) });
    const w = watch(assistant);
    const session = sim.nextSession();
    await assistant.start();
    expect(assistant.state).toBe('listening');
    await w.next((e) => e.type === 'usage');
    await w.state('listening', w.events.findIndex((e) => e.type === 'usage'));
    await assistant.stop();
    await assistant.stop(); // idempotent

    expect(w.states()).toEqual(['connecting', 'listening', 'user-speaking', 'thinking', 'speaking', 'listening', 'idle']);
    const s = await session;
    const received = s.received.map((r) => (r.event as { type: string }).type);
    expect(received[0]).toBe('session.update');
    const appends = receivedOfType<{ audio: string }>(s.received, 'input_audio_buffer.append');
    expect(appends.length).toBeGreaterThan(20);
    for (const a of appends) expect(base64ToPcm16(a.audio).length).toBe(MIC_BATCH_SAMPLES);

    expect(w.events.some((e) => e.type === 'transcript.final' && e.speaker === 'user')).toBe(true);
    expect(w.events.some((e) => e.type === 'transcript.final' && e.speaker === 'assistant')).toBe(true);
    expect(w.events.some((e) => e.type === 'transcript.delta' && e.speaker === 'assistant')).toBe(true);

    const [reply] = [...replyAudio(s.sent).values()];
    const heard = await readWavAsEngineAudio(dir.file('turn.wav'));
    // Every sample, in order; a loaded machine may starve the file output for a moment (zeros between).
    expect(playedThroughUnderruns(heard, reply!)).toBe(reply!.length);
    expect(w.events.filter((e) => e.type === 'error')).toEqual([]);
  });

  it('emits levels at most 60 times a second, with the output level of what is heard', async () => {
    const input = new WavFileInput(speech.path);
    const output = new NullOutput();
    const assistant = new Assistant({ settings: settings(), credentials: {}, input, output, localUrl: sim.url });
    const w = watch(assistant);
    const stamps: number[] = [];
    assistant.subscribe((e) => e.type === 'levels' && stamps.push(performance.now()));
    await assistant.start();
    await w.state('speaking');
    await w.state('listening', w.events.findIndex((e) => e.type === 'state' && e.state === 'speaking'));
    await assistant.stop();
    const spanS = (stamps.at(-1)! - stamps[0]!) / 1000;
    expect(spanS).toBeGreaterThan(1);
    expect(stamps.length).toBeLessThanOrEqual(Math.ceil(spanS * 60) + 1);
    const levels = w.events.filter((e): e is Extract<AssistantEvent, { type: 'levels' }> => e.type === 'levels');
    expect(levels.some((l) => l.input.rmsDb > -40)).toBe(true);
    expect(levels.some((l) => l.output.rmsDb > -30)).toBe(true);
  });

  it('mute sends no microphone audio; unmute resumes; settings changes re-send session.update', async () => {
    const chunks: Array<(pcm: Int16Array) => void> = [];
    const input: InputDevice = { name: 'script', start: async (onAudio) => void chunks.push(onAudio), stop: async () => {} };
    const assistant = new Assistant({ settings: settings(), credentials: {}, input, output: new NullOutput(), localUrl: sim.url });
    const session = sim.nextSession();
    await assistant.start();
    const s = await session;
    const frame = new Int16Array(240).fill(50);
    const appends = () => receivedOfType(s.received, 'input_audio_buffer.append').length;

    // Muted frames first, then unmuted ones; the socket keeps order, so once the unmuted batches
    // arrived, any muted ones would have arrived before them.
    assistant.setMuted(true);
    expect(assistant.muted).toBe(true);
    for (let i = 0; i < 12; i++) chunks[0]!(frame);
    assistant.setMuted(false);
    for (let i = 0; i < 6; i++) chunks[0]!(frame);
    const unmutedBatches = (6 * frame.length) / MIC_BATCH_SAMPLES;
    await until(() => appends() >= unmutedBatches);
    expect(appends()).toBe(unmutedBatches);

    // Nothing is playing: interrupt is a no-op. The settings change that follows is the barrier.
    assistant.interrupt();
    assistant.updateSettings(settings({ voice: 'cedar', instructions: 'Speak like a pirate.' }));
    await until(() => receivedOfType(s.received, 'session.update').length === 2);
    const types = s.received.map((r) => (r.event as { type: string }).type);
    expect(types.filter((t) => t !== 'input_audio_buffer.append')).toEqual(['session.update', 'session.update']);
    await until(() => s.config.audio.output.voice === 'cedar');
    expect(s.config.instructions).toBe('Speak like a pirate.');
    await assistant.stop();
  });

  it('reconnects after a dropped connection: reconnecting (attempt 1), then listening, the new session configured and told the conversation', async () => {
    // Session 0 drops (no close frame) right after its first reply is done: `response.done` is event
    // 40 of this turn (session.created, session.updated, 10 of the user's turn, 28 of the reply).
    const flaky = await startSimulator({ port: 0, replyMs: 600, realtimeFactor: 50, faults: (i) => (i === 0 ? { dropAfterEvents: 40 } : undefined) });
    try {
      const input = new WavFileInput(speech.path, { speed: SPEED });
      const assistant = new Assistant({ settings: settings(), credentials: {}, input, output: new NullOutput({ speed: SPEED }), localUrl: flaky.url });
      const w = watch(assistant);
      await assistant.start();
      await w.next((e) => e.type === 'notice' && e.key === 'notice.reconnected');
      await w.state('listening', w.events.findIndex((e) => e.type === 'state' && e.state === 'reconnecting'));
      const second = await flaky.nextSession(1);
      await until(() => second.received.length >= 1);
      expect((second.received[0]!.event as { type: string }).type).toBe('session.update');
      expect(w.events).toContainEqual({ type: 'state', state: 'reconnecting', attempt: 1 });
      expect(w.events.some((e) => e.type === 'notice' && e.key === 'notice.connectionLost')).toBe(true);
      expect(w.events.filter((e) => e.type === 'error')).toEqual([]);
      // What was said before the drop is replayed as text items.
      const replayed = receivedOfType<{ item: { role: string } }>(second.received, 'conversation.item.create');
      expect(replayed.map((r) => r.item.role)).toEqual(['user', 'assistant']);
      await assistant.stop();
    } finally {
      await flaky.close();
    }
  });

  it('switches to a new session when the endpoint changes, keeping the devices and replaying what was said', async () => {
    const chunks: Array<(pcm: Int16Array) => void> = [];
    const input: InputDevice = { name: 'script', start: async (onAudio) => void chunks.push(onAudio), stop: async () => {} };
    const assistant = new Assistant({ settings: settings(), credentials: {}, input, output: new NullOutput(), localUrl: sim.url });
    const w = watch(assistant);
    await assistant.start();
    assistant.record.final('u1', 'user', 'Remember the number seven.');
    const next = sim.nextSession();
    assistant.updateSettings(settings({ model: 'gpt-realtime-mini' }));
    const s = await next;
    await until(() => receivedOfType(s.received, 'conversation.item.create').length === 1);
    expect((s.received[0]!.event as { type: string }).type).toBe('session.update');
    await w.state('listening', w.events.findIndex((e) => e.type === 'state' && e.state === 'idle'));
    expect(w.states()).toEqual(['connecting', 'listening', 'idle', 'connecting', 'listening']);
    // The microphone (started once) now feeds the new session.
    expect(chunks).toHaveLength(1);
    chunks[0]!(new Int16Array(MIC_BATCH_SAMPLES).fill(50));
    await until(() => receivedOfType(s.received, 'input_audio_buffer.append').length === 1);
    expect(w.events.filter((e) => e.type === 'error')).toEqual([]);
    await assistant.stop();
    expect(assistant.state).toBe('idle');
  });

  it('reports a failing device as an error event (code device) and keeps going', async () => {
    let fail!: (info: DeviceErrorInfo) => void;
    const input: InputDevice = {
      name: 'flaky',
      start: async () => {
        fail = (info) => input.onError?.(info);
      },
      stop: async () => {},
    };
    const assistant = new Assistant({ settings: settings(), credentials: {}, input, output: new NullOutput(), localUrl: sim.url });
    const w = watch(assistant);
    await assistant.start();
    fail({ message: 'unplugged', lost: true });
    expect(w.events.at(-1)).toEqual({ type: 'error', code: 'device', fatal: false, key: 'error.microphoneFailed', params: { detail: 'unplugged' } });
    expect(assistant.state).toBe('listening');
    await assistant.stop();
  });

  it('rejects start() with a typed error after an error event: refused connection', async () => {
    const port = await closedPort();
    const assistant = new Assistant({
      settings: settings({ provider: 'custom', url: `ws://127.0.0.1:${port}/v1/realtime` }),
      credentials: {},
      input: new NullInput(),
      output: new NullOutput(),
    });
    const w = watch(assistant);
    const error = await assistant.start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AssistantError);
    expect(error).toMatchObject({ code: 'network' });
    expect((error as Error).message).toMatch(/refused/);
    expect(w.events).toContainEqual({
      type: 'error', code: 'network', fatal: true,
      key: 'error.connectionFailed', params: { detail: { key: 'failure.refused', params: { host: `127.0.0.1:${port}` } } },
    });
    expect(assistant.state).toBe('error');
  });

  it('rejects start() with code auth on a 401, and never logs or emits the key', async () => {
    const guarded = await startSimulator({ port: 0, requireApiKey: 'sk-right' });
    try {
      const log: string[] = [];
      const assistant = new Assistant({
        settings: settings({ provider: 'custom', url: guarded.url }),
        credentials: { apiKey: 'sk-wrong-secret-value' },
        input: new NullInput(),
        output: new NullOutput(),
        log: (l) => log.push(l),
      });
      const w = watch(assistant);
      const error = await assistant.start().catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'AssistantError', code: 'auth' });
      expect(JSON.stringify([w.events, log, (error as Error).message])).not.toContain('sk-wrong-secret-value');
    } finally {
      await guarded.close();
    }
  });

  it('rejects start() with code config when the provider needs a key it does not have', async () => {
    const assistant = new Assistant({ settings: settings({ provider: 'openai' }), credentials: {}, input: new NullInput(), output: new NullOutput() });
    await expect(assistant.start()).rejects.toMatchObject({ code: 'config' });
  });
});

/** Polls a condition the simulator's recording will meet (it records as messages arrive). */
async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
