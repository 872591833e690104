import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readWavAsEngineAudio } from '../../../src/engine/audio/wav';
import type { WireEvent } from '../../../src/engine/realtime/dialects/types';
import { speechWav, type SpeechWav } from '../../../harness/speech';
import { tempDir } from '../../../harness/temp';
import { itemAddedType, type TestClient } from './client';
import { concat, silence, tone } from '../signals';
import { useSimulator } from './helpers';

const { start, connect } = useSimulator();

/** Sends `session.update` with this turn detection (and transcription on) and waits for the answer. */
async function configure(client: TestClient, turnDetection: Record<string, unknown> | null, transcription = true): Promise<void> {
  client.send({
    type: 'session.update',
    session: {
      type: 'realtime',
      audio: {
        input: {
          ...(transcription ? { transcription: { model: 'whisper-1' } } : {}),
          turn_detection: turnDetection as never,
        },
      },
    },
  });
  await client.next('session.updated');
}

/** Appends, then round-trips a `clear` so everything the audio caused has arrived. */
async function appendAndSettle(client: TestClient, pcm: Int16Array): Promise<void> {
  client.appendAudio(pcm);
  client.send({ type: 'input_audio_buffer.clear' });
  await client.next('input_audio_buffer.cleared');
}

describe.each(['ga', 'beta'] as const)('server VAD (%s)', (dialect) => {
  it('finds a 1 s tone burst between silences at the right ms, commits it, transcribes it and answers', async () => {
    await start({ replyMs: 500 });
    const client = await connect({ dialect });
    await configure(client, { type: 'server_vad' });
    client.appendAudio(concat(silence(500), tone(1000), silence(1000)));

    const started = await client.next('input_audio_buffer.speech_started');
    // Onset at 500 ms, less the default 300 ms prefix padding, within one 10 ms frame.
    expect(started.audio_start_ms).toBeGreaterThanOrEqual(190);
    expect(started.audio_start_ms).toBeLessThanOrEqual(210);
    const stopped = await client.next('input_audio_buffer.speech_stopped');
    // Speech ends at 1500 ms; the documented audio_end_ms includes the 200 ms silence duration.
    expect(stopped.audio_end_ms).toBeGreaterThanOrEqual(1690);
    expect(stopped.audio_end_ms).toBeLessThanOrEqual(1720);
    expect(stopped.item_id).toBe(started.item_id);

    const committed = await client.next('input_audio_buffer.committed');
    expect(committed.item_id).toBe(started.item_id);
    const added = await client.next(itemAddedType(dialect));
    expect(added.item).toMatchObject({ id: started.item_id, role: 'user', type: 'message' });
    const delta = await client.next('conversation.item.input_audio_transcription.delta');
    expect(delta.item_id).toBe(started.item_id);
    const transcribed = await client.next('conversation.item.input_audio_transcription.completed');
    expect(transcribed).toMatchObject({ item_id: started.item_id, transcript: '(1.5 s of speech)' });
    await client.next('response.created');
    const done = await client.next('response.done');
    expect(done.response).toMatchObject({ status: 'completed' });

    // One turn, one response.
    expect(client.all('input_audio_buffer.speech_started')).toHaveLength(1);
    expect(client.all('response.created')).toHaveLength(1);
  });

  it('honours threshold: a quiet tone is speech only for a low threshold', async () => {
    await start();
    const client = await connect({ dialect });
    await configure(client, { type: 'server_vad', threshold: 0.5, create_response: false }, false);
    await appendAndSettle(client, concat(silence(200), tone(600, -50), silence(400)));
    expect(client.all('input_audio_buffer.speech_started')).toHaveLength(0);

    await configure(client, { type: 'server_vad', threshold: 0.1, create_response: false }, false);
    client.appendAudio(concat(silence(200), tone(600, -50), silence(400)));
    await client.next('input_audio_buffer.speech_stopped');
    expect(client.all('response.created')).toHaveLength(0);
  });

  it('honours prefix_padding_ms and silence_duration_ms, and semantic_vad waits longer than server_vad', async () => {
    await start();
    const client = await connect({ dialect });
    await configure(client, { type: 'server_vad', prefix_padding_ms: 100, silence_duration_ms: 400, create_response: false }, false);
    // Input clock: the first 1000 ms were never speech; onset at 1000 ms.
    client.appendAudio(concat(silence(1000), tone(500), silence(600)));
    const started = await client.next('input_audio_buffer.speech_started');
    expect(started.audio_start_ms).toBeGreaterThanOrEqual(890);
    expect(started.audio_start_ms).toBeLessThanOrEqual(910);
    const stopped = await client.next('input_audio_buffer.speech_stopped');
    expect(stopped.audio_end_ms).toBeGreaterThanOrEqual(1890);
    expect(stopped.audio_end_ms).toBeLessThanOrEqual(1920);

    await configure(client, { type: 'semantic_vad', eagerness: 'auto', create_response: false }, false);
    // The clock is at 2100 ms; semantic_vad "auto" waits 600 ms of silence.
    client.appendAudio(concat(tone(500), silence(800)));
    const stopped2 = await client.next('input_audio_buffer.speech_stopped');
    expect(stopped2.audio_end_ms).toBeGreaterThanOrEqual(2600 + 590);
    expect(stopped2.audio_end_ms).toBeLessThanOrEqual(2600 + 620);
  });
});

describe('server VAD on real speech (espeak-ng)', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let wav: SpeechWav;
  let pcm: Int16Array;

  beforeAll(async () => {
    dir = await tempDir('kaiwa-sim-vad-');
    wav = await speechWav(dir.path, 'speech', [
      { silenceMs: 600 },
      { say: 'hello there, how are you today' },
      { silenceMs: 1500 },
      { say: 'fine thanks' },
      { silenceMs: 1500 },
    ]);
    pcm = await readWavAsEngineAudio(wav.path);
  });
  afterAll(async () => dir.cleanup());

  it('detects each utterance once, starting near its onset and stopping after it', async () => {
    await start({ replyMs: 300 });
    const client = await connect();
    // Word gaps in espeak speech are short; 500 ms of silence ends a turn.
    await configure(client, { type: 'server_vad', silence_duration_ms: 500, create_response: false });
    await appendAndSettle(client, pcm);

    const starts = client.all('input_audio_buffer.speech_started');
    const stops = client.all('input_audio_buffer.speech_stopped');
    expect(starts).toHaveLength(2);
    expect(stops).toHaveLength(2);
    wav.utterances.forEach((u, i) => {
      const start = starts[i]! as WireEvent & { audio_start_ms: number };
      const stop = stops[i]! as WireEvent & { audio_end_ms: number };
      // espeak-ng pads its output a little, so speech begins at or shortly after the segment start.
      expect(start.audio_start_ms).toBeGreaterThanOrEqual(u.startMs - 300 - 10);
      expect(start.audio_start_ms).toBeLessThanOrEqual(u.startMs + 200 - 300);
      expect(stop.audio_end_ms).toBeGreaterThan(u.startMs + 500);
      expect(stop.audio_end_ms).toBeLessThanOrEqual(u.endMs + 500 + 20);
    });
    const completed = client.all('conversation.item.input_audio_transcription.completed');
    expect(completed.map((e) => e.item_id)).toEqual(starts.map((e) => e.item_id));
  });
});
