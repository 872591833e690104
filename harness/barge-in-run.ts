/**
 * Barge-ins through the real devices on the audio rig, measured at the sound itself: the user asks
 * (into the virtual microphone), the reply plays to the speaker sink, and `rounds` times the user
 * says "stop" ~2 s into the reply playing then (each "stop" is the next question, so the replies
 * chain). The microphone's sink and the speaker's sink are both recorded at their monitors and put
 * on this process's clock (MonitorRecorder), so every figure is read off the audio:
 *
 * - voice at the mic -> reply silent at the speaker (the user's experience);
 * - speech_started (as the simulator sent it) -> reply silent at the speaker;
 * - `audio_end_ms` of the truncate minus what of the reply the speaker actually played;
 * - false barge-ins: interruptions while nobody spoke (the echo path's test).
 *
 * Shared by test/audio/bargein.test.ts (loose assertions) and bench/native-audio.ts (the figures).
 */
import { Assistant } from '../src/engine/assistant';
import { parseSettings, type Settings } from '../src/engine/settings';
import type { AssistantEvent } from '../src/engine/events';
import { NaudiodonInput, NaudiodonOutput } from '../src/engine/audio/devices/naudiodon';
import type { DeviceErrorInfo, InputDevice } from '../src/engine/audio/devices/types';
import type { RunningSimulator, SimSession } from '../src/simulator';
import type { SpeechWav } from './speech';
import { readWavAsEngineAudio } from '../src/engine/audio/wav';
import { receivedOfType, replyAudio } from './replies';
import { MonitorRecorder, firstAbove, lastAbove, loadEchoLoopback, speakIntoMic, type MonitorRecording } from './audio-rig';
import { replyPositionAt } from './audio-analysis';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { withBed, type ReplyBed } from '../src/simulator/reply-bed';
import { ReplyVoice } from '../src/simulator/voice';

const runCommand = promisify(execFile);

const PER_MS = 24;
/** Above the monitor's digital silence and resampler ringing, below the voice's quietest syllable edges. */
export const AUDIBLE = 200;
/** The rig's echo path: -20 dB, 60 ms, a laptop's speakers near its microphone (as test/audio/echo.test.ts). */
export const ECHO_PATH = { gainDb: -20, latencyMs: 60 };

/** Clearly audible: four times AUDIBLE (12 dB above it). */
const CLEAR = 4 * AUDIBLE;
/** A cut this close before the reply's next clear sound is still read as a cut in the sound. */
const MAX_PAUSE_MS = 5;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A microphone with no room between it and the speaker (a headset): no echo to cancel. */
export class HeadsetMicrophone implements InputDevice {
  readonly hearsOutput = false;
  onError?: (error: DeviceErrorInfo) => void;
  private readonly device = new NaudiodonInput();

  get name(): string {
    return this.device.name;
  }

  start(onAudio: (pcm: Int16Array) => void): Promise<void> {
    this.device.onError = (error) => this.onError?.(error);
    return this.device.start(onAudio);
  }

  stop(): Promise<void> {
    return this.device.stop();
  }
}

export interface BargeInOptions {
  sim: RunningSimulator;
  ask: SpeechWav;
  stop: SpeechWav;
  rounds: number;
  mode: Settings['interruption']['mode'];
  /** The room's echo path (the rig's loopback) with the echo canceller on; else a headset, canceller off. */
  echoPath: boolean;
  localVad: boolean;
  /** The speaker; a default NaudiodonOutput otherwise. */
  output?: NaudiodonOutput;
  /** How far into each reply the user speaks (default 2000 ms; the first reply 1.5 s later with the echo path). */
  speakAfterMs?: number;
  /** The echo path's level at the microphone (default ECHO_PATH.gainDb). */
  echoGainDb?: number;
  /**
   * The user's voice at the microphone, dB re the reply's echo there (voicedRmsDb of each): `stop`
   * is played that much louder or quieter than the echo. Default: `stop` as it is.
   */
  voiceReEchoDb?: number;
  /** The server VAD's threshold (default the setting's default, 0.5: -40 dBFS for the simulator's energy VAD). */
  vadThreshold?: number;
  /** What the simulator plays under its replies (its `replyBed`), for the echo's level. */
  replyBed?: ReplyBed;
  /** The echo path without the canceller: the microphone hears the speaker and nothing removes it. */
  cancellerOff?: boolean;
  /** No echo path, but a microphone taken to hear the speaker, so the canceller runs (a headset with the setting on). */
  cancellerWithoutEcho?: boolean;
  /** The assistant's log lines. */
  log?: (line: string) => void;
}

export interface BargeInRound {
  /** 1-based, in the order the user spoke. */
  round: number;
  itemId: string;
  /** The voice's first sound at the microphone, client clock. */
  voiceAt: number;
  speechStartedAt: number;
  /** The reply's last sound at the speaker after the voice. */
  silentAt: number;
  voiceToSilentMs: number;
  speechStartedToSilentMs: number;
  /** Sent in the truncate (null: none was sent for the item). */
  audioEndMs: number | null;
  /** Where in the reply the speaker's last sound was, found by matching its last 40 ms. */
  heardMs: number;
  /**
   * How long the reply's voice was silent after `heardMs` (0: the cut fell into its sound). The
   * true cut lies up to this much later, so the timings above are that much uncertain (early).
   */
  pauseMs: number;
  /** The cut fell into the reply's sound: the timings and the truncate error are exact. */
  measurable: boolean;
  /** audio_end_ms minus heard (null when either is unknown). */
  truncateErrorMs: number | null;
}

export interface BargeInRun {
  rounds: BargeInRound[];
  /** Interruptions and speech_started while a reply played and nobody spoke. */
  falseBargeIns: number;
  underflows: number;
  /** What went wrong in rounds that could not be analysed (no interruption, no voice found). */
  problems: string[];
  events: Array<{ at: number; event: AssistantEvent }>;
  /** What the rig recorded and the simulator saw, for a closer look. */
  recorded: { mic: MonitorRecording; speaker: MonitorRecording; session: SimSession; stopsAt: number[] };
}

type Timed = { at: number; event: unknown };
const typeOf = (e: Timed) => (e.event as { type?: string }).type;

export async function runBargeIns(options: BargeInOptions): Promise<BargeInRun> {
  const stopWav = options.voiceReEchoDb === undefined ? options.stop : await atLevel(options.stop, echoLevelDb(options) + options.voiceReEchoDb);
  options = { ...options, stop: stopWav };
  const unloadEcho = options.echoPath ? await loadEchoLoopback({ ...ECHO_PATH, gainDb: options.echoGainDb ?? ECHO_PATH.gainDb }) : null;
  const speaker = new MonitorRecorder('spk.monitor');
  const mic = new MonitorRecorder('micsrc.monitor');
  const output = options.output ?? new NaudiodonOutput();
  const events: Array<{ at: number; event: AssistantEvent }> = [];
  const stopsAt: number[] = [];
  let assistant: Assistant | null = null;
  let heardSpeaker: MonitorRecording;
  let heardMic: MonitorRecording;
  let sessionLog: SimSession | null = null;
  try {
    await Promise.all([speaker.started(), mic.started()]);
    assistant = new Assistant({
      settings: parseSettings({
        provider: 'local',
        echoCancellation: (options.echoPath && !options.cancellerOff) || options.cancellerWithoutEcho === true,
        interruption: { mode: options.mode, localVad: options.localVad },
        ...(options.vadThreshold === undefined ? {} : { turnDetection: { mode: 'server_vad', threshold: options.vadThreshold } }),
      }),
      credentials: {},
      input: options.echoPath || options.cancellerWithoutEcho ? new NaudiodonInput() : new HeadsetMicrophone(),
      output,
      localUrl: options.sim.url,
      log: options.log,
    });
    const session = options.sim.nextSession();
    const speakingWaiters: Array<(at: number) => void> = [];
    assistant.subscribe((event) => {
      const at = performance.now();
      events.push({ at, event });
      if (event.type === 'state' && event.state === 'speaking') {
        for (const w of speakingWaiters.splice(0)) w(at);
      }
    });
    const nextSpeaking = (timeoutMs: number) =>
      Promise.race([
        new Promise<number>((resolve) => speakingWaiters.push(resolve)),
        sleep(timeoutMs).then(() => Promise.reject(new Error(`the reply did not start within ${timeoutMs} ms`))),
      ]);
    await assistant.start();
    await sleep(300);
    let speaking = nextSpeaking(20_000);
    await speakIntoMic(options.ask.path);
    for (let round = 0; round < options.rounds; round++) {
      // A "stop" the server did not take for a turn (a quiet voice) gets no reply: ask again.
      const speakingAt = await speaking.catch(async () => {
        const retry = nextSpeaking(20_000);
        await speakIntoMic(options.ask.path);
        return retry;
      });
      // With the echo canceller the first reply plays longer: for its first 2 s of playback the
      // canceller warms up and the microphone is gated (echo-warmup.ts), the user unheard.
      const after = (options.speakAfterMs ?? 2000) + ((options.echoPath || options.cancellerWithoutEcho) && round === 0 ? 1500 : 0);
      await sleep(Math.max(0, speakingAt + after - performance.now()));
      speaking = nextSpeaking(10_000);
      stopsAt.push(performance.now());
      await speakIntoMic(options.stop.path);
    }
    void speaking.catch(() => {}); // the last "stop" is answered too; nobody waits for it
    await sleep(700);
    await assistant.stop();
    assistant = null;
    sessionLog = await session;
  } finally {
    await assistant?.stop();
    heardSpeaker = await speaker.stop();
    heardMic = await mic.stop();
    await unloadEcho?.();
  }
  const underflows = output.underflows;
  if (!sessionLog) throw new Error('the simulator recorded no session');
  const stopVoice = await readWavAsEngineAudio(options.stop.path);
  const run = analyse({ events, stopsAt, heardSpeaker, heardMic, sent: sessionLog.sent, received: sessionLog.received, stopVoice, underflows });
  return { ...run, recorded: { mic: heardMic, speaker: heardSpeaker, session: sessionLog, stopsAt } };
}

interface Recorded {
  events: Array<{ at: number; event: AssistantEvent }>;
  stopsAt: number[];
  heardSpeaker: MonitorRecording;
  heardMic: MonitorRecording;
  sent: Timed[];
  received: Timed[];
  stopVoice: Int16Array;
  underflows: number;
}

function analyse(r: Recorded): Omit<BargeInRun, 'recorded'> {
  const replies = replyAudio(r.sent as Parameters<typeof replyAudio>[0]);
  const truncates = receivedOfType<{ item_id: string; audio_end_ms: number }>(r.received, 'conversation.item.truncate');
  const speechStarted = r.sent.filter((s) => typeOf(s) === 'input_audio_buffer.speech_started').map((s) => s.at);
  const interruptions = r.events.filter((e) => e.event.type === 'interrupted');
  const speakingStarts = r.events.filter((e) => e.event.type === 'state' && e.event.state === 'speaking').map((e) => e.at);
  const rounds: BargeInRound[] = [];
  const problems: string[] = [];
  let falseBargeIns = 0;
  const spk = r.heardSpeaker;
  for (const [i, stopAt] of r.stopsAt.entries()) {
    const replyStart = [...speakingStarts].reverse().find((t) => t < stopAt) ?? -Infinity;
    const voiceAt = voiceOnset(r.heardMic, r.stopVoice, stopAt);
    if (voiceAt === null) {
      problems.push(`round ${i + 1}: the voice was not found at the microphone`);
      continue;
    }
    // Anything that interrupted the reply before the voice reached the microphone was false.
    // (A speech_started pauses or cuts the reply; an interruption may follow it: one barge-in.)
    falseBargeIns += Math.max(
      speechStarted.filter((t) => t > replyStart && t < voiceAt).length,
      interruptions.filter((e) => e.at > replyStart && e.at < voiceAt).length,
    );
    const interrupted = interruptions.find((e) => e.at >= voiceAt);
    const speechStartedAt = speechStarted.find((t) => t >= voiceAt);
    if (!interrupted || speechStartedAt === undefined || interrupted.event.type !== 'interrupted') {
      const near = (t: number) => `${(t - voiceAt).toFixed(0)} ms`;
      const lastStarted = speechStarted.filter((t) => t > replyStart && t < voiceAt).pop();
      problems.push(
        `round ${i + 1}: no interruption followed the voice` +
          (lastStarted !== undefined ? ` (speech_started ${near(lastStarted)} from the voice, before it)` : '') +
          (interrupted ? ` (interrupted ${near(interrupted.at)} from the voice)` : ''),
      );
      continue;
    }
    const itemId = interrupted.event.itemId;
    // No sound of the reply may follow for 1 s after speech_started (the next reply waits for the
    // end of the ~1.8 s utterance plus 500 ms of silence), so a cut in a pause of the voice counts.
    const lastSound = lastAbove(spk.samples, AUDIBLE, spk.indexAt(speechStartedAt + 1000));
    const silentAt = spk.timeOf(lastSound + 1);
    const truncate = truncates.find((t) => t.item_id === itemId);
    const reply = replies.get(itemId);
    const onset = firstAbove(spk.samples, AUDIBLE, spk.indexAt(replyStart - 300));
    if (!reply || onset < 0 || onset >= lastSound) {
      problems.push(`round ${i + 1}: the reply was not found at the speaker`);
      continue;
    }
    // Match the monitor's last 40 ms against the reply around where the onset says it should be
    // (up to 1 s earlier: gaps, from underflows or a pause that resumed, make the prior late).
    const prior = firstAbove(reply, AUDIBLE) + (lastSound + 1 - onset);
    // An underflow (a gap of silence on a loaded machine) inside the 40 ms spoils the match: then
    // the last 20 ms, which it is less likely to touch; a fade-out (pause-then-decide) spoils it
    // too: then the 30 ms before the last 5 ms, the 5 ms added back.
    let match = { position: -1, score: -Infinity };
    for (const [backMs, windowMs] of [[0, 40], [0, 20], [5, 30]] as const) {
      if (match.score > 0.8) break;
      const end = lastSound + 1 - backMs * PER_MS;
      const found = replyPositionAt(spk.samples, end, reply, prior - (1000 + backMs) * PER_MS, prior + 50 * PER_MS, windowMs * PER_MS);
      if (found.score > match.score) match = { position: found.position + backMs * PER_MS, score: found.score };
    }
    if (match.score <= 0.8) {
      problems.push(`round ${i + 1}: the reply's end did not match (score ${match.score.toFixed(2)})`);
      continue;
    }
    // A cut in a pause of the reply's voice (its syllables and words have 25-150 ms gaps) is silent
    // at the speaker from the pause on: when it came, and where the reply stood, cannot be read
    // off the sound, only bounded (see `pauseMs`).
    // The next *clear* sound: a syllable's decaying tail just above AUDIBLE in the reply can be just
    // below it at the speaker (resampled twice), so it does not count as sound that went unplayed.
    const next = firstAbove(reply, CLEAR, match.position);
    const pauseMs = ((next < 0 ? reply.length : next) - match.position) / PER_MS;
    const heardMs = match.position / PER_MS;
    const audioEndMs = truncate ? truncate.audio_end_ms : null;
    rounds.push({
      round: i + 1,
      itemId,
      voiceAt,
      speechStartedAt,
      silentAt,
      voiceToSilentMs: silentAt - voiceAt,
      speechStartedToSilentMs: silentAt - speechStartedAt,
      audioEndMs,
      heardMs,
      pauseMs,
      measurable: pauseMs <= MAX_PAUSE_MS,
      truncateErrorMs: audioEndMs !== null ? audioEndMs - heardMs : null,
    });
  }
  return { rounds, falseBargeIns, underflows: r.underflows, problems, events: r.events };
}

/**
 * When the spoken "stop" reached the microphone: its first 150 ms of sound matched (normalised
 * cross-correlation) against the microphone's monitor in the second after paplay was started. A
 * match, not a threshold, since the rig's echo path plays the reply into the same microphone.
 */
export function voiceOnset(mic: MonitorRecording, voice: Int16Array, playedAt: number): number | null {
  // 1000 for the phrase as espeak-ng says it (peak ~22000): the same point of it at any level.
  let peak = 0;
  for (let i = 0; i < voice.length; i++) peak = Math.max(peak, Math.abs(voice[i]!));
  const start = firstAbove(voice, peak / 22);
  if (start < 0) return null;
  const template = voice.subarray(start, Math.min(voice.length, start + 150 * PER_MS));
  const n = template.length;
  let templateEnergy = 0;
  for (let i = 0; i < n; i++) templateEnergy += template[i]! * template[i]!;
  const from = Math.max(0, mic.indexAt(playedAt));
  const to = Math.min(mic.samples.length - n, mic.indexAt(playedAt + 1500));
  const score = (at: number) => {
    let dot = 0;
    let energy = 0;
    for (let i = 0; i < n; i += 2) {
      const m = mic.samples[at + i]!;
      dot += m * template[i]!;
      energy += m * m;
    }
    return energy > 0 ? dot / Math.sqrt(energy * (templateEnergy / 2)) : -1;
  };
  let best = { at: -1, score: -Infinity };
  for (let at = from; at < to; at += 4) {
    const s = score(at);
    if (s > best.score) best = { at, score: s };
  }
  for (let at = Math.max(from, best.at - 4); at <= Math.min(to - 1, best.at + 4); at++) {
    const s = score(at);
    if (s > best.score) best = { at, score: s };
  }
  return best.score > 0.6 ? mic.timeOf(best.at) : null;
}

/** RMS (dBFS) of the 10 ms frames of `pcm` louder than -50 dBFS: a voice's level, its pauses left out. */
export function voicedRmsDb(pcm: Int16Array): number {
  let sum = 0;
  let frames = 0;
  for (let i = 0; i + PER_MS * 10 <= pcm.length; i += PER_MS * 10) {
    let e = 0;
    for (let j = i; j < i + PER_MS * 10; j++) e += pcm[j]! * pcm[j]!;
    e /= PER_MS * 10 * 32768 * 32768;
    if (e > 1e-5) {
      sum += e;
      frames++;
    }
  }
  return frames ? 10 * Math.log10(sum / frames) : -Infinity;
}

/** The level (voicedRmsDb) of the simulator's reply, with its bed, as its echo reaches the microphone. */
export function echoLevelDb(options: { echoGainDb?: number; replyBed?: ReplyBed }): number {
  const voice = withBed(new ReplyVoice(6000, 1), options.replyBed ?? 'none');
  const reply = new Int16Array(voice.totalSamples);
  voice.render(reply);
  return voicedRmsDb(reply) + (options.echoGainDb ?? ECHO_PATH.gainDb);
}

/** `speech` played at `levelDb` (voicedRmsDb): a copy beside it, made with sox. */
async function atLevel(speech: SpeechWav, levelDb: number): Promise<SpeechWav> {
  const gainDb = levelDb - voicedRmsDb(await readWavAsEngineAudio(speech.path));
  const path = speech.path.replace(/\.wav$/, `.at${levelDb.toFixed(1)}dB.wav`);
  await runCommand('sox', [speech.path, path, 'gain', gainDb.toFixed(2)]);
  return { ...speech, path };
}

export function medianAndMax(values: readonly number[]): { median: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: sorted[sorted.length >> 1] ?? NaN, max: sorted[sorted.length - 1] ?? NaN };
}
