import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MicPath, type MicSink } from '../../../src/engine/audio/mic-path';
import { NullOutput } from '../../../src/engine/audio/devices/null';
import { readWavAsEngineAudio } from '../../../src/engine/audio/wav';
import { speechWav } from '../../../harness/speech';
import { tempDir } from '../../../harness/temp';

/** The mic path's hook of the local VAD (issue 12): when it listens, and what it tells the sink. */
describe('MicPath: voice onsets for the session', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let phrase: Int16Array;

  beforeAll(async () => {
    dir = await tempDir();
    phrase = await readWavAsEngineAudio((await speechWav(dir.path, 'phrase', [{ silenceMs: 400 }, { say: 'Hold on a second.' }, { silenceMs: 300 }])).path);
  });
  afterAll(() => dir?.cleanup());

  function rig(hearsOutput: boolean) {
    const onsets: number[] = [];
    const retractions: number[] = [];
    let pushed = 0;
    const sink: MicSink & { wantsVoiceOnsets: boolean } = {
      acceptsAudio: true,
      sendAudio: () => {},
      wantsVoiceOnsets: true,
      voiceOnset: () => onsets.push(pushed),
      voiceRetracted: () => retractions.push(pushed),
    };
    const errors: string[] = [];
    const mic = new MicPath({ output: new NullOutput(), hearsOutput, onError: (m) => errors.push(m) });
    mic.sink = sink;
    const speak = (pcm: Int16Array) => {
      for (let at = 0; at < pcm.length; at += 480) {
        pushed = at;
        mic.push(pcm.subarray(at, at + 480));
      }
    };
    return { mic, sink, onsets, retractions, errors, speak };
  }

  it('tells the sink once when a voice starts, while the sink wants onsets', async () => {
    const r = rig(false);
    await r.mic.prepareVoiceOnsets();
    r.speak(phrase);
    expect(r.onsets).toHaveLength(1);
    expect(r.retractions).toEqual([]);
    expect(r.errors).toEqual([]);
    await r.mic.close();
  });

  it('takes the onset of a click back, after the onset', async () => {
    const r = rig(false);
    await r.mic.prepareVoiceOnsets();
    const click = new Int16Array(600 * 24);
    let seed = 5;
    for (let i = 400 * 24; i < 415 * 24; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      click[i] = Math.round(((seed / 2 ** 32) * 2 - 1) * 12_000);
    }
    r.speak(click);
    expect(r.onsets).toHaveLength(1);
    expect(r.retractions).toHaveLength(1);
    expect(r.retractions[0]!).toBeGreaterThan(r.onsets[0]!);
    await r.mic.close();
  });

  it('does not listen while the sink wants no onsets (nothing playing, local VAD off), nor before it is prepared', async () => {
    const unprepared = rig(false);
    unprepared.speak(phrase);
    expect(unprepared.onsets).toEqual([]);

    const r = rig(false);
    await r.mic.prepareVoiceOnsets();
    r.sink.wantsVoiceOnsets = false;
    r.speak(phrase);
    expect(r.onsets).toEqual([]);
    r.sink.wantsVoiceOnsets = true;
    r.speak(phrase);
    expect(r.onsets).toHaveLength(1);
    await r.mic.close();
  });

  it('listens where the microphone hears the speaker and no echo canceller runs too (headphones are not announced)', async () => {
    const r = rig(true);
    await r.mic.prepareVoiceOnsets();
    r.speak(phrase);
    expect(r.onsets).toHaveLength(1);
    await r.mic.close();
  });
});
