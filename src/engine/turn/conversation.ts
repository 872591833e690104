import type { AssistantEvent, ErrorCode, Usage } from '../events';
import type { EngineMessage } from '../messages';
import { resolveProtocol, type Credentials, type Settings } from '../settings';
import { ENGINE_SAMPLE_RATE } from '../audio/devices/types';
import { createSession, ReplayRecord, SessionError, type ConversationSession, type SessionResilience } from '../session';
import { CapturePlayer } from './capture-player';
import { InputError, pictureFormatFor, preparePicture } from '../input/picture';
import { typedTurn } from '../input/typed';
import type { PictureInput, PreparedPicture } from '../input/types';

/**
 * A conversation driven one recorded turn at a time (the HTTP endpoint, scripted clients): each
 * `turn()` gives the model a whole recording and streams its spoken answer back as it is made.
 * It runs on the same sessions as the Assistant (createSession), with a `CapturePlayer` in place
 * of the speaker, and keeps its session between turns, so a follow-up question has context.
 *
 * What one turn is depends on the protocol:
 * - Realtime: manual turn detection (no server VAD). The recording is appended, then
 *   `input_audio_buffer.commit` + `response.create` (the session's push-to-talk); the turn ends
 *   when the response is done.
 * - GPT-Live (full duplex, always listening): the recording is streamed at the pace of speech,
 *   then silence, until the model has taken its turn and finished it.
 *
 * A turn may be typed words instead of a recording (`{ text }`: the session's typed turn), and may
 * show pictures first (`pictures`): they are prepared before anything is sent (a bad one rejects
 * the turn with an InputError, the conversation unchanged) and go into the conversation before the
 * turn, so its answer sees them. A picture identical to the last one shown is not sent again.
 */

/** One turn: a recording (24 kHz mono PCM16) or typed words, and the pictures shown before it. */
export type TurnInput = ({ audio: Int16Array; text?: undefined } | { text: string; audio?: undefined }) & {
  pictures?: readonly PictureInput[];
};

export interface ConversationOptions {
  settings: Settings;
  credentials: Credentials;
  /** The in-process simulator's URL, for provider 'local'. */
  localUrl?: string;
  resilience?: SessionResilience;
  log?: (line: string) => void;
  /** The longest a turn may take from its start to the end of the reply. Default 120 s. */
  turnTimeoutMs?: number;
  /** GPT-Live: how long to wait, after the recording, for the model to start its turn. Default 15 s. */
  liveReplyWaitMs?: number;
}

export interface TurnListener {
  /** A chunk of the reply's audio (24 kHz mono PCM16), as soon as it arrives. */
  audio(pcm: Int16Array): void;
  /** What the session says during the turn: transcripts, state, usage, notices. */
  event(event: AssistantEvent): void;
}

export interface TurnResult {
  /** false when the turn was cancelled (the caller went away). */
  completed: boolean;
  usage?: Usage;
  /** GPT-Live bills seconds: the session's total so far. */
  seconds?: number;
}

/**
 * A turn that failed: `code` as in AssistantEvent errors, `message` one line without secrets; when
 * the session said why by key (a fatal error event), `said` (the engine holds no English for it:
 * whoever reports it puts it into words).
 */
export class TurnError extends Error {
  override name = 'TurnError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly said?: EngineMessage,
  ) {
    super(message);
  }
}

/**
 * A recording goes out in 40 ms batches: one turn from a file has no barge-in to hurry, so it sends
 * fewer, larger batches than the live microphone path does (MIC_BATCH_SAMPLES, 10 ms).
 */
const BATCH_MS = 40;
const BATCH_SAMPLES = (ENGINE_SAMPLE_RATE * BATCH_MS) / 1000;

export class Conversation {
  readonly settings: Settings;
  private readonly player = new CapturePlayer();
  private readonly record = new ReplayRecord();
  private session: ConversationSession | null = null;
  private opening: Promise<ConversationSession> | null = null;
  private listener: TurnListener | null = null;
  private running = false;
  private closed = false;
  /** Wall time of the end of the last turn (for idle expiry by the owner). */
  lastUsed = Date.now();
  /** The pixels' hash of the last picture shown in this conversation: the same one again is not sent. */
  private lastPictureHash: string | null = null;

  constructor(private readonly options: ConversationOptions) {
    const protocol = resolveProtocol(options.settings);
    // Realtime turns are committed by Kaiwa, never by the server's VAD.
    this.settings =
      protocol === 'realtime' ? { ...options.settings, turnDetection: { ...options.settings.turnDetection, mode: 'manual' } } : options.settings;
    this.player.sink = (_itemId, pcm) => this.listener?.audio(pcm);
  }

  get busy(): boolean {
    return this.running;
  }

  /**
   * Runs one turn (a recording, or `TurnInput`: typed words or a recording, with pictures).
   * Resolves when the reply has ended (or `signal` aborted it: the reply is then cancelled at the
   * model and `completed` is false). Rejects with `InputError` for typed words or a picture that
   * cannot be used (nothing sent), with `TurnError` when the session cannot open, cannot take
   * pictures ('config'), or fails during the turn. One turn at a time.
   */
  async turn(input: Int16Array | TurnInput, listener: TurnListener, signal?: AbortSignal): Promise<TurnResult> {
    if (this.running) throw new TurnError('internal', 'a turn is already running in this conversation');
    if (this.closed) throw new TurnError('internal', 'the conversation has ended');
    const turn: TurnInput = input instanceof Int16Array ? { audio: input } : input;
    this.running = true;
    try {
      const words = turn.text !== undefined ? checkedText(turn.text) : { audio: turn.audio };
      const pictures = await Promise.all(
        (turn.pictures ?? []).map((picture) => preparePicture(picture, { maxSide: this.settings.pictures.maxSide, format: pictureFormatFor(this.settings) })),
      );
      const session = await this.open();
      if (signal?.aborted) return { completed: false };
      for (const picture of pictures) this.show(session, picture, listener);
      return await this.drive(session, words, listener, signal);
    } finally {
      this.listener = null;
      this.running = false;
      this.lastUsed = Date.now();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const session = this.session ?? (await this.opening?.catch(() => null));
    this.session = null;
    await session?.close();
  }

  private open(): Promise<ConversationSession> {
    if (this.session && this.session.state !== 'error' && this.session.state !== 'idle') return Promise.resolve(this.session);
    this.opening ??= (async () => {
      const session = createSession({
        settings: this.settings,
        credentials: this.options.credentials,
        ...(this.options.localUrl ? { localUrl: this.options.localUrl } : {}),
        player: this.player,
        record: this.record,
        ...(this.options.resilience ? { resilience: this.options.resilience } : {}),
        emit: (event) => {
          this.record.observe(event);
          this.listener?.event(event);
        },
        log: this.options.log ?? (() => {}),
      });
      try {
        await session.open();
      } catch (error) {
        await session.close('error').catch(() => undefined);
        const code = error instanceof SessionError ? error.code : 'internal';
        throw new TurnError(code, (error as Error).message);
      }
      this.session = session;
      return session;
    })().finally(() => {
      this.opening = null;
    });
    return this.opening;
  }

  /** A picture into the conversation before the turn; the session's refusal ends the turn before it starts. */
  private show(session: ConversationSession, picture: PreparedPicture, listener: TurnListener): void {
    if (picture.hash === this.lastPictureHash) return;
    this.listener = listener;
    const outcome = session.showPicture(picture);
    this.listener = null;
    if (outcome.status !== 'sent') throw new TurnError('config', `this conversation cannot take pictures (${outcome.said.key})`, outcome.said);
    this.lastPictureHash = picture.hash;
  }

  private drive(session: ConversationSession, words: { audio: Int16Array } | { text: string }, listener: TurnListener, signal?: AbortSignal): Promise<TurnResult> {
    const recording = 'audio' in words ? words.audio : new Int16Array(0);
    const live = session.protocol === 'live';
    return new Promise<TurnResult>((resolve, reject) => {
      let usage: Usage | undefined;
      let seconds: number | undefined;
      let replied = false;
      let settled = false;
      const timers: NodeJS.Timeout[] = [];
      const intervals: NodeJS.Timeout[] = [];
      const finish = (outcome: { result?: TurnResult; error?: TurnError }) => {
        if (settled) return;
        settled = true;
        for (const interval of intervals) clearInterval(interval);
        for (const timer of timers) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.listener = null;
        if (outcome.error) reject(outcome.error);
        else resolve(outcome.result!);
      };
      const onAbort = () => {
        session.interrupt('user');
        finish({ result: { completed: false } });
      };
      signal?.addEventListener('abort', onAbort);
      timers.push(
        setTimeout(() => {
          session.interrupt('user');
          finish({ error: new TurnError('network', 'the model did not finish its reply in time') });
        }, this.options.turnTimeoutMs ?? 120_000),
      );

      this.listener = {
        audio: (pcm) => listener.audio(pcm),
        event: (event) => {
          listener.event(event);
          if (event.type === 'usage') usage = event.usage;
          if (event.type === 'session.usage') seconds = event.seconds;
          if (event.type === 'error' && event.fatal) {
            const { type: _error, code, fatal: _fatal, ...said } = event;
            return finish({ error: new TurnError(code, said.key, said) });
          }
          if (event.type !== 'state') return;
          if (event.state === 'speaking' || (event.state === 'thinking' && !live)) replied = true;
          if (event.state === 'error') return finish({ error: new TurnError('server', 'the session ended') });
          if (event.state === 'listening' && replied) {
            // A session says 'listening' before the reply's final transcript (GPT-Live emits it
            // right after, in the same call): end the turn once that has been passed on.
            queueMicrotask(() => finish({ result: { completed: true, ...(usage ? { usage } : {}), ...(seconds !== undefined ? { seconds } : {}) } }));
          }
        },
      };

      // What the last turn left in the capture player is over: not something to interrupt.
      this.player.flush();
      if ('text' in words) {
        const refused = session.sendText(words.text);
        if (refused) return finish({ error: new TurnError('config', `the typed words were not taken (${refused.key})`, refused) });
      } else if (!live) {
        session.startTalking();
        for (let i = 0; i < recording.length; i += BATCH_SAMPLES) session.sendAudio(recording.subarray(i, i + BATCH_SAMPLES));
        session.stopTalking();
        return;
      }
      if (!live) return;
      // GPT-Live listens as a person would: the recording at the pace of speech, then silence.
      const silence = new Int16Array(BATCH_SAMPLES);
      let offset = 0;
      const started = Date.now();
      intervals.push(setInterval(() => {
        const due = Math.floor((Date.now() - started) / BATCH_MS) * BATCH_SAMPLES;
        while (offset < Math.max(due, BATCH_SAMPLES) && !settled) {
          session.sendAudio(offset < recording.length ? recording.subarray(offset, offset + BATCH_SAMPLES) : silence);
          offset += BATCH_SAMPLES;
        }
      }, BATCH_MS / 2));
      const recordingMs = (recording.length * 1000) / ENGINE_SAMPLE_RATE;
      timers.push(
        setTimeout(() => {
          if (!replied) finish({ error: new TurnError('server', 'the model did not answer the recording') });
        }, recordingMs + (this.options.liveReplyWaitMs ?? 15_000)),
      );
    });
  }
}

/** Typed words as a turn, or an InputError saying why they cannot be one. */
function checkedText(text: string): { text: string } {
  const turn = typedTurn(text);
  if ('said' in turn) throw new InputError(`The typed words cannot be a turn (${turn.said.key}).`, turn.said);
  return turn;
}
