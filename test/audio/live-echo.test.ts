import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Assistant } from '../../src/engine/assistant';
import { parseSettings } from '../../src/engine/settings';
import type { AssistantEvent } from '../../src/engine/events';
import { NaudiodonInput, NaudiodonOutput } from '../../src/engine/audio/devices/naudiodon';
import type { InputDevice } from '../../src/engine/audio/devices/types';
import { startSimulator, type RunningSimulator } from '../../src/simulator';
import { tempDir } from '../../harness/temp';
import { speechWav, type SpeechWav } from '../../harness/speech';
import { loadEchoLoopback, speakIntoMic } from '../../harness/audio-rig';

/** A microphone in the same room as the speaker (the rig's loopback makes it one). */
class RoomMicrophone extends NaudiodonInput {
  override readonly hearsOutput = true;
}

/** The same microphone, taken for a headset: the engine sees no echo path, so it cancels nothing. */
function headset(mic: NaudiodonInput): InputDevice {
  return {
    name: mic.name,
    hearsOutput: false,
    start: (onAudio) => mic.start(onAudio),
    stop: () => mic.stop(),
    set onError(handler: InputDevice['onError']) {
      mic.onError = handler;
    },
  };
}

/** As in echo.test.ts: laptop speakers near the microphone. */
const ECHO = { gainDb: -20, latencyMs: 60 };
const REPLY_MS = 8_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * GPT-Live is full duplex: the model listens while it speaks and stops for whatever it hears, its
 * own voice included. On the rig's echo path (speaker monitor fed back into the microphone) the
 * simulated Live model must never be fooled while echo cancellation runs (always, for GPT-Live,
 * when the microphone hears the speaker), and is fooled when nothing cancels the echo.
 */
describe('GPT-Live on the PulseAudio rig with an echo path', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let sim: RunningSimulator;
  let unloadEcho: () => Promise<void>;
  let ask: SpeechWav;

  beforeAll(async () => {
    dir = await tempDir();
    sim = await startSimulator({ port: 0, replyMs: REPLY_MS });
    unloadEcho = await loadEchoLoopback(ECHO);
    ask = await speechWav(dir.path, 'ask', [{ say: 'Hello Kaiwa. Please tell me a long story.' }]);
  });
  afterAll(async () => {
    await unloadEcho?.();
    await sim?.close();
    await dir?.cleanup();
  });

  /** One question, then the reply plays out while nobody speaks. */
  async function turn(input: InputDevice) {
    const assistant = new Assistant({
      settings: parseSettings({ provider: 'local', protocol: 'live' }),
      credentials: {},
      input,
      output: new NaudiodonOutput(),
      localUrl: sim.url,
    });
    const session = sim.nextLiveSession();
    const events: AssistantEvent[] = [];
    assistant.subscribe((event) => {
      if (event.type !== 'levels') events.push(event);
    });
    await assistant.start();
    const live = await session;
    try {
      await sleep(300);
      await speakIntoMic(ask.path);
      // The user's turn ends after 500 ms of silence; then the reply, and its echo's tail.
      await sleep(REPLY_MS + 2_500);
    } finally {
      await assistant.stop();
    }
    const replied = live.sent.some((s) => typeof s.event === 'object' && s.event.type === 'session.output_audio.delta');
    return { events, replied, interruptions: live.interruptions };
  }

  it('echo cancellation (on for GPT-Live when the microphone hears the speaker): the model is never fooled by its own voice', async () => {
    const { events, replied, interruptions } = await turn(new RoomMicrophone());
    expect(replied).toBe(true);
    expect(events.filter((e) => e.type === 'error')).toEqual([]);
    expect(interruptions).toEqual([]);
  });

  it('no echo cancellation (the microphone taken for a headset): the model hears itself and stops its own reply', async () => {
    const { replied, interruptions } = await turn(headset(new NaudiodonInput()));
    expect(replied).toBe(true);
    expect(interruptions.length).toBeGreaterThanOrEqual(1);
    expect(interruptions[0]!.spokenMs).toBeLessThan(REPLY_MS);
  });
});
