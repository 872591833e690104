import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Assistant } from '../../src/engine/assistant';
import { parseSettings } from '../../src/engine/settings';
import type { AssistantEvent } from '../../src/engine/events';
import { WavFileInput, WavFileOutput } from '../../src/engine/audio/devices/wav-file';
import { readWavAsEngineAudio } from '../../src/engine/audio/wav';
import { startSimulator, type RunningSimulator } from '../../src/simulator';
import { tempDir } from '../../harness/temp';
import { speechWav } from '../../harness/speech';
import { locateReply, receivedOfType, replyAudio, silentBetween } from '../../harness/replies';

const PER_MS = 24; // samples per ms at 24 kHz
const MARGIN_MS = 20; // the acceptance margin

/**
 * The acceptance criterion, in process (so the output position can be read at the moment
 * speech_started reaches the client): the user speaks again 2 s into a 6 s reply.
 */
describe('barge-in on a real socket, the simulator, and WAV-file devices', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;

  beforeAll(async () => {
    dir = await tempDir();
  });
  afterAll(async () => {
    await dir?.cleanup();
  });

  // The simulator streams a 6 s reply in ~1.5 s by default, so the reply is complete when the user
  // barges in; at 1.2x real time it is still streaming, and the client must cancel it too.
  it.concurrent.each([
    { dialect: 'ga', streaming: false },
    { dialect: 'beta', streaming: false },
    { dialect: 'ga', streaming: true },
  ] as const)('$dialect dialect, reply still streaming: $streaming — stops within 20 ms of speech_started, plays none of it after, truncates at what was heard', async ({ dialect, streaming }) => {
    const sim = await startSimulator({ port: 0, replyMs: 6000, dialect, ...(streaming ? { realtimeFactor: 1.2 } : {}) });
    try {
      await bargeIn(dialect, streaming, sim);
    } finally {
      await sim.close();
    }
  });

  async function bargeIn(dialect: 'ga' | 'beta', streaming: boolean, sim: RunningSimulator): Promise<void> {
    const name = `${dialect}-${streaming ? 'streaming' : 'complete'}`;
    // Reply playback starts ~0.5 s (VAD silence) after the first utterance; the second utterance
    // begins ~2 s into it.
    const wav = await speechWav(dir.path, `barge-in-${name}`, [
      { silenceMs: 300 },
      { say: 'Hello Kaiwa. Please tell me a long story.' },
      { silenceMs: 2600 },
      { say: 'Wait, stop. I have a question.' },
      { silenceMs: 1200 },
    ]);
    const input = new WavFileInput(wav.path);
    const output = new WavFileOutput(dir.file(`heard-${name}.wav`));
    // The server's path alone (speech_started -> silence): the local VAD's duck is tested in assistant.local-vad.test.ts.
    const settings = parseSettings({ provider: 'local', dialect, interruption: { localVad: false } });
    const assistant = new Assistant({ settings, credentials: {}, input, output, localUrl: sim.url });
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

    const heard = await readWavAsEngineAudio(dir.file(`heard-${name}.wav`));
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
    // More of it had arrived (or, streaming, was arriving) than was heard: that part is dropped.
    expect(firstReply.length / PER_MS).toBeGreaterThan(presentMs.high + (streaming ? 100 : 1000));

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

    // Cancel only while the response was still active, and always before the truncate.
    const order = recorded.map((r) => (r.event as { type: string }).type).filter((t) => t === 'response.cancel' || t === 'conversation.item.truncate');
    expect(order).toEqual(streaming ? ['response.cancel', 'conversation.item.truncate'] : ['conversation.item.truncate']);
    if (streaming) expect(interrupted!.receivedMs).toBeLessThan(6000);
    else expect(interrupted!.receivedMs).toBe(6000);
  }
});
