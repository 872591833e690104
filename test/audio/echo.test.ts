import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Assistant } from '../../src/engine/assistant';
import { parseSettings } from '../../src/engine/settings';
import type { AssistantEvent } from '../../src/engine/events';
import { NaudiodonInput, NaudiodonOutput } from '../../src/engine/audio/devices/naudiodon';
import type { FrameSource } from '../../src/engine/audio/devices/types';
import { startSimulator, type RunningSimulator } from '../../src/simulator';
import { tempDir } from '../../harness/temp';
import { speechWav, type SpeechWav } from '../../harness/speech';
import { loadEchoLoopback, speakIntoMic } from '../../harness/audio-rig';

/** A microphone in the same room as the speaker (the rig's loopback makes it one). */
class RoomMicrophone extends NaudiodonInput {
  override readonly hearsOutput = true;
}

/**
 * The speaker, noting when it pulls each frame. It is fed 10 ms at a time from the event loop: on a
 * CPU-starved machine it underflows (measured at load 10-16 on 2 cores: 49-61% of the frames of a
 * 10 s reply pulled, gaps up to 380 ms), which is what a failure here has to be read against.
 */
class TimedSpeaker extends NaudiodonOutput {
  readonly pulls: number[] = [];
  override start(pull: FrameSource): Promise<void> {
    return super.start(() => {
      this.pulls.push(performance.now());
      return pull();
    });
  }
  /** How the speaker was fed in [from, to): the share of real time, the longest gap between pulls. */
  feeding(from: number, to: number): string {
    const pulls = this.pulls.filter((t) => t >= from && t < to);
    const gap = pulls.reduce((max, t, i) => (i > 0 ? Math.max(max, t - pulls[i - 1]!) : max), 0);
    return `the speaker was fed ${((pulls.length * 10 * 100) / Math.max(1, to - from)).toFixed(0)}% of real time, longest gap ${gap.toFixed(0)} ms`;
  }
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

describe('echo cancellation on the PulseAudio rig (speaker monitor fed back into the microphone)', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let sim: RunningSimulator;
  let unloadEcho: () => Promise<void>;
  let ask: SpeechWav;
  let stop: SpeechWav;

  beforeAll(async () => {
    dir = await tempDir();
    sim = await startSimulator({ port: 0, replyMs: REPLY_MS });
    unloadEcho = await loadEchoLoopback({ gainDb: ECHO_GAIN_DB, latencyMs: ECHO_LATENCY_MS });
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
    const speaker = new TimedSpeaker();
    const assistant = new Assistant({
      settings: parseSettings({ provider: 'local', echoCancellation }),
      credentials: {},
      input: new RoomMicrophone(),
      output: speaker,
      localUrl: sim.url,
    });
    const session = sim.nextSession();
    const events: AssistantEvent[] = [];
    let speakingSince = -1;
    let replyFrom = 0;
    let replyTo = 0;
    let finished: () => void = () => {};
    const done = new Promise<void>((resolve) => (finished = resolve));
    assistant.subscribe((event) => {
      events.push(event);
      if (event.type === 'state' && event.state === 'speaking' && speakingSince < 0) {
        speakingSince = events.length;
        replyFrom = performance.now();
      }
      const ends = (speakingSince >= 0 && event.type === 'state' && event.state === 'listening') || event.type === 'interrupted' || event.type === 'error';
      if (ends && !replyTo) replyTo = performance.now();
      if (ends) finished();
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
    const feeding = speaker.feeding(replyFrom, replyTo || performance.now());
    return { events, bargeIns, replied: replyStart >= 0, feeding };
  }

  it('echo cancellation on: a 10 s reply played while nobody speaks causes no barge-in', async () => {
    const { events, bargeIns, replied, feeding } = await turn(true);
    expect(replied).toBe(true);
    expect(events.filter((e) => e.type === 'error')).toEqual([]);
    expect(bargeIns, feeding).toBe(0);
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
