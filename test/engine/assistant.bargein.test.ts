import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Assistant } from '../../src/engine/assistant';
import { parseSettings } from '../../src/engine/settings';
import type { AssistantEvent } from '../../src/engine/events';
import { WavFileInput, WavFileOutput } from '../../src/engine/audio/devices/wav-file';
import { readWavAsEngineAudio } from '../../src/engine/audio/wav';
import { startSimulator, type RunningSimulator } from '../../src/simulator';
import { tempDir } from '../helpers/temp';
import { speechWav } from '../helpers/speech';
import { locateReply, receivedOfType, replyAudio, silentBetween } from '../helpers/replies';

const PER_MS = 24; // samples per ms at 24 kHz
const MARGIN_MS = 20; // the acceptance margin

/**
 * The acceptance criterion, in process (so the output position can be read at the moment
 * speech_started reaches the client): the user speaks again 2 s into a 6 s reply.
 */
describe('barge-in on a real socket, the simulator, and WAV-file devices', () => {
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

  it('stops the reply within 20 ms of speech_started, plays none of it after, and truncates at what was heard', async () => {
    // Reply playback starts ~0.5 s (VAD silence) after the first utterance; the second utterance
    // begins ~2 s into it.
    const wav = await speechWav(dir.path, 'barge-in', [
      { silenceMs: 300 },
      { say: 'Hello Kaiwa. Please tell me a long story.' },
      { silenceMs: 2600 },
      { say: 'Wait, stop. I have a question.' },
      { silenceMs: 1200 },
    ]);
    const input = new WavFileInput(wav.path);
    const output = new WavFileOutput(dir.file('heard.wav'));
    const assistant = new Assistant({ settings: parseSettings({ provider: 'local' }), credentials: {}, input, output, localUrl: sim.url });
    const session = sim.nextSession();

    let positionAtInterrupt = -1;
    let interrupted: Extract<AssistantEvent, { type: 'interrupted' }> | undefined;
    const gotInterrupt = new Promise<void>((resolve) =>
      assistant.subscribe((event) => {
        if (event.type !== 'interrupted') return;
        positionAtInterrupt = output.positionMs();
        interrupted = event;
        resolve();
      }),
    );
    await assistant.start();
    await gotInterrupt;
    await input.exhausted;
    await assistant.stop();

    const recorded = (await session).received;
    const replies = replyAudio((await session).sent);
    const [firstItem, firstReply] = [...replies.entries()][0]!;
    expect(interrupted).toMatchObject({ itemId: firstItem, reason: 'barge-in' });

    const heard = await readWavAsEngineAudio(dir.file('heard.wav'));
    const found = locateReply(heard, firstReply)!;
    expect(found).not.toBeNull();
    // What of the reply is present: at least up to its last non-zero sample heard, at most the
    // verbatim match (the two differ only when the cut falls in a pause of the voice).
    let lastAudible = found.played;
    while (lastAudible > 0 && heard[found.start + lastAudible - 1] === 0) lastAudible--;
    const presentMs = { low: lastAudible / PER_MS, high: found.played / PER_MS };
    const cutMs = { low: (found.start + lastAudible) / PER_MS, high: (found.start + found.played) / PER_MS };

    // It was a real cut ~2 s into the 6 s reply, not the end of the reply.
    expect(presentMs.high).toBeGreaterThan(1000);
    expect(presentMs.high).toBeLessThan(4500);
    expect(firstReply.length / PER_MS).toBeGreaterThan(presentMs.high + 1000);

    // The reply stops within 20 ms (output time) of the moment speech_started reached the client.
    expect(positionAtInterrupt).toBeGreaterThanOrEqual(cutMs.low - MARGIN_MS);
    expect(positionAtInterrupt).toBeLessThanOrEqual(cutMs.high + MARGIN_MS);

    // None of that item's audio follows: silence until the next reply, which is another item.
    const cut = found.start + found.played;
    const next = heard.findIndex((v, i) => i >= cut && v !== 0);
    if (next >= 0) {
      expect(next - cut).toBeGreaterThan(1000 * PER_MS);
      const second = [...replies.entries()][1];
      expect(second).toBeDefined();
      const again = locateReply(heard, second![1], cut)!;
      expect(again.start).toBeGreaterThanOrEqual(cut);
      expect(again.played).toBeGreaterThan(0);
    } else {
      expect(silentBetween(heard, cut, heard.length)).toBe(true);
    }

    // The truncate sent to the server equals the reply milliseconds present in the WAV.
    const truncates = receivedOfType<{ item_id: string; content_index: number; audio_end_ms: number }>(recorded, 'conversation.item.truncate');
    expect(truncates).toHaveLength(1);
    expect(truncates[0]).toMatchObject({ item_id: firstItem, content_index: 0 });
    expect(truncates[0]!.audio_end_ms).toBeGreaterThanOrEqual(presentMs.low - MARGIN_MS);
    expect(truncates[0]!.audio_end_ms).toBeLessThanOrEqual(presentMs.high + MARGIN_MS);
    expect(interrupted!.playedMs).toBe(truncates[0]!.audio_end_ms);
  });
});
