import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/simulator';
import { tempDir } from '../../harness/temp';
import { speechWav, type SpeechWav } from '../../harness/speech';
import { runBargeIns, type BargeInRun } from '../../harness/barge-in-run';

/**
 * Loose bounds on issue 12's figures (bench/native-audio.ts measures them): a loaded 2-core
 * machine underflows and delays callbacks, so these say "the path works as designed", not "fast".
 */
const SPEECH_STARTED_TO_SILENT_MS = 60;
const VOICE_TO_SILENT_MS = 400;
const TRUNCATE_ERROR_MS = 25;

/**
 * Barge-in through the real devices (harness/barge-in-run.ts): the user speaks into the virtual
 * microphone, the reply plays to the speaker sink, and twice the user speaks again ~2 s into the
 * reply (the first time 3.5 s with the echo path: the canceller's warm-up gates the microphone). What the speaker played and what the microphone heard are recorded at their monitors and
 * put on this process's clock, so the figures are checked against the sound itself, not the
 * engine's own bookkeeping.
 */
describe('barge-in on the PulseAudio rig', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let sim: RunningSimulator;
  let ask: SpeechWav;
  let stop: SpeechWav;

  beforeAll(async () => {
    dir = await tempDir();
    sim = await startSimulator({ port: 0, replyMs: 6000 });
    ask = await speechWav(dir.path, 'ask', [{ say: 'Hello Kaiwa. Please tell me a long story.' }]);
    stop = await speechWav(dir.path, 'stop', [{ say: 'Wait, stop. I have a question.' }]);
  });
  afterAll(async () => {
    await sim?.close();
    await dir?.cleanup();
  });

  /** The session's log of a run, shown when it fails (what the duck and the barge-in policy decided). */
  function logged(): { lines: string[]; log: (line: string) => void } {
    const started = performance.now();
    const lines: string[] = [];
    return { lines, log: (line) => lines.push(`${(performance.now() - started).toFixed(0)} ms: ${line}`) };
  }

  async function check(run: BargeInRun, log: string[] = []): Promise<void> {
    // Underflow gaps on a loaded machine can spoil the match of where the reply stopped in one
    // round (bench/native-audio.ts lists them): the other round is checked in full.
    const unmatched = run.problems.filter((p) => p.includes('did not match'));
    expect(run.problems.filter((p) => !unmatched.includes(p)), log.join('\n')).toEqual([]);
    expect(unmatched.length).toBeLessThanOrEqual(1);
    expect(run.rounds.length + unmatched.length).toBe(2);
    expect(run.falseBargeIns, log.join('\n')).toBe(0);
    for (const r of run.rounds) {
      console.log(
        `barge-in: voice -> silent ${r.voiceToSilentMs.toFixed(1)} ms, speech_started -> silent ${r.speechStartedToSilentMs.toFixed(1)} ms, ` +
          `audio_end_ms ${r.audioEndMs} vs heard ${r.heardMs.toFixed(1)} ms (then ${r.pauseMs.toFixed(0)} ms of pause in the reply), underflows ${run.underflows}`,
      );
      // A cut in a pause of the reply's voice is silent early: the bounds hold all the more.
      expect(r.speechStartedToSilentMs).toBeLessThanOrEqual(SPEECH_STARTED_TO_SILENT_MS);
      expect(r.voiceToSilentMs).toBeLessThanOrEqual(VOICE_TO_SILENT_MS);
      // The reply was really cut (~2 s into 6 s), and the truncate says what was played: where the
      // last sound was, or later within the pause that followed it.
      expect(r.heardMs).toBeGreaterThan(1000);
      expect(r.heardMs).toBeLessThan(5000);
      expect(r.audioEndMs).not.toBeNull();
      expect(r.audioEndMs!).toBeGreaterThanOrEqual(r.heardMs - TRUNCATE_ERROR_MS);
      expect(r.audioEndMs!).toBeLessThanOrEqual(r.heardMs + r.pauseMs + TRUNCATE_ERROR_MS);
    }
  }

  it('immediate, headset: silences the speaker soon after the voice and truncates at what the speaker played', async () => {
    await check(await runBargeIns({ sim, ask, stop, rounds: 2, mode: 'immediate', echoPath: false, localVad: false }));
  });

  it('pause-then-decide over the echo path with its canceller and the local VAD: the same, and no false barge-in', async () => {
    const { lines, log } = logged();
    await check(await runBargeIns({ sim, ask, stop, rounds: 2, mode: 'pause-then-decide', echoPath: true, localVad: true, log }), lines);
  });
});
