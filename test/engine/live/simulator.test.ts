import { describe, expect, it } from 'vitest';
import { Assistant } from '../../../src/engine/assistant';
import { parseSettings } from '../../../src/engine/settings';
import type { AssistantEvent } from '../../../src/engine/events';
import type { FrameSource, InputDevice, OutputDevice } from '../../../src/engine/audio/devices/types';
import { FramePacer } from '../../../src/engine/audio/devices/pacer';
import { base64ToPcm16 } from '../../../src/engine/audio/pcm';
import { readWavAsEngineAudio } from '../../../src/engine/audio/wav';
import { readConversationFile } from '../../../src/engine/conversation-log/file';
import { liveSpecValidator } from '../../../src/simulator/live/spec/validator';
import { startSimulator, type LiveSimSession } from '../../../src/simulator';
import { runKaiwa } from '../../../harness/cli';
import { speechPerSuite, SPOKEN_QUESTION } from '../../../harness/speech';
import { locateReply } from '../../../harness/replies';
import { voice } from './helpers/session-harness';

/** End to end against the simulator's GPT-Live endpoint (strict validation, real-time pace, full duplex). */

const suite = speechPerSuite('question', SPOKEN_QUESTION);

/** Every client event Kaiwa sent, checked against the JSON Schemas generated from the openai Live types. */
function expectValidClientEvents(session: LiveSimSession): void {
  expect(session.received.length).toBeGreaterThan(0);
  for (const { event } of session.received) {
    const result = liveSpecValidator().validate('client', event);
    expect(result.ok, JSON.stringify(result)).toBe(true);
  }
}

function liveReply(session: LiveSimSession): Int16Array {
  const chunks = session.sent
    .map((r) => r.event as { type?: string; delta?: string })
    .filter((e) => e.type === 'session.output_audio.delta' && e.delta)
    .map((e) => base64ToPcm16(e.delta!));
  const out = new Int16Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

describe('the CLI on GPT-Live, a scripted conversation from a WAV file', () => {
  it('--url .../v1/live/sessions --model gpt-live-1: both sides transcribed, all of the reply recorded in order, valid events, exits 0', async () => {
    const sim = await startSimulator({ port: 0, replyMs: 1500 });
    try {
      const out = suite.dir.file('live.wav');
      const jsonl = suite.dir.file('live.jsonl');
      const run = await runKaiwa(['--url', sim.liveUrl, '--model', 'gpt-live-1', '--input', suite.speech.path, '--output', out, '--transcript', jsonl]);
      expect(run.signal, run.stdout).toBeNull();
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout.split('\n')[0]).toBe(`GPT-Live · gpt-live-1 · 127.0.0.1:${sim.port}`);
      const lines = readConversationFile(jsonl);
      const finals = lines.filter((l) => l.kind === 'transcript');
      expect(finals.map((l) => l.speaker)).toEqual(['user', 'assistant']);
      expect(finals.every((l) => l.text)).toBe(true);
      expect(lines.filter((l) => l.kind === 'error')).toEqual([]);

      const session = sim.liveSessions[0]!;
      expectValidClientEvents(session);
      const types = session.received.map((r) => (r.event as { type: string }).type);
      expect(types[0]).toBe('session.start');
      expect(types.at(-1)).toBe('session.close');
      // The whole reply is in the recording, every sample in order (a chunk that came later than
      // the prebuffer covers would add silence on a loaded machine, never lose or reorder audio).
      const reply = liveReply(session);
      const recording = await readWavAsEngineAudio(out);
      const found = locateReply(recording, reply);
      expect(found).not.toBeNull();
      const voiced = (pcm: Int16Array) => pcm.filter((v) => v !== 0);
      const heard = voiced(recording.subarray(found!.start));
      const sent = voiced(reply);
      expect(heard.length).toBeGreaterThanOrEqual(sent.length);
      expect(heard.subarray(0, sent.length)).toEqual(sent);
    } finally {
      await sim.close();
    }
  });
});

/**
 * A room between speaker and microphone: the microphone hears what the speaker played 40 ms ago at
 * -20 dB (the level the audio rig tests pass at: test/audio/echo), after the user's first words (a
 * voiced tone). Speaker and microphone run on one sound card clock, as a full-duplex device does:
 * each 10 ms the speaker plays a frame and the microphone captures one that holds the echo of the
 * frame played four before it. A busy event loop makes the callbacks late and bursty (the pacer
 * then hands out every frame owed), but the echo path stays what a room is, linear and
 * time-invariant. (Two independent pacers made it neither under load: a late microphone burst
 * repeated one stale echo frame, an echo no room produces and no canceller removes, and the
 * simulator heard it.)
 */
class Room {
  private readonly played: Int16Array[] = [];
  readonly speaker: OutputDevice;
  readonly microphone: InputDevice;
  private pull: FrameSource | null = null;
  private onAudio: ((pcm: Int16Array) => void) | null = null;
  private captured = 0;
  private readonly clock: FramePacer;

  constructor(hearsOutput: boolean, userMs: number) {
    const words = voice(userMs);
    this.clock = new FramePacer(10, 1, (due) => {
      for (let i = 0; i < due; i++) this.frame(words);
    });
    this.speaker = {
      name: 'room speaker',
      start: async (pull: FrameSource) => {
        this.pull = pull;
        this.clock.start();
      },
      stop: async () => {
        this.pull = null;
        this.stopIfIdle();
      },
      latencyMs: () => 40,
      positionMs: () => this.played.length * 10,
    };
    this.microphone = {
      name: 'room microphone',
      hearsOutput,
      start: async (onAudio) => {
        this.onAudio = onAudio;
        this.clock.start();
      },
      stop: async () => {
        this.onAudio = null;
        this.stopIfIdle();
      },
    };
  }

  /** One tick of the sound card: the speaker plays a frame, the microphone captures one. */
  private frame(words: Int16Array): void {
    if (this.pull) this.played.push(this.pull().slice());
    if (!this.onAudio) return;
    const frame = new Int16Array(240);
    const echo = this.played[this.played.length - 1 - 4];
    if (echo) for (let j = 0; j < 240; j++) frame[j] = Math.round(echo[j]! * 0.1);
    const at = this.captured * 240;
    if (at < words.length) for (let j = 0; j < 240; j++) frame[j] = (frame[j]! + (words[at + j] ?? 0)) | 0;
    this.captured++;
    this.onAudio(frame);
  }

  private stopIfIdle(): void {
    if (!this.pull && !this.onAudio) this.clock.stop();
  }
}

async function conversationInARoom(hearsOutput: boolean): Promise<{ session: LiveSimSession; events: AssistantEvent[] }> {
  const sim = await startSimulator({ port: 0, replyMs: 4000 });
  const room = new Room(hearsOutput, 500);
  const assistant = new Assistant({ settings: parseSettings({ provider: 'local', model: 'gpt-live-1' }), credentials: {}, input: room.microphone, output: room.speaker, localUrl: sim.url });
  const events: AssistantEvent[] = [];
  assistant.subscribe((e) => events.push(e));
  try {
    const next = sim.nextLiveSession();
    await assistant.start();
    const session = await next;
    // The user's words, the 4 s reply over the echo, and a little after.
    await new Promise((r) => setTimeout(r, 6_500));
    return { session, events };
  } finally {
    await assistant.stop();
    await sim.close();
  }
}

describe('full duplex on speakers: the model must not hear itself', () => {
  it('without echo cancellation the simulator takes its own voice for the user and stops itself (the failure is visible)', async () => {
    const { session } = await conversationInARoom(false);
    expect(session.interruptions.length).toBeGreaterThan(0);
  });

  it('a microphone that hears the speaker gets AEC3 on for GPT-Live (setting off) and the warm-up gate: the reply plays through', async () => {
    const { session, events } = await conversationInARoom(true);
    expect(session.interruptions, 'the simulator stopped itself (ms of reply sent)').toEqual([]);
    expect(events.filter((e) => e.type === 'interrupted')).toEqual([]);
    expect(events.some((e) => e.type === 'transcript.final' && e.speaker === 'assistant')).toBe(true);
    expectValidClientEvents(session);
  });
});
