import { randomUUID } from 'node:crypto';
import type { RealtimeClientEvent, RealtimeServerEvent } from 'openai/resources/realtime/realtime';
import type { AssistantState, ErrorCode, InterruptReason } from '../../events';
import { say, type EngineMessage } from '../../messages';
import type { Settings } from '../../settings';
import { pcm16ToBase64 } from '../../audio/pcm';
import { ConnectionError } from '../../realtime/connection';
import { EndpointError, resolveEndpoint } from '../../realtime/endpoints';
import { ResilientConnection } from '../../realtime/resilient';
import { RateLimitWatch } from '../../realtime/server-notices';
import { SessionError, type ConversationSession, type SessionContext } from '../types';
import { pictureSummary, type PreparedPicture, type SessionPictureOutcome } from '../../input/types';
import { replayItems } from './replay';
import { sessionStarted } from './server-events';
import { sessionUpdate, toolsConfig } from './session-config';
import { TurnStateMachine } from './state-machine';

/**
 * The turn-based Realtime conversation (ConversationSession): one ResilientConnection (reconnects,
 * renewals, replay of what was said), the turn state machine, and the barge-in policy the
 * settings choose. Audio comes in batches from the mic path and goes out as
 * `input_audio_buffer.append`; replies play through the context's player.
 */
export class RealtimeSession implements ConversationSession {
  readonly protocol = 'realtime' as const;
  private readonly context: SessionContext;
  private settings: Settings;
  private readonly turns: TurnStateMachine;
  private readonly rateLimits = new RateLimitWatch();
  private readonly unsubscribePlayer: (() => void)[];
  private connection: ResilientConnection | null = null;
  private closed = false;
  /** The beta protocol has no MCP tools and no pictures (`input_image`). */
  private ga = false;
  /** Ids of the items Kaiwa adds (typed turns, pictures): `kaiwa_<run>_<n>`, within the API's 32 characters. */
  private readonly runId = randomUUID().slice(0, 8);
  private itemCount = 0;
  private unsubscribeRemind: (() => void) | null = null;

  constructor(context: SessionContext) {
    this.context = context;
    this.settings = context.settings;
    const { player } = context;
    this.turns = new TurnStateMachine({
      settings: context.settings,
      send: (event) => this.send(event),
      player,
      emit: context.emit,
      log: context.log,
      ...(context.tools ? { tools: context.tools } : {}),
    });
    this.unsubscribePlayer = [
      player.on('item-started', (itemId) => this.turns.playbackStarted(itemId)),
      player.on('item-finished', (itemId) => this.turns.playbackFinished(itemId)),
      player.on('idle', () => this.turns.playbackIdle()),
    ];
  }

  get state(): AssistantState {
    return this.turns.state;
  }

  get acceptsAudio(): boolean {
    return this.connection?.state === 'open' && this.turns.acceptsAudio;
  }

  async open(): Promise<void> {
    if (this.connection || this.closed) throw new SessionError('internal', 'A session opens once.', say('error.internalDetail', { detail: 'A session opens once.' }));
    this.turns.connecting();
    const { context } = this;
    let endpoint;
    try {
      endpoint = resolveEndpoint(this.settings, context.credentials, { localUrl: context.localUrl });
    } catch (error) {
      const detail = (error as Error).message;
      if (error instanceof EndpointError) throw this.fail('config', detail, say('error.settingInvalid', { detail: error.said }));
      throw this.fail('internal', detail, say('error.internalDetail', { detail }));
    }
    this.ga = endpoint.dialect === 'ga';
    const connection = new ResilientConnection({
      endpoint,
      // Every session (the first, a reconnect, a rollover) gets the current settings and the
      // conversation so far.
      sessionUpdate: () => this.sessionUpdate(),
      replay: () => replayItems(context.record.replay(), { pictures: this.ga }),
      canRollover: () => this.state === 'listening' && !context.player.isPlaying,
      ...context.resilience,
    });
    this.connection = connection;
    connection.on('event', (event) => this.onServerEvent(event));
    connection.on('protocol-error', (info) =>
      context.emit({ type: 'error', code: 'protocol', fatal: false, ...say('error.unexpectedEvent', { detail: info.said }) }),
    );
    connection.on('state', ({ state, attempt }) => {
      if (!this.closed && state === 'reconnecting') this.turns.reconnecting(attempt);
    });
    connection.on('disconnected', ({ said }) => {
      if (this.closed) return;
      this.endTurns(); // 'reconnecting' (with its attempt) follows from the connection
      context.emit({ type: 'notice', ...say('notice.connectionLost', { detail: said }) });
    });
    connection.on('skew', ({ said }) => {
      if (!this.closed) context.emit({ type: 'notice', ...said });
    });
    connection.on('handover', () => {
      // A renewal mid-turn (the server's session_expired, or a forced rollover) ends that turn.
      if (!this.closed) this.endTurns('listening');
    });
    connection.on('session', ({ reason }) => {
      if (!this.closed) context.emit(sessionStarted(connection.sessionCreated?.session));
      if (this.closed || reason === 'initial') return;
      context.emit(
        reason === 'reconnect'
          ? { type: 'notice', ...say('notice.reconnected') }
          : { type: 'notice', ...say('notice.sessionRenewed') },
      );
      this.turns.connected();
      // The user's last turn went unanswered with the old session: answer it in the new one.
      if (context.record.said.at(-1)?.speaker === 'user') this.send({ type: 'response.create' });
    });
    connection.on('failed', ({ code, message, said }) => {
      if (!this.closed) this.fail(code, message, say('error.connectionFailed', { detail: said }));
    });
    try {
      await connection.connect();
    } catch (error) {
      if (this.closed) return;
      const detail = (error as Error).message;
      if (error instanceof ConnectionError) throw this.fail(error.code, detail, say('error.connectionFailed', { detail: error.said }));
      throw this.fail('internal', detail, say('error.internalDetail', { detail }));
    }
    this.turns.connected();
    // A timer set in an earlier conversation may fire in this one.
    this.unsubscribeRemind = context.tools?.onRemind((text) => this.turns.remind(text)) ?? null;
  }

  get wantsVoiceOnsets(): boolean {
    return this.connection?.state === 'open' && this.turns.wantsVoiceOnsets;
  }

  voiceOnset(): void {
    this.turns.voiceOnset();
  }

  voiceRetracted(): void {
    this.turns.voiceRetracted();
  }

  sendAudio(pcm: Int16Array): void {
    if (this.acceptsAudio) this.send({ type: 'input_audio_buffer.append', audio: pcm16ToBase64(pcm) });
  }

  interrupt(reason: InterruptReason): boolean {
    return this.turns.interrupt(reason);
  }

  sendText(text: string): EngineMessage | null {
    if (this.connection?.state !== 'open') return say('notice.noConversation');
    const itemId = this.newItemId();
    this.turns.typed(itemId, text);
    this.context.emit({ type: 'transcript.final', speaker: 'user', itemId, text, typed: true });
    return null;
  }

  showPicture(picture: PreparedPicture): SessionPictureOutcome {
    // The beta shape has no `input_image` (its encoder would refuse it): nothing is sent.
    if (this.connection && !this.ga) return { status: 'unsupported', said: say('notice.picturesNotInBeta') };
    if (this.connection?.state !== 'open') return { status: 'unsupported', said: say('notice.noConversation') };
    const itemId = this.newItemId();
    this.turns.picture(itemId, picture.dataUrl);
    this.context.record.picture(itemId, picture);
    this.context.emit({ type: 'picture', itemId, picture: pictureSummary(picture) });
    return { status: 'sent', itemId };
  }

  startTalking(): void {
    this.turns.startTalking();
  }

  stopTalking(): void {
    this.turns.stopTalking();
  }

  setMuted(muted: boolean): void {
    this.turns.setMuted(muted);
  }

  updateSettings(settings: Settings): void {
    const previous = this.settings;
    this.settings = settings;
    this.turns.updateSettings(settings);
    this.send(this.sessionUpdate(previous));
  }

  async close(finalState: 'idle' | 'error' = 'idle'): Promise<void> {
    if (this.closed) return;
    this.end(finalState);
  }

  // ---- internals ----

  /** `previous`: the settings the running session has (an update, not a new session). */
  private sessionUpdate(previous?: Settings) {
    const { tools } = this.context;
    return sessionUpdate(this.settings, tools ? toolsConfig(tools, this.ga) : undefined, previous);
  }

  private newItemId(): string {
    return `kaiwa_${this.runId}_${++this.itemCount}`;
  }

  private onServerEvent(event: RealtimeServerEvent): void {
    switch (event.type) {
      case 'input_audio_buffer.committed':
        // The user's turn takes its place before the reply to it, though its transcript comes later.
        this.context.record.reserve(event.item_id, 'user');
        break;
      case 'rate_limits.updated': {
        const notice = this.rateLimits.update(event);
        if (notice) this.context.emit({ type: 'notice', ...notice.said });
        return;
      }
      default:
        break;
    }
    this.turns.handleServerEvent(event);
  }

  private send(event: RealtimeClientEvent): void {
    const connection = this.connection;
    // While reconnecting nothing is sent: late microphone audio or a cancel for the old session mean nothing to the next one.
    if (!connection || connection.state !== 'open') return;
    try {
      connection.send(event);
    } catch (error) {
      const detail = (error as Error).message;
      const said = error instanceof ConnectionError ? error.said : detail;
      this.context.emit({ type: 'error', code: 'protocol', fatal: false, ...say('error.unexpectedEvent', { detail: said }) });
    }
  }

  /**
   * The session's turns end with it. What was heard stays in the record: the reply playing is cut
   * there, words that streamed without a final keep what arrived, and front ends get those words
   * as finals.
   */
  private endTurns(state?: AssistantState): void {
    const { record, player, emit } = this.context;
    const flushed = player.flush();
    if (flushed) record.interrupted(flushed.itemId, flushed.playedMs, flushed.receivedMs);
    for (const entry of record.settle()) {
      emit({ type: 'transcript.final', speaker: entry.speaker, itemId: entry.itemId, text: entry.text });
    }
    this.turns.reset(state);
  }

  /** A failure the session cannot get past: reported once, fatal; the session ends in 'error'. */
  private fail(code: ErrorCode, message: string, said: EngineMessage): SessionError {
    this.context.emit({ type: 'error', code, fatal: true, ...said });
    this.end('error');
    return new SessionError(code, message, said);
  }

  private end(finalState: 'idle' | 'error'): void {
    this.closed = true;
    this.unsubscribeRemind?.();
    for (const unsubscribe of this.unsubscribePlayer) unsubscribe();
    this.context.player.flush();
    this.connection?.close();
    this.turns.reset(finalState);
  }
}
