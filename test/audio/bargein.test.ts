import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Assistant } from '../../src/engine/assistant';
import { parseSettings } from '../../src/engine/settings';
import type { AssistantEvent } from '../../src/engine/events';
import { NaudiodonInput, NaudiodonOutput } from '../../src/engine/audio/devices/naudiodon';
import { startSimulator, type RunningSimulator } from '../../src/simulator';
import { tempDir } from '../../harness/temp';
import { speechWav } from '../../harness/speech';
import { receivedOfType, replyAudio } from '../../harness/replies';
import { MonitorRecorder, firstAbove, lastAbove, speakIntoMic } from '../../harness/audio-rig';
import { replyPositionAt } from '../../harness/audio-analysis';

const PER_MS = 24;
/** The margin for real devices. */
const MARGIN_MS = 60;
/** Above the monitor's digital silence and resampler ringing, below the voice's quietest syllable edges. */
const AUDIBLE = 200;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Barge-in through the real devices: the user speaks into the virtual microphone, the reply
 * plays to the speaker sink, the user speaks again ~2 s into it. What the speaker played is
 * recorded at its monitor and put on this process's clock (MonitorRecorder explains how), so
 * "stopped within 60 ms of speech_started" and "truncated at what was heard" are checked against
 * the sound itself, not the engine's own bookkeeping.
 */
describe('barge-in on the PulseAudio rig', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let sim: RunningSimulator;

  beforeAll(async () => {
    dir = await tempDir();
    sim = await startSimulator({ port: 0, replyMs: 6000 });
  });
  afterAll(async () => {
    await sim?.close();
    await dir?.cleanup();
  });

  it('silences the speaker within 60 ms of speech_started and truncates at what the monitor heard', async () => {
    const ask = await speechWav(dir.path, 'ask', [{ say: 'Hello Kaiwa. Please tell me a long story.' }]);
    const stop = await speechWav(dir.path, 'stop', [{ say: 'Wait, stop. I have a question.' }]);

    const monitor = new MonitorRecorder('spk.monitor');
    await monitor.started();
    const output = new NaudiodonOutput();
    const assistant = new Assistant({
      settings: parseSettings({ provider: 'local' }),
      credentials: {},
      input: new NaudiodonInput(),
      output,
      localUrl: sim.url,
    });
    const session = sim.nextSession();
    const events: Array<{ at: number; event: AssistantEvent }> = [];
    const waiters: Array<{ test: (e: AssistantEvent) => boolean; resolve: (at: number) => void }> = [];
    assistant.subscribe((event) => {
      const at = performance.now();
      events.push({ at, event });
      for (const w of waiters.splice(0)) if (w.test(event)) w.resolve(at); else waiters.push(w);
    });
    const when = (test: (e: AssistantEvent) => boolean, timeoutMs: number) =>
      Promise.race([
        new Promise<number>((resolve) => waiters.push({ test, resolve })),
        sleep(timeoutMs).then(() => Promise.reject(new Error(`no such event within ${timeoutMs} ms`))),
      ]);

    let latencyAtInterrupt = -1;
    assistant.subscribe((event) => {
      if (event.type === 'interrupted') latencyAtInterrupt = output.latencyMs();
    });
    await assistant.start();
    try {
      await sleep(300);
      const speaking = when((e) => e.type === 'state' && e.state === 'speaking', 20_000);
      await speakIntoMic(ask.path);
      const speakingAt = await speaking;
      await sleep(Math.max(0, speakingAt + 2000 - performance.now()));
      const interrupted = when((e) => e.type === 'interrupted', 20_000);
      await speakIntoMic(stop.path);
      await interrupted;
      await sleep(700);
    } finally {
      await assistant.stop();
    }
    const heard = await monitor.stop();
    const { sent, received } = await session;

    const replies = [...replyAudio(sent).entries()];
    const [itemId, reply] = replies[0]!;
    const interrupt = events.find((e) => e.event.type === 'interrupted')!;
    expect(interrupt.event).toMatchObject({ itemId, reason: 'barge-in' });
    const speakingAt = events.find((e) => e.event.type === 'state' && e.event.state === 'speaking')!.at;
    // speech_started as the simulator sent it: the barge-in one comes after the reply began. Its
    // send time is at most the time it reached the client, so measuring from it is the strict side.
    const firstDeltaAt = sent.find((s) => (s.event as { type?: string }).type === 'response.output_audio.delta')!.at;
    const speechStarted = sent.filter((s) => (s.event as { type?: string }).type === 'input_audio_buffer.speech_started' && s.at > firstDeltaAt);
    expect(speechStarted.length).toBeGreaterThanOrEqual(1);
    const speechStartedAt = speechStarted[0]!.at;

    // Where the reply starts and stops at the speaker. Up to 1 s after speech_started no sound of it
    // may follow (the next reply waits for the end of the ~1.8 s utterance plus 500 ms of silence),
    // so a cut that fell into a pause of the voice is still checked by the sound that did not resume.
    const onset = firstAbove(heard.samples, AUDIBLE, heard.indexAt(speakingAt - 300));
    const lastSound = lastAbove(heard.samples, AUDIBLE, heard.indexAt(speechStartedAt + 1000));
    expect(onset).toBeGreaterThan(0);
    expect(lastSound).toBeGreaterThan(onset);
    const stoppedAt = heard.timeOf(lastSound + 1);
    const stopLatency = stoppedAt - speechStartedAt;
    console.log(
      `barge-in: stopped at the monitor ${stopLatency.toFixed(1)} ms after speech_started was sent ` +
        `(${(stoppedAt - interrupt.at).toFixed(1)} ms after the interrupted event; device latency then ${latencyAtInterrupt.toFixed(1)} ms; ` +
        `parec latency ${heard.recorderLatencyMs.toFixed(1)} ms)`,
    );
    expect(stopLatency).toBeLessThanOrEqual(MARGIN_MS);

    // A real cut ~2 s into the 6 s reply.
    const heardSpanMs = (lastSound - onset) / PER_MS;
    expect(heardSpanMs).toBeGreaterThan(1500);
    expect(heardSpanMs).toBeLessThan(4500);

    // How much of the reply was heard: match the monitor's last 40 ms against the reply around where
    // the onset says it should be (underflow gaps can only make the prior late).
    const replyOnset = firstAbove(reply, AUDIBLE);
    const prior = replyOnset + (lastSound + 1 - onset);
    const match = replyPositionAt(heard.samples, lastSound + 1, reply, prior - 400 * PER_MS, prior + 50 * PER_MS);
    expect(match.score).toBeGreaterThan(0.8);
    const heardMs = match.position / PER_MS;
    // When the cut fell into a pause of the voice, the true cut lies between the last sound heard
    // and the next sound of the reply.
    const nextSound = firstAbove(reply, AUDIBLE, match.position);
    const nextSoundMs = (nextSound < 0 ? reply.length : nextSound) / PER_MS;

    const truncates = receivedOfType<{ item_id: string; audio_end_ms: number }>(received, 'conversation.item.truncate');
    expect(truncates).toHaveLength(1);
    expect(truncates[0]!.item_id).toBe(itemId);
    const audioEndMs = truncates[0]!.audio_end_ms;
    console.log(`barge-in: truncate audio_end_ms ${audioEndMs}, heard at the monitor ${heardMs.toFixed(1)} ms (next sound at ${nextSoundMs.toFixed(1)} ms)`);
    expect(audioEndMs).toBeGreaterThanOrEqual(heardMs - MARGIN_MS);
    expect(audioEndMs).toBeLessThanOrEqual(nextSoundMs + MARGIN_MS);
  });
});
