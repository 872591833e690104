import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Assistant } from '../../src/engine/assistant';
import { parseSettings } from '../../src/engine/settings';
import type { AssistantEvent } from '../../src/engine/events';
import { NaudiodonInput, NaudiodonOutput } from '../../src/engine/audio/devices/naudiodon';
import { startSimulator, type RunningSimulator } from '../../src/simulator';
import { tempDir } from '../../harness/temp';
import { speechWav, type SpeechWav } from '../../harness/speech';
import { pactl, speakIntoMic } from '../../harness/audio-rig';

/** A microphone in the same room as the speaker (the rig's loopback makes it one). */
class RoomMicrophone extends NaudiodonInput {
  override readonly hearsOutput = true;
}

/**
 * Speaker to microphone: -20 dB, 60 ms, a laptop's speakers near its microphone. (At -15 dB the
 * residual is mostly below -85 dBFS, but at some vowel onsets 40-60 ms leak through at up to
 * -35 dBFS, over the VAD's -40 dBFS; at -20 dB they stay below about -43. The synthetic echo path
 * shows no such leaks; here the output latency estimate flips between ~32 and ~41 ms.)
 */
const ECHO_GAIN_DB = -20;
const ECHO_LATENCY_MS = 60;
const REPLY_MS = 10_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The acoustic echo path on the PulseAudio rig: module-loopback plays what the speaker sink plays
 * (spk.monitor) into the microphone's sink (micsrc), delayed and attenuated, so the assistant hears
 * its own reply the way it would through laptop speakers.
 */
async function loadEchoPath(): Promise<() => Promise<void>> {
  const module = await pactl('load-module', 'module-loopback', 'source=spk.monitor', 'sink=micsrc', `latency_msec=${ECHO_LATENCY_MS}`, 'source_dont_move=true', 'sink_dont_move=true');
  const unload = async () => {
    await pactl('unload-module', module);
  };
  try {
    // The loopback's playback stream is the sink input owned by that module.
    const listing = JSON.parse(await pactl('--format=json', 'list', 'sink-inputs')) as Array<{ index: number; owner_module: string }>;
    const input = listing.find((s) => String(s.owner_module) === module);
    if (!input) throw new Error('loopback sink input not found');
    // A linear amplitude factor (pactl's percentages are on a cubic scale).
    await pactl('set-sink-input-volume', String(input.index), (10 ** (ECHO_GAIN_DB / 20)).toFixed(3));
  } catch (error) {
    await unload();
    throw error;
  }
  return unload;
}

describe('echo cancellation on the PulseAudio rig (speaker monitor fed back into the microphone)', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let sim: RunningSimulator;
  let unloadEcho: () => Promise<void>;
  let ask: SpeechWav;
  let stop: SpeechWav;

  beforeAll(async () => {
    dir = await tempDir();
    sim = await startSimulator({ port: 0, replyMs: REPLY_MS });
    unloadEcho = await loadEchoPath();
    ask = await speechWav(dir.path, 'ask', [{ say: 'Hello Kaiwa. Please tell me a long story.' }]);
    stop = await speechWav(dir.path, 'stop', [{ say: 'Wait, stop. I have a question.' }]);
  });
  afterAll(async () => {
    await unloadEcho?.();
    await sim?.close();
    await dir?.cleanup();
  });

  /**
   * Asks for a reply and lets it play; `during(speakingAt)` may talk over it. Returns the
   * speech_started events the server sent after the reply began, and the interrupts.
   */
  async function turn(echoCancellation: boolean, during?: () => Promise<void>) {
    const assistant = new Assistant({
      settings: parseSettings({ provider: 'local', echoCancellation }),
      credentials: {},
      input: new RoomMicrophone(),
      output: new NaudiodonOutput(),
      localUrl: sim.url,
    });
    const session = sim.nextSession();
    const events: AssistantEvent[] = [];
    let speakingSince = -1;
    let finished: () => void = () => {};
    const done = new Promise<void>((resolve) => (finished = resolve));
    assistant.subscribe((event) => {
      events.push(event);
      if (event.type === 'state' && event.state === 'speaking' && speakingSince < 0) speakingSince = events.length;
      if (speakingSince >= 0 && event.type === 'state' && event.state === 'listening') finished();
      if (event.type === 'interrupted') finished();
      if (event.type === 'error') finished();
    });
    await assistant.start();
    try {
      await sleep(300);
      await speakIntoMic(ask.path);
      if (during) await during();
      await Promise.race([done, sleep(REPLY_MS + 8_000)]);
      // Echo of the reply's last syllables would still reach the server's VAD for a moment.
      await sleep(800);
    } finally {
      await assistant.stop();
    }
    const sent = (await session).sent.map((s) => s.event as { type?: string });
    const replyStart = sent.findIndex((e) => e.type === 'response.output_audio.delta');
    const bargeIns = sent.slice(Math.max(0, replyStart)).filter((e) => e.type === 'input_audio_buffer.speech_started').length;
    return { events, bargeIns, replied: replyStart >= 0 };
  }

  it('echo cancellation on: a 10 s reply played while nobody speaks causes no barge-in', async () => {
    const { events, bargeIns, replied } = await turn(true);
    expect(replied).toBe(true);
    expect(events.filter((e) => e.type === 'error')).toEqual([]);
    expect(bargeIns).toBe(0);
    expect(events.some((e) => e.type === 'interrupted')).toBe(false);
  });

  it('echo cancellation off: the same reply interrupts itself (the echo path is real)', async () => {
    const { bargeIns, events } = await turn(false);
    expect(bargeIns).toBeGreaterThanOrEqual(1);
    expect(events.some((e) => e.type === 'interrupted' && e.reason === 'barge-in')).toBe(true);
  });

  it('echo cancellation on: the user talking over the reply is still a barge-in', async () => {
    const { events } = await turn(true, async () => {
      await sleep(3_000);
      await speakIntoMic(stop.path);
    });
    const interrupted = events.find((e) => e.type === 'interrupted');
    expect(interrupted).toMatchObject({ reason: 'barge-in' });
    expect((interrupted as { playedMs: number }).playedMs).toBeGreaterThan(1_500);
  });
});
