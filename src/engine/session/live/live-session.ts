import { randomUUID } from 'node:crypto';
import type { ClientEvent, ServerEvent, SessionClosedEvent } from 'openai/resources/live/live';
import type { AssistantState, ErrorCode, InterruptReason } from '../../events';
import type { Settings } from '../../settings';
import { ENGINE_SAMPLE_RATE } from '../../audio/devices/types';
import { base64ToPcm16 } from '../../audio/pcm';
import { rmsDb } from '../../audio/meter';
import { ConnectionError } from '../../realtime/connection';
import { EndpointError } from '../../realtime/endpoints';
import { describeServerError } from '../../realtime/server-notices';
import { liveClientEvents } from '../../live/client-events';
import { resolveLiveEndpoint } from '../../live/endpoints';
import { LiveKeeper } from '../../live/keeper';
import { cutReply, heardFraction } from '../../text/cut';
import { SessionError, type ConversationSession, type FlushedAudio, type SessionContext } from '../types';
import { say, type EngineMessage } from '../../messages';
import { backendPictureAgainNote, backendPictureNote, interruptNote, LIVE_INSTRUCTIONS_CHANGED, typedNote } from './messages';
import { pictureSummary, type PreparedPicture, type SessionPictureOutcome } from '../../input/types';
import { LocalDuck } from '../local-duck';
import { liveSessionStart } from './start';
import { LiveDelegations } from './delegations';
import { sessionStarted } from './usage';

/**
 * The full-duplex GPT-Live conversation (ConversationSession). The model listens while it speaks
 * and yields by itself; Kaiwa streams the microphone continuously, plays the model's audio as it
 * arrives (at the pace of speech) and decides what the protocol leaves to the client:
 *
 * Turns and item ids. Live audio carries no ids. A turn of the model starts with its first voiced
 * audio (or transcript) after a quiet spell and ends after `TURN_END_MS` with neither voiced audio
 * nor transcript; it gets a fresh id (`live-<run>-a<n>`) for the player and the transcript. Audio
 * that is pure silence between turns is not queued.
 *
 * Final lines (there are no "done" events). The model's line is final when its turn ends or is
 * cut. The user's line is final when the model starts a turn after it, when the next fragment
 * starts more than `USER_GAP_MS` later on the session timeline (`start_ms` vs the line's
 * `end_ms`), when no fragment came for `USER_QUIET_MS`, or when the session ends.
 *
 * Voice barge-in. The model stops by itself; what Kaiwa must avoid is its own queue playing on.
 * The queue stays short (audio arrives at speech pace and is played as it comes), and it is
 * flushed on evidence that the model abandoned its turn: its audio stalls (no voiced audio for
 * about three chunk lengths, 60-200 ms) while the user is speaking (microphone above
 * `VOICE_DB` for `VOICE_MIN_MS` after echo cancellation, or the user's transcript moving, within
 * `USER_RECENT_MS`). A reply stopped within 30 ms of its end had finished: no cut is shown.
 *
 * Push-to-interrupt. The player goes silent within one device buffer, the rest of the turn is
 * dropped until the model stops, and the model is told by the protocol's own means. GPT-Live has
 * no cancel or truncate event; the documented means are `session.output_audio.fixture.play`
 * ("the entire payload is validated before model speech is interrupted and input is muted") and
 * `session.instructions.append` ("for external audio, describe content already delivered so the
 * assistant does not repeat it"), both in `openai/resources/live/live`. Kaiwa plays a 40 ms silent
 * fixture, which stops the model's speech at the server, and once it has played (instructions are
 * rejected while a fixture is active) appends a note with what the user heard.
 *
 * Typed words. GPT-Live has no user-text event (`openai/resources/live/live`): the user's turns are
 * audio only, and the `input` history of `session.start` is for a new session, not a running one.
 * What the types offer a running session: `session.thinking.append` ("does not directly request
 * speech": the model would not answer), `session.instructions.append` (standing developer rules,
 * silent), `response.item.create` + `response.create` (Responses delegation only: the *backend*
 * model would answer and the Live model relay it, slower, and only with tools on), and
 * `session.commentary.append`, "speakable context for the Live model", which makes the Live model
 * itself speak. Kaiwa sends the typed words as commentary, framed as the user's own turn
 * (`typedNote`), so the model answers them instead of reading them out; a reply playing is stopped
 * first as the Stop button stops it (fixture, then the note of what was heard), and the commentary
 * waits for the fixture to finish (it is rejected while one plays). Commentary is limited to 500
 * tokens: typed words longer than MAX_LIVE_TYPED_CHARS are refused with a notice.
 *
 * Pictures. The Live model takes no images; its Responses backend does. With Responses delegation
 * (Kaiwa's tools on) a picture goes to the backend's conversation as a user `input_image` message
 * (`response.item.create`, no `response.create`: the user has not asked anything yet), and the
 * Live model is told silently (`session.thinking.append`) that a picture is there for its backend,
 * so a question about it is delegated. Without delegation nothing can carry a picture: the session
 * answers 'unsupported' ("pictures need Realtime, or GPT-Live with tools on"). A new session
 * (renewal, reconnect) starts with a text history only, where pictures are notes; the newest
 * picture goes to the new session's backend again (`showNewestPictureAgain`).
 */

/**
 * Typed words a GPT-Live turn may have: commentary takes at most 500 tokens, and with the framing
 * of `typedNote` 350 characters stay under it even in Japanese (about 1-1.3 tokens a character).
 */
export const MAX_LIVE_TYPED_CHARS = 350;

/**
 * Audio held at the start of a turn before it plays: the server sends at the pace of speech, so
 * without a little in hand every late chunk would be a gap in the voice. It is also the most the
 * queue holds ahead (what a barge-in flush saves).
 */
export const PREBUFFER_MS = 80;
/** Quiet (no voiced audio, no transcript) that ends a turn of the model. */
export const TURN_END_MS = 800;
/** A gap on the session timeline that starts a new line of the user. */
export const USER_GAP_MS = 800;
/** No fragment of the user's transcript for this long: the line is final. */
export const USER_QUIET_MS = 1_200;
/** The user spoke this recently: evidence for a barge-in. */
export const USER_RECENT_MS = 400;
/**
 * Microphone level (dBFS RMS, after echo cancellation) that counts as the user speaking, when it
 * lasts `VOICE_MIN_MS` (what AEC3 leaves of the echo comes in short bursts, and quieter).
 */
export const VOICE_DB = -35;
export const VOICE_MIN_MS = 80;
/** A reply cut this close to its end was not cut: the model had finished. */
const FINISHED_TOLERANCE_MS = 30;
/** Output samples below this magnitude (about -54 dBFS) are silence. */
const SILENCE_PEAK = 64;
const STALL_MIN_MS = 60;
const STALL_MAX_MS = 200;
const TICK_MS = 20;
/** The silent fixture of push-to-interrupt: 40 ms of silence, made once (it is never written to). */
const STOP_FIXTURE_MS = 40;
const STOP_FIXTURE = new Int16Array((ENGINE_SAMPLE_RATE * STOP_FIXTURE_MS) / 1000);
/** How long the interrupt note waits for the fixture to finish before going anyway. */
const FIXTURE_WAIT_MS = 1_500;

interface ModelTurn {
  readonly id: string;
  text: string;
  receivedMs: number;
  /** Wall time of the last voiced audio or transcript fragment. */
  lastActivity: number;
  /** Wall time of the last voiced audio, and the length of that chunk. */
  lastVoice: number;
  lastChunkMs: number;
  /** Push-to-interrupt cut it: what still arrives of it is dropped. */
  cut: boolean;
  /** Audio held until PREBUFFER_MS is in hand (null once playing), and since when. */
  held: Int16Array[] | null;
  heldMs: number;
  readonly startedAt: number;
}

interface UserLine {
  readonly id: string;
  text: string;
  endMs: number;
  lastAt: number;
}

export class LiveSession implements ConversationSession {
  readonly protocol = 'live' as const;
  private readonly context: SessionContext;
  private settings: Settings;
  private readonly now: () => number;
  private readonly runId = randomUUID().slice(0, 8);
  private keeper: LiveKeeper | null = null;
  private current: AssistantState = 'idle';
  private closed = false;
  private muted = false;
  private sessionId = '';
  private turnCount = 0;
  private lineCount = 0;
  private turn: ModelTurn | null = null;
  private line: UserLine | null = null;
  /** Wall time the user last gave evidence of speaking, and how long the microphone has been loud. */
  private userVoiceAt = Number.NEGATIVE_INFINITY;
  private loudMs = 0;
  private ticker: NodeJS.Timeout | null = null;
  private readonly unsubscribePlayer: (() => void)[];
  private stopCount = 0;
  private itemCount = 0;
  /** The interrupt note waiting for its fixture to finish playing. */
  private pendingNote: { fixtureId: string; note: string; timer: NodeJS.Timeout } | null = null;
  /** Clock time of the last interrupt (benchmarks). */
  lastInterruptAt: number | null = null;
  /** Kaiwa's tools by delegation (delegations.ts). */
  private readonly delegations: LiveDelegations;
  /** A tool's result went back: the model's next words answer it. */
  private replyExpected = false;
  /** A local voice onset ducks the reply until the model yields (the voice barge-in above) or the window ends. */
  private readonly duck: LocalDuck;

  constructor(context: SessionContext & { now?: () => number }) {
    this.context = context;
    this.settings = context.settings;
    this.now = context.now ?? (() => performance.now());
    this.delegations = new LiveDelegations(context.tools, {
      send: (event) => this.send(event),
      sessionId: () => this.sessionId,
      canAppend: () => this.keeper?.state === 'open' && !this.pendingNote,
      replyRequested: () => {
        this.replyExpected = true;
        this.endStoppedTurnForReply();
      },
      backendFailed: (detail) =>
        context.emit({ type: 'error', code: 'server', fatal: false, ...say('error.liveBackendFailed', { model: this.settings.tools.liveBackendModel, detail }) }),
      log: (line) => context.log(line),
      now: () => this.now(),
    });
    const { player } = context;
    this.duck = new LocalDuck(player, context.log);
    this.unsubscribePlayer = [
      player.on('item-started', (itemId) => {
        if (this.turn?.id === itemId && !this.turn.cut) this.setState('speaking');
      }),
      // Audio arrives at the pace of speech, so the queue runs dry between chunks: the turn, not
      // the player, says when the model has stopped speaking.
      player.on('idle', () => {
        if (this.current === 'speaking' && (!this.turn || this.turn.cut)) this.setState(this.line ? 'user-speaking' : 'listening');
      }),
    ];
  }

  get state(): AssistantState {
    return this.current;
  }

  get acceptsAudio(): boolean {
    return this.keeper?.state === 'open' && !this.muted;
  }

  async open(): Promise<void> {
    if (this.keeper || this.closed) throw new SessionError('internal', 'A session opens once.', say('failure.openedTwice'));
    this.setState('connecting');
    const { context } = this;
    let endpoint;
    try {
      endpoint = resolveLiveEndpoint(this.settings, context.credentials, { localUrl: context.localUrl });
    } catch (error) {
      const detail = (error as Error).message;
      if (error instanceof EndpointError) throw this.fail('config', detail, say('error.settingInvalid', { detail: error.said }));
      throw this.fail('internal', detail, say('error.internalDetail', { detail }));
    }
    const { backoff, stableAfterMs, connectTimeoutMs } = context.resilience ?? {};
    const keeper = new LiveKeeper({
      endpoint,
      // Every session (the first, a renewal, a reconnect) starts with the conversation so far.
      start: () => liveSessionStart(this.settings, context.record.replay(), this.delegations.definitions()),
      // Renewal ahead of expiry waits for a pause: nobody speaking, nothing playing, no note pending, no tool running.
      canRenew: () =>
        this.current === 'listening' && !this.turn && !this.line && !this.pendingNote && !context.player.isPlaying && this.delegations.idle,
      ...(backoff ? { backoff } : {}),
      ...(stableAfterMs !== undefined ? { stableAfterMs } : {}),
      ...(connectTimeoutMs !== undefined ? { connectTimeoutMs } : {}),
    });
    this.keeper = keeper;
    keeper.on('event', (event) => this.onServerEvent(event));
    keeper.on('protocol-error', (info) =>
      context.emit({ type: 'error', code: 'protocol', fatal: false, ...say('error.unexpectedEvent', { detail: info.said }) }),
    );
    keeper.on('state', ({ state, attempt }) => {
      if (!this.closed && state === 'reconnecting') this.setState('reconnecting', attempt);
    });
    keeper.on('closed', (event) => this.onSessionClosed(event));
    keeper.on('skew', ({ said }) => {
      if (!this.closed) context.emit({ type: 'notice', ...said });
    });
    // A forced renewal mid-turn ends that turn (at a quiet moment there is none).
    keeper.on('handover', () => {
      if (!this.closed) this.endTurns();
    });
    keeper.on('ended', ({ reason, said }) => {
      if (this.closed) return;
      this.endTurns();
      if (reason === 'lost') context.emit({ type: 'notice', ...say('notice.connectionLost', { detail: said }) });
    });
    keeper.on('session', ({ reason, started }) => {
      this.sessionId = started.session.id;
      if (!this.closed) context.emit(sessionStarted(started));
      if (this.closed || reason === 'initial') return;
      context.emit(
        reason === 'renewal'
          ? { type: 'notice', ...say('notice.liveExpiredRenewed') }
          : reason === 'rollover'
            ? { type: 'notice', ...say('notice.sessionRenewed') }
            : { type: 'notice', ...say('notice.reconnected') },
      );
      if (this.muted) this.send(liveClientEvents.mute());
      this.setState('listening');
      this.showNewestPictureAgain();
      this.delegations.flush();
    });
    keeper.on('failed', ({ code, message, said }) => {
      if (!this.closed) this.fail(code, message, say('error.connectionFailed', { detail: said }));
    });
    try {
      await keeper.open();
    } catch (error) {
      if (this.closed) return;
      const detail = (error as Error).message;
      if (error instanceof ConnectionError) throw this.fail(error.code, detail, say('error.connectionFailed', { detail: error.said }));
      throw this.fail('internal', detail, say('error.internalDetail', { detail }));
    }
    if (this.muted) this.send(liveClientEvents.mute());
    this.ticker = setInterval(() => this.tick(), TICK_MS);
    this.ticker.unref();
    if (this.current === 'connecting') this.setState('listening');
    this.delegations.start();
    this.delegations.flush();
  }

  /** While the model's reply plays, with `interruption.localVad` on and the microphone live. */
  get wantsVoiceOnsets(): boolean {
    return this.settings.interruption.localVad && this.acceptsAudio && this.current === 'speaking' && this.turn !== null && !this.turn.cut;
  }

  /**
   * The local VAD heard a voice over the reply: duck it. The model confirms by yielding (its
   * audio stalls under the user's voice: `yielded`, which flushes); if it talks on, the reply
   * fades back in. The onset is not taken as evidence of the user's voice: a cough must not turn
   * a natural pause of the model into a cut.
   */
  voiceOnset(): void {
    if (this.wantsVoiceOnsets && this.turn) this.duck.voiceHeard(this.turn.id);
  }

  voiceRetracted(): void {
    this.duck.voiceRetracted();
  }

  sendAudio(pcm: Int16Array): void {
    if (pcm.length > 0) {
      this.loudMs = rmsDb(pcm) >= VOICE_DB ? this.loudMs + (pcm.length * 1000) / ENGINE_SAMPLE_RATE : 0;
      if (this.loudMs >= VOICE_MIN_MS) this.userVoiceAt = this.now();
    }
    if (this.acceptsAudio) this.send(liveClientEvents.audio(pcm));
  }

  interrupt(reason: InterruptReason): boolean {
    this.duck.clear();
    const flushed = this.context.player.flush();
    const turn = this.turn;
    if (!flushed && (!turn || turn.cut || (turn.receivedMs === 0 && turn.text === ''))) return false;
    // Audio still held back (the turn had not started playing) was never heard.
    const unheardMs = turn?.held ? turn.heldMs : 0;
    if (turn) turn.held = null;
    this.lastInterruptAt = this.now();
    const heard = this.cut(reason, flushed, turn, unheardMs);
    if (reason === 'user') {
      if (turn) turn.cut = true;
      this.tellModelOfStop(heard);
    }
    return true;
  }

  sendText(text: string): EngineMessage | null {
    if (this.keeper?.state !== 'open') return say('notice.noConversation');
    const length = [...text].length;
    if (length > MAX_LIVE_TYPED_CHARS) return say('notice.typedTooLong', { length, maximum: MAX_LIVE_TYPED_CHARS });
    // The model's words after this answer the typed turn: a new turn, even right after a stopped one.
    this.replyExpected = true;
    this.interrupt('user');
    // What the user was saying ends here; the typed words are a turn of their own.
    this.finishLine();
    const itemId = `live-${this.runId}-t${++this.itemCount}`;
    this.context.emit({ type: 'transcript.final', speaker: 'user', itemId, text, typed: true });
    this.delegations.tell(typedNote(text));
    this.endStoppedTurnForReply();
    return null;
  }

  showPicture(picture: PreparedPicture): SessionPictureOutcome {
    if (this.keeper?.state !== 'open') return { status: 'unsupported', said: say('notice.noConversation') };
    if (!this.delegations.responsesBackend) return { status: 'unsupported', said: say('notice.picturesNeedRealtimeOrTools') };
    if (!this.send(liveClientEvents.picture(picture.dataUrl))) return { status: 'unsupported', said: say('notice.noConversation') };
    this.delegations.tell(backendPictureNote(picture.width, picture.height), 'thinking');
    const itemId = `live-${this.runId}-p${++this.itemCount}`;
    this.context.record.picture(itemId, picture);
    this.context.emit({ type: 'picture', itemId, picture: pictureSummary(picture) });
    return { status: 'sent', itemId };
  }

  /**
   * A new session's backend starts empty and its history has pictures only as notes: the newest
   * picture (the one the conversation is most likely about) goes to the new backend again, as the
   * Realtime replay puts it back into a new Realtime session.
   */
  private showNewestPictureAgain(): void {
    if (!this.delegations.responsesBackend) return;
    const newest = [...this.context.record.entries].reverse().find((entry) => entry.picture?.dataUrl)?.picture;
    if (!newest?.dataUrl || !this.send(liveClientEvents.picture(newest.dataUrl))) return;
    this.delegations.tell(backendPictureAgainNote(newest.width, newest.height), 'thinking');
  }

  /** GPT-Live has no manual turns: the model listens all the time. */
  startTalking(): void {}
  stopTalking(): void {}

  setMuted(muted: boolean): void {
    if (muted === this.muted) return;
    this.muted = muted;
    this.send(muted ? liveClientEvents.mute() : liveClientEvents.unmute());
  }

  updateSettings(settings: Settings): void {
    const before = this.settings;
    this.settings = settings;
    if (this.keeper?.state !== 'open') return;
    // Instructions are immutable after session.start; what can be done live is to append them.
    if (settings.instructions !== before.instructions && settings.instructions.trim() !== '') {
      this.send(liveClientEvents.instructions(`${LIVE_INSTRUCTIONS_CHANGED}\n${settings.instructions}`));
      this.context.emit({ type: 'notice', ...say('notice.liveInstructionsAppended') });
    }
    if (this.delegations.refresh() === 'next-session') this.context.emit({ type: 'notice', ...say('notice.liveToolsNextSession') });
    if (settings.voice !== before.voice) {
      this.context.emit({
        type: 'notice',
        ...say('notice.liveVoiceNextSession'),
      });
    }
  }

  async close(finalState: 'idle' | 'error' = 'idle'): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopTimers();
    this.delegations.close();
    for (const unsubscribe of this.unsubscribePlayer) unsubscribe();
    this.endTurns();
    const closed = await this.keeper?.close();
    if (closed) this.emitUsage(closed.usage.seconds, true, closed.session?.id);
    if (this.current !== 'error') this.setState(finalState);
  }

  // ---- server events ----

  private onServerEvent(event: ServerEvent): void {
    if (this.closed) return;
    switch (event.type) {
      case 'session.output_audio.delta':
        this.onAudio(event.delta);
        break;
      case 'session.output_transcript.delta':
        this.onModelText(event.delta);
        break;
      case 'session.input_transcript.delta':
        this.onUserText(event.delta, event.start_ms, event.end_ms);
        break;
      case 'session.usage.updated':
        this.emitUsage(event.usage.seconds, false);
        break;
      case 'session.delegation.created':
      case 'response.event':
        this.delegations.onServerEvent(event);
        break;
      case 'session.output_audio.fixture.played':
        if (this.pendingNote && event.client_event_id === this.pendingNote.fixtureId) this.sendNote();
        break;
      case 'info':
        this.context.emit({ type: 'notice', ...say('notice.liveServerInfo', { detail: event.message }) });
        break;
      case 'error': {
        const clientEventId = event.client_event_id ?? event.error.client_event_id;
        if (this.pendingNote && clientEventId === this.pendingNote.fixtureId) {
          // The server cannot play the stop fixture: say what was heard anyway.
          this.context.log(`live: stop fixture refused (${event.error.code})`);
          this.sendNote();
          break;
        }
        const info = describeServerError(event);
        this.context.emit({ type: 'error', code: info.code, fatal: false, ...info.said });
        break;
      }
      default:
        break;
    }
  }

  private onSessionClosed(event: SessionClosedEvent): void {
    // The closed session's own id: after a renewal the current one is already another.
    if (typeof event.usage?.seconds === 'number') this.emitUsage(event.usage.seconds, true, event.session?.id);
  }

  private onAudio(delta: string): void {
    let pcm: Int16Array;
    try {
      pcm = base64ToPcm16(delta);
    } catch (error) {
      const detail = (error as Error).message;
      this.context.emit({ type: 'error', code: 'protocol', fatal: false, ...say('error.badAudio', { detail }) });
      return;
    }
    if (pcm.length === 0) return;
    const voiced = !isSilent(pcm);
    const chunkMs = (pcm.length * 1000) / ENGINE_SAMPLE_RATE;
    let turn = this.turn;
    if (!turn) {
      if (!voiced) return; // silence between turns is not queued
      turn = this.startTurn();
    }
    const now = this.now();
    if (voiced) {
      turn.lastVoice = now;
      turn.lastChunkMs = chunkMs;
      turn.lastActivity = now;
    }
    if (turn.cut) return;
    turn.receivedMs += chunkMs;
    if (turn.held) {
      turn.held.push(pcm);
      turn.heldMs += chunkMs;
      if (turn.heldMs >= PREBUFFER_MS) this.release(turn);
      return;
    }
    this.context.player.enqueue(turn.id, pcm);
  }

  /** The turn's held audio starts playing. */
  private release(turn: ModelTurn): void {
    const held = turn.held;
    turn.held = null;
    for (const pcm of held ?? []) this.context.player.enqueue(turn.id, pcm);
  }

  private onModelText(delta: string): void {
    if (!delta) return;
    const turn = this.turn ?? this.startTurn();
    turn.lastActivity = this.now();
    if (turn.cut) return;
    turn.text += delta;
    this.context.emit({ type: 'transcript.delta', speaker: 'assistant', itemId: turn.id, delta });
  }

  private onUserText(delta: string, startMs: number, endMs: number): void {
    if (!delta) return;
    const now = this.now();
    this.userVoiceAt = now;
    if (this.line && typeof startMs === 'number' && startMs - this.line.endMs > USER_GAP_MS) this.finishLine();
    let line = this.line;
    if (!line) {
      line = { id: `live-${this.runId}-u${++this.lineCount}`, text: '', endMs: startMs ?? 0, lastAt: now };
      this.line = line;
    }
    line.text += delta;
    line.lastAt = now;
    if (typeof endMs === 'number') line.endMs = Math.max(line.endMs, endMs);
    this.context.emit({ type: 'transcript.delta', speaker: 'user', itemId: line.id, delta });
    if (this.current === 'listening') this.setState('user-speaking');
  }

  // ---- turns ----

  private startTurn(): ModelTurn {
    // The model answering closes what the user said before it.
    this.finishLine();
    this.delegations.modelSpoke();
    const now = this.now();
    const turn: ModelTurn = {
      id: `live-${this.runId}-a${++this.turnCount}`,
      text: '',
      receivedMs: 0,
      lastActivity: now,
      lastVoice: now,
      lastChunkMs: 0,
      cut: false,
      held: [],
      heldMs: 0,
      startedAt: now,
    };
    this.turn = turn;
    return turn;
  }

  /** Timers, every 20 ms while open: a stalled reply under the user's voice, the end of a turn, a quiet user. */
  private tick(): void {
    if (this.closed) return;
    const now = this.now();
    const turn = this.turn;
    // A reply shorter than the prebuffer (or one that trickles in) plays anyway.
    if (turn?.held && now - turn.startedAt >= 2 * PREBUFFER_MS) this.release(turn);
    if (turn && !turn.cut && this.context.player.isPlaying) {
      const stallMs = Math.min(STALL_MAX_MS, Math.max(STALL_MIN_MS, 3 * turn.lastChunkMs));
      if (now - turn.lastVoice >= stallMs && now - this.userVoiceAt <= USER_RECENT_MS) {
        // The model went quiet while the user speaks: it yielded. Stop what is still queued of it.
        this.context.log(`live: barge-in, ${turn.id} stalled ${Math.round(now - turn.lastVoice)} ms under the user's voice`);
        this.yielded(turn);
        return;
      }
    }
    if (turn && now - turn.lastActivity >= TURN_END_MS) this.finishTurn(turn);
    if (this.line && now - this.line.lastAt >= USER_QUIET_MS) this.finishLine();
  }

  /** The model stopped while the user speaks: silence what is queued; a cut unless it had finished anyway. */
  private yielded(turn: ModelTurn): void {
    this.duck.confirmed();
    const flushed = this.context.player.flush();
    if (flushed && flushed.itemId === turn.id && flushed.receivedMs - flushed.playedMs > FINISHED_TOLERANCE_MS) {
      this.lastInterruptAt = this.now();
      this.cut('barge-in', flushed, turn, 0);
      return;
    }
    this.finishTurn(turn);
  }

  private finishTurn(turn: ModelTurn): void {
    if (this.turn !== turn) return;
    this.turn = null;
    if (this.current === 'speaking' && !this.context.player.isPlaying) this.setState(this.line ? 'user-speaking' : 'listening');
    if (!turn.cut && turn.text !== '') {
      this.context.emit({ type: 'transcript.final', speaker: 'assistant', itemId: turn.id, text: turn.text });
    }
  }

  private finishLine(): void {
    const line = this.line;
    if (!line) return;
    this.line = null;
    this.context.emit({ type: 'transcript.final', speaker: 'user', itemId: line.id, text: line.text });
    if (this.current === 'user-speaking') this.setState('listening');
  }

  /**
   * The reply stops here: `interrupted` with what was heard of it (the transcript shows the cut),
   * its line final, and back to listening. Returns the words heard.
   */
  private cut(reason: InterruptReason, flushed: FlushedAudio | null, turn: ModelTurn | null, unheardMs: number): string {
    const itemId = flushed?.itemId ?? turn!.id;
    const own = turn && turn.id === itemId ? turn : null;
    const receivedMs = Math.max(own?.receivedMs ?? 0, flushed?.receivedMs ?? 0);
    const playedMs = Math.max(0, Math.min(flushed ? flushed.playedMs : receivedMs - unheardMs, receivedMs));
    const { emit } = this.context;
    emit({ type: 'interrupted', itemId, reason, playedMs: Math.round(playedMs), receivedMs: Math.round(receivedMs) });
    const text = own?.text ?? '';
    if (own && text !== '') emit({ type: 'transcript.final', speaker: 'assistant', itemId, text });
    if (own && reason === 'barge-in') this.turn = null;
    this.setState('interrupted');
    this.setState(this.line ? 'user-speaking' : 'listening');
    return cutReply(text, heardFraction(playedMs, receivedMs)).heard;
  }

  /** Push-to-interrupt, the model's side: a silent fixture stops its speech, then a note says what was heard. */
  private tellModelOfStop(heard: string): void {
    const fixtureId = `kaiwa-stop-${++this.stopCount}`;
    if (this.pendingNote) clearTimeout(this.pendingNote.timer);
    const timer = setTimeout(() => this.sendNote(), FIXTURE_WAIT_MS);
    timer.unref();
    this.pendingNote = { fixtureId, note: interruptNote(heard), timer };
    if (!this.send(liveClientEvents.fixture(fixtureId, STOP_FIXTURE))) this.sendNote();
  }

  private sendNote(): void {
    const pending = this.pendingNote;
    if (!pending) return;
    this.pendingNote = null;
    clearTimeout(pending.timer);
    this.send(liveClientEvents.instructions(pending.note, `${pending.fixtureId}-note`));
    this.delegations.flush();
    this.endStoppedTurnForReply();
  }

  /**
   * What the model says after a tool's result went back is a new turn, even within TURN_END_MS of
   * a turn the user stopped (whose rest is otherwise dropped); once the stop fixture has played,
   * nothing of the stopped turn is still coming.
   */
  private endStoppedTurnForReply(): void {
    if (!this.replyExpected || this.pendingNote) return;
    this.replyExpected = false;
    if (this.turn?.cut) this.turn = null;
  }

  /**
   * The session's turns end with it (a renewal, a lost connection, close): the reply playing is
   * cut where it was heard, and every open line becomes final.
   */
  private endTurns(): void {
    this.duck.clear();
    const { record, player, emit } = this.context;
    const flushed = player.flush();
    if (flushed) record.interrupted(flushed.itemId, flushed.playedMs, flushed.receivedMs);
    const turn = this.turn;
    this.turn = null;
    if (turn && !turn.cut && turn.text !== '') emit({ type: 'transcript.final', speaker: 'assistant', itemId: turn.id, text: turn.text });
    const line = this.line;
    this.line = null;
    if (line) emit({ type: 'transcript.final', speaker: 'user', itemId: line.id, text: line.text });
    for (const entry of record.settle()) emit({ type: 'transcript.final', speaker: entry.speaker, itemId: entry.itemId, text: entry.text });
    if (this.pendingNote) clearTimeout(this.pendingNote.timer);
    this.pendingNote = null;
  }

  private emitUsage(seconds: number, final: boolean, sessionId = this.sessionId): void {
    this.context.emit({ type: 'session.usage', sessionId, seconds, final });
  }

  private send(event: ClientEvent): boolean {
    const keeper = this.keeper;
    if (!keeper) return false;
    try {
      return keeper.send(event);
    } catch (error) {
      const detail = (error as Error).message;
      this.context.emit({ type: 'error', code: 'protocol', fatal: false, ...(error instanceof ConnectionError ? error.said : say('error.internalDetail', { detail })) });
      return false;
    }
  }

  private setState(state: AssistantState, attempt?: number): void {
    if (state === this.current && attempt === undefined) return;
    this.current = state;
    this.context.emit(attempt === undefined ? { type: 'state', state } : { type: 'state', state, attempt });
  }

  /** A failure the session cannot get past: reported once, fatal; the session ends in 'error'. */
  private fail(code: ErrorCode, message: string, said: EngineMessage): SessionError {
    this.context.emit({ type: 'error', code, fatal: true, ...said });
    this.closed = true;
    this.stopTimers();
    this.delegations.close();
    for (const unsubscribe of this.unsubscribePlayer) unsubscribe();
    this.endTurns();
    void this.keeper?.close();
    this.setState('error');
    return new SessionError(code, message, said);
  }

  private stopTimers(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
  }
}

function isSilent(pcm: Int16Array): boolean {
  for (let i = 0; i < pcm.length; i++) {
    const s = pcm[i]!;
    if (s > SILENCE_PEAK || s < -SILENCE_PEAK) return false;
  }
  return true;
}
