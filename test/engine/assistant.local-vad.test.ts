import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Assistant } from '../../src/engine/assistant';
import { parseSettings, type SettingsInput } from '../../src/engine/settings';
import type { AssistantEvent } from '../../src/engine/events';
import { WavFileInput, WavFileOutput } from '../../src/engine/audio/devices/wav-file';
import { readWavAsEngineAudio, writeWavPcm16 } from '../../src/engine/audio/wav';
import { startSimulator } from '../../src/simulator';
import { tempDir } from '../../harness/temp';
import { speechWav, type SpeechWav } from '../../harness/speech';
import { locateReply, receivedOfType, replyAudio } from '../../harness/replies';

const PER_MS = 24;

/** Where `needle` occurs verbatim in `haystack` at or after `from`; -1 if nowhere. */
function findSamples(haystack: Int16Array, needle: Int16Array, from: number): number {
  outer: for (let i = from; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
/** The server's events come this much later than the simulator would send them: a cloud's VAD and network, roughly. */
const SERVER_DELAY_MS = 250;

/**
 * The local VAD's duck (issue 12) end to end: the engine, the simulator over a real socket, WAV-file
 * devices at real time. The server is slowed by SERVER_DELAY_MS so its confirmation comes
 * measurably after the duck.
 */
describe('local VAD: duck over a playing reply, then the server decides', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let speech: SpeechWav;
  let coughPath: string;
  let clickPath: string;
  /** Where the noise burst starts in the cough and click files (ms). */
  let coughAtMs: number;

  beforeAll(async () => {
    dir = await tempDir();
    speech = await speechWav(dir.path, 'interrupt', [
      { silenceMs: 300 },
      { say: 'Tell me a story.' },
      { silenceMs: 2000 },
      { say: 'Wait, stop.' },
      { silenceMs: 1000 },
    ]);
    // The question, then a cough-like burst ~1 s into the reply, then quiet until the reply (3 s) has played.
    const question = await speechWav(dir.path, 'question', [{ silenceMs: 300 }, { say: 'Tell me a story.' }, { silenceMs: 2000 }]);
    const head = await readWavAsEngineAudio(question.path);
    coughAtMs = Math.round(head.length / PER_MS);
    const cough = new Int16Array(head.length + 4500 * PER_MS);
    cough.set(head);
    let seed = 11;
    for (let i = 0; i < 150 * PER_MS; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      // Broadband noise at about -37 dBFS RMS, decaying like a cough: WebRTC's VAD calls it voice,
      // the simulator's server VAD at threshold 0.6 (-34 dBFS) does not.
      cough[head.length + i] = Math.round(((seed / 2 ** 32) * 2 - 1) * 800 * (1 - i / (150 * PER_MS)) ** 0.5);
    }
    coughPath = dir.file('cough.wav');
    await writeFile(coughPath, writeWavPcm16(cough, 24_000));
    // A click (a key, a tap on the desk): 15 ms of broadband noise at the same place, as quiet as the cough.
    const click = new Int16Array(cough.length);
    click.set(head);
    for (let i = 0; i < 15 * PER_MS; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      click[head.length + i] = Math.round(((seed / 2 ** 32) * 2 - 1) * 800);
    }
    clickPath = dir.file('click.wav');
    await writeFile(clickPath, writeWavPcm16(click, 24_000));
  });
  afterAll(async () => {
    await dir?.cleanup();
  });

  async function run(name: string, file: string, overrides: SettingsInput, replyMs: number) {
    // The reply streams 20x real time, all of it queued at once: a busy machine cannot starve the player.
    const sim = await startSimulator({ port: 0, replyMs, realtimeFactor: 20, faults: { delayMs: SERVER_DELAY_MS } });
    try {
      const input = new WavFileInput(file);
      const output = new WavFileOutput(dir.file(`heard-${name}.wav`));
      const log: string[] = [];
      const events: AssistantEvent[] = [];
      let positionAtInterrupt = -1;
      const settings = parseSettings({ provider: 'local', ...overrides });
      const assistant = new Assistant({ settings, credentials: {}, input, output, localUrl: sim.url, log: (line) => log.push(line) });
      assistant.subscribe((event) => {
        if (event.type === 'levels') return;
        if (event.type === 'interrupted') positionAtInterrupt = output.positionMs();
        events.push(event);
      });
      const session = sim.nextSession();
      await assistant.start();
      await input.exhausted;
      await assistant.stop();
      const s = await session;
      const [reply] = [...replyAudio(s.sent).values()];
      return { log, events, positionAtInterrupt, received: s.received, reply: reply!, heard: await readWavAsEngineAudio(dir.file(`heard-${name}.wav`)) };
    } finally {
      await sim.close();
    }
  }

  it.each(['immediate', 'pause-then-decide'] as const)(
    '%s: the user speaks over the reply — silent before the server confirms, then cut and truncated at what was heard',
    async (mode) => {
      const r = await run(`confirm-${mode}`, speech.path, { interruption: { mode, minSpeechMs: 400, localVad: true } }, 4000);
      const ducked = r.log.findIndex((l) => l.includes('local VAD: voice over the reply, ducked'));
      const confirmed = r.log.findIndex((l) => l.includes('local VAD: the server confirmed'));
      expect(ducked).toBeGreaterThanOrEqual(0);
      expect(confirmed).toBeGreaterThan(ducked);
      const interrupted = r.events.find((e) => e.type === 'interrupted');
      expect(interrupted).toMatchObject({ reason: 'barge-in' });

      const found = locateReply(r.heard, r.reply)!;
      const cutMs = (found.start + found.played) / PER_MS;
      const onsetMs = speech.utterances[1]!.startMs;
      // The reply went quiet soon after the voice began (the local VAD's ~30-40 ms and a device
      // buffer; loosely, as the file devices' clocks drift apart on a busy machine: a test is not a
      // benchmark), well before the server's word arrived.
      expect(cutMs).toBeGreaterThan(onsetMs);
      expect(cutMs).toBeLessThan(onsetMs + 300);
      expect(r.positionAtInterrupt).toBeGreaterThan(cutMs + SERVER_DELAY_MS / 2);
      // After the fade (10 ms) nothing more of the reply is heard.
      const fadeEnd = found.start + found.played + 12 * PER_MS;
      expect(r.heard.subarray(fadeEnd, fadeEnd + 1000 * PER_MS).every((v) => v === 0)).toBe(true);

      // The truncate tells the server what was heard: up to the duck, not up to the confirmation.
      const truncates = receivedOfType<{ audio_end_ms: number }>(r.received, 'conversation.item.truncate');
      expect(truncates).toHaveLength(1);
      // Loosely: how exactly the heard position follows the device is another part of issue 12
      // (the exact truncate); here it must be the duck's position, not the confirmation's.
      // A pause that falls in a gap of the voice leaves zeros verbatim: what was heard ends between
      // the last audible sample and the end of the verbatim match.
      let lastAudible = found.played;
      while (lastAudible > 0 && r.heard[found.start + lastAudible - 1] === 0) lastAudible--;
      expect(truncates[0]!.audio_end_ms).toBeGreaterThanOrEqual(lastAudible / PER_MS - 60);
      expect(truncates[0]!.audio_end_ms).toBeLessThanOrEqual(found.played / PER_MS + 20);
    },
    30_000,
  );

  it.each(['immediate', 'pause-then-decide'] as const)(
    '%s: a cough over the reply ducks it, the server hears no speech, and the reply resumes where it paused: nothing cut',
    async (mode) => {
      const r = await run(`cough-${mode}`, coughPath, { interruption: { mode, minSpeechMs: 400, localVad: true }, turnDetection: { threshold: 0.6 } }, 3000);
      expect(r.log.some((l) => l.includes('local VAD: voice over the reply, ducked'))).toBe(true);
      expect(r.log.some((l) => l.includes('no confirmation within 700 ms, the reply resumes'))).toBe(true);
      expect(r.events.filter((e) => e.type === 'interrupted')).toEqual([]);
      expect(receivedOfType(r.received, 'conversation.item.truncate')).toEqual([]);
      expect(receivedOfType(r.received, 'response.cancel')).toEqual([]);

      // The reply paused near the cough and then played on to its end: all of it is heard, in two parts.
      const first = locateReply(r.heard, r.reply)!;
      const pausedAtMs = (first.start + first.played) / PER_MS;
      expect(pausedAtMs).toBeGreaterThan(coughAtMs);
      expect(pausedAtMs).toBeLessThan(coughAtMs + 300);
      // The fades (10 ms out, 10 ms in) change the audio around the pause; 50 ms on it is verbatim again, to the end.
      const resumeFrom = first.played + 50 * PER_MS;
      const at = findSamples(r.heard, r.reply.subarray(resumeFrom, resumeFrom + 100 * PER_MS), first.start + first.played);
      expect(at).toBeGreaterThan(0);
      const rest = r.reply.subarray(resumeFrom);
      expect(r.heard.subarray(at, at + rest.length)).toEqual(rest);
      const gapMs = (at - (first.start + resumeFrom)) / PER_MS;
      expect(gapMs).toBeGreaterThan(500);
      expect(gapMs).toBeLessThan(900);
      const finals = r.events.filter((e) => e.type === 'transcript.final' && e.speaker === 'assistant');
      expect(finals).toHaveLength(1);
    },
    30_000,
  );

  it('a click over the reply ducks it for a moment only: the local VAD takes it back and the reply resumes long before the window', async () => {
    const r = await run('click', clickPath, { interruption: { mode: 'immediate', minSpeechMs: 400, localVad: true }, turnDetection: { threshold: 0.6 } }, 3000);
    expect(r.log.some((l) => l.includes('local VAD: voice over the reply, ducked'))).toBe(true);
    expect(r.log.some((l) => l.includes('a short sound, not a voice'))).toBe(true);
    expect(r.log.some((l) => l.includes('no confirmation within'))).toBe(false);
    expect(r.events.filter((e) => e.type === 'interrupted')).toEqual([]);
    const first = locateReply(r.heard, r.reply)!;
    const resumeFrom = first.played + 50 * PER_MS;
    const at = findSamples(r.heard, r.reply.subarray(resumeFrom, resumeFrom + 100 * PER_MS), first.start + first.played);
    expect(at).toBeGreaterThan(0);
    const gapMs = (at - (first.start + resumeFrom)) / PER_MS;
    expect(gapMs).toBeGreaterThan(20);
    expect(gapMs).toBeLessThan(300);
  }, 30_000);

  it('off (interruption.localVad false): the same cough does not touch the reply', async () => {
    const r = await run('cough-off', coughPath, { interruption: { mode: 'immediate', minSpeechMs: 400, localVad: false }, turnDetection: { threshold: 0.6 } }, 3000);
    expect(r.log.filter((l) => l.includes('local VAD'))).toEqual([]);
    const found = locateReply(r.heard, r.reply)!;
    expect(found.played).toBe(r.reply.length);
  }, 30_000);
});
