import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Assistant } from '../../src/engine/assistant';
import { parseSettings, type SettingsInput } from '../../src/engine/settings';
import type { AssistantEvent } from '../../src/engine/events';
import { NaudiodonInput, NaudiodonOutput } from '../../src/engine/audio/devices/naudiodon';
import { writeWavPcm16 } from '../../src/engine/audio/wav';
import { startSimulator, type RunningSimulator } from '../../src/simulator';
import { tempDir } from '../../harness/temp';
import { speechWav, type SpeechWav } from '../../harness/speech';
import { loadEchoLoopback, MonitorRecorder, soundSpan, speakIntoMic, MONITOR_RATE } from '../../harness/audio-rig';

const REPLY_MS = 5_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A microphone in the same room as the speaker (the rig's loopback makes it one). */
class RoomMicrophone extends NaudiodonInput {
  override readonly hearsOutput = true;
}

/**
 * The local VAD (issue 12) on real devices: PortAudio on the PulseAudio rig, the simulator as the
 * server. A cough-like burst over the reply ducks it and, the server hearing no speech in it, the
 * reply resumes and plays to its end; on the echo path with AEC3, the reply's own voice never ducks
 * it.
 */
describe('local VAD on the PulseAudio rig', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let sim: RunningSimulator;
  let ask: SpeechWav;
  let coughPath: string;
  let clickPath: string;

  beforeAll(async () => {
    dir = await tempDir();
    sim = await startSimulator({ port: 0, replyMs: REPLY_MS });
    ask = await speechWav(dir.path, 'ask', [{ say: 'Hello Kaiwa. Please tell me a story.' }]);
    // A cough: 200 ms of breath noise and a 180 Hz buzz, rising in 10 ms and dying away, loudest
    // frame about -28 dBFS. WebRTC's VAD calls it voice (20 of 20 variants, even after digital
    // silence, which the rig's microphone is); the simulator's VAD at threshold 0.8 (-22 dBFS) does not.
    const cough = new Int16Array((MONITOR_RATE * 300) / 1000);
    const length = (MONITOR_RATE * 200) / 1000;
    let seed = 3;
    for (let i = 0; i < length; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      const breath = (seed / 2 ** 32) * 2 - 1;
      const buzz = ((i % 133) / 133) * 2 - 1;
      const envelope = Math.min(1, i / 240) * (1 - i / length) ** 0.5;
      cough[i] = Math.round(2500 * envelope * (0.6 * breath + 0.6 * buzz));
    }
    coughPath = dir.file('cough.wav');
    await writeFile(coughPath, writeWavPcm16(cough, MONITOR_RATE));
    // A click (a key, a tap on the desk): 15 ms of the same breath noise and buzz, no decay.
    const click = new Int16Array((MONITOR_RATE * 100) / 1000);
    for (let i = 0; i < (MONITOR_RATE * 15) / 1000; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      click[i] = Math.round(2500 * (0.6 * ((seed / 2 ** 32) * 2 - 1) + 0.6 * (((i % 133) / 133) * 2 - 1)));
    }
    clickPath = dir.file('click.wav');
    await writeFile(clickPath, writeWavPcm16(click, MONITOR_RATE));
  });
  afterAll(async () => {
    await sim?.close();
    await dir?.cleanup();
  });

  /** Asks for a reply and lets it play to its end (or a cut); `during` may make a sound over it. */
  async function turn(settings: SettingsInput, input: NaudiodonInput, during?: () => Promise<void>) {
    const monitor = new MonitorRecorder();
    await monitor.started();
    const log: string[] = [];
    const assistant = new Assistant({ settings: parseSettings({ provider: 'local', ...settings }), credentials: {}, input, output: new NaudiodonOutput(), localUrl: sim.url, log: (l) => log.push(l) });
    const session = sim.nextSession();
    const events: AssistantEvent[] = [];
    let speaking: () => void = () => {};
    const spoke = new Promise<void>((resolve) => (speaking = resolve));
    let finished: () => void = () => {};
    const done = new Promise<void>((resolve) => (finished = resolve));
    let replying = false;
    assistant.subscribe((event) => {
      if (event.type === 'levels') return;
      events.push(event);
      if (event.type === 'state' && event.state === 'speaking') {
        replying = true;
        speaking();
      }
      if ((replying && event.type === 'state' && event.state === 'listening') || event.type === 'interrupted' || event.type === 'error') finished();
    });
    await assistant.start();
    try {
      await sleep(300);
      await speakIntoMic(ask.path);
      await Promise.race([spoke, sleep(8_000)]);
      if (during) await during();
      await Promise.race([done, sleep(REPLY_MS + 8_000)]);
      await sleep(300);
    } finally {
      await assistant.stop();
    }
    const recording = await monitor.stop();
    const received = (await session).received.map((r) => (r.event as { type: string }).type);
    return { events, log, received, recording };
  }

  it.each(['immediate', 'pause-then-decide'] as const)('%s: a cough over the reply ducks it, and the whole reply plays on after the pause', async (mode) => {
    const { events, log, received, recording } = await turn({ interruption: { mode, minSpeechMs: 400, localVad: true }, turnDetection: { threshold: 0.8 } }, new NaudiodonInput(), async () => {
      await sleep(1_500);
      await speakIntoMic(coughPath);
    });
    expect(events.filter((e) => e.type === 'error')).toEqual([]);
    expect(log.some((l) => l.includes('local VAD: voice over the reply, ducked'))).toBe(true);
    expect(log.some((l) => l.includes('the reply resumes'))).toBe(true);
    // Not cut: nothing interrupted, cancelled or truncated, and the reply's words all shown.
    expect(events.filter((e) => e.type === 'interrupted')).toEqual([]);
    expect(received).not.toContain('response.cancel');
    expect(received).not.toContain('conversation.item.truncate');
    expect(events.some((e) => e.type === 'transcript.final' && e.speaker === 'assistant')).toBe(true);
    // At the speaker: the reply's sound spans its length plus the pause (a cut would end it ~1.5 s
    // in; no duck would take REPLY_MS). Loose on the upper side: a busy machine underflows.
    const span = soundSpan(recording.samples)!;
    const spanMs = ((span.end - span.start) * 1000) / MONITOR_RATE;
    expect(spanMs).toBeGreaterThan(REPLY_MS + 400);
    expect(spanMs).toBeLessThan(REPLY_MS + 3_000);
  });

  it('a click over the reply ducks it for a moment only: taken back, the reply plays on at once', async () => {
    const { events, log, recording } = await turn({ interruption: { mode: 'immediate', minSpeechMs: 400, localVad: true }, turnDetection: { threshold: 0.8 } }, new NaudiodonInput(), async () => {
      await sleep(1_500);
      await speakIntoMic(clickPath);
    });
    expect(events.filter((e) => e.type === 'error')).toEqual([]);
    expect(log.some((l) => l.includes('local VAD: voice over the reply, ducked'))).toBe(true);
    expect(log.some((l) => l.includes('a short sound, not a voice'))).toBe(true);
    expect(log.some((l) => l.includes('no confirmation within'))).toBe(false);
    expect(events.filter((e) => e.type === 'interrupted')).toEqual([]);
    // The whole reply, longer by the short pause only (a cough's costs the duck's 700 ms window).
    const span = soundSpan(recording.samples)!;
    const spanMs = ((span.end - span.start) * 1000) / MONITOR_RATE;
    expect(spanMs).toBeGreaterThan(REPLY_MS - 100);
    expect(spanMs).toBeLessThan(REPLY_MS + 600);
  });

  it('echo path with AEC3: the reply heard back through the room never ducks it', async () => {
    const unloadEcho = await loadEchoLoopback({ gainDb: -20, latencyMs: 60 });
    try {
      const { events, log } = await turn({ echoCancellation: true, interruption: { mode: 'immediate', minSpeechMs: 400, localVad: true } }, new RoomMicrophone());
      expect(events.some((e) => e.type === 'state' && e.state === 'speaking')).toBe(true);
      expect(log.filter((l) => l.includes('local VAD'))).toEqual([]);
      expect(events.filter((e) => e.type === 'interrupted')).toEqual([]);
    } finally {
      await unloadEcho();
    }
  });
});
