import type {
  RealtimeClientEvent,
  RealtimeServerEvent,
  RealtimeSessionCreateRequest,
  RealtimeAudioInputTurnDetection,
  RealtimeResponseUsage,
  SessionUpdateEvent,
} from 'openai/resources/realtime/realtime';
import type { AssistantEvent, AssistantState, InterruptReason, Usage } from './events';
import type { Settings } from './settings';
import { ENGINE_SAMPLE_RATE } from './audio/devices/types';
import { base64ToPcm16 } from './audio/pcm';
import type { FlushedItem } from './audio/player';
import { describeServerError } from './realtime/server-notices';

/**
 * Turn-taking: a small state machine driven by GA server events and user actions. It owns no
 * socket and no device: it sends client events through `send`, plays through the Player, and tells
 * front ends what happens through `emit`. See ARCHITECTURE.md, "Interrupt".
 */

/** The part of the Player the conversation drives. */
export interface ConversationPlayer {
  enqueue(itemId: string, pcm: Int16Array): void;
  /** Silences output within one device buffer; what was playing, or null when nothing was. */
  flush(): FlushedItem | null | undefined;
}

export interface ConversationOptions {
  settings: Settings;
  send: (event: RealtimeClientEvent) => void;
  player: ConversationPlayer;
  emit: (event: AssistantEvent) => void;
  /** Milliseconds, monotonic. Injected so tests control time. */
  now?: () => number;
  log?: (line: string) => void;
}

interface ItemAudio {
  responseId: string;
  receivedMs: number;
  /** `response.output_audio.done` arrived: no more audio will come for this item. */
  complete: boolean;
  /** The player handed the last received frame of it to the device. */
  drained: boolean;
}

/** Errors the server reports for a benign race (it finished or cancelled the response first). */
const BENIGN_ERROR_CODES = new Set(['response_cancel_not_active']);

export class Conversation {
  private settings: Settings;
  private readonly send: (event: RealtimeClientEvent) => void;
  private readonly player: ConversationPlayer;
  private readonly emit: (event: AssistantEvent) => void;
  private readonly now: () => number;
  private readonly log: (line: string) => void;

  private current: AssistantState = 'idle';
  private activeResponseId: string | null = null;
  private readonly items = new Map<string, ItemAudio>();
  /** Item ids (and response ids) cut by an interrupt: their late deltas are dropped. */
  private readonly interrupted = new Set<string>();
  /** The item the player is playing now, if any. */
  private playingItemId: string | null = null;
  private userSpeaking = false;
  private talking = false;
  private mutedFlag = false;
  /** Clock time of the last interrupt (for debugging and benchmarks). */
  lastInterruptAt: number | null = null;

  constructor(options: ConversationOptions) {
    this.settings = options.settings;
    this.send = options.send;
    this.player = options.player;
    this.emit = options.emit;
    this.now = options.now ?? (() => performance.now());
    this.log = options.log ?? (() => {});
  }

  get state(): AssistantState {
    return this.current;
  }

  get muted(): boolean {
    return this.mutedFlag;
  }

  get manual(): boolean {
    return this.settings.turnDetection.mode === 'manual';
  }

  /** Whether microphone audio should reach the server now (not muted; in manual mode, only while talking). */
  get acceptsAudio(): boolean {
    return !this.mutedFlag && (!this.manual || this.talking);
  }

  /** The connection is up: configure the session and start listening. */
  start(): void {
    this.send(this.sessionUpdate());
    this.setState('listening');
  }

  /** The session is gone (stop, a fatal error, a reconnect): forget what was in flight. `state`: the state to enter, if any. */
  reset(state?: AssistantState): void {
    this.activeResponseId = null;
    this.items.clear();
    this.interrupted.clear();
    this.playingItemId = null;
    this.userSpeaking = false;
    this.talking = false;
    if (state) this.setState(state);
  }

  /** `attempt` goes with 'reconnecting' (1-based); each new attempt is reported. */
  setState(state: AssistantState, attempt?: number): void {
    if (state === this.current && attempt === undefined) return;
    this.current = state;
    this.emit(attempt === undefined ? { type: 'state', state } : { type: 'state', state, attempt });
  }

  updateSettings(settings: Settings, connected: boolean): void {
    const wasManual = this.manual;
    this.settings = settings;
    if (wasManual && !this.manual) this.talking = false;
    if (connected) this.send(this.sessionUpdate());
  }

  setMuted(muted: boolean): void {
    this.mutedFlag = muted;
  }

  /** The GA `session.update` for the current settings. */
  sessionUpdate(): SessionUpdateEvent {
    const s = this.settings;
    const session: RealtimeSessionCreateRequest = {
      type: 'realtime',
      // No `model`: the URL chose it (and the beta schema accepts only preview model names here).
      instructions: s.instructions,
      output_modalities: ['audio'],
      audio: {
        input: {
          format: { type: 'audio/pcm', rate: ENGINE_SAMPLE_RATE },
          transcription: { model: s.transcriptionModel },
          turn_detection: turnDetection(s),
        },
        output: { format: { type: 'audio/pcm', rate: ENGINE_SAMPLE_RATE }, voice: s.voice },
      },
    };
    return { type: 'session.update', session };
  }

  // ---- user actions ----

  /** The interrupt button or hotkey. A no-op when nothing is playing or coming. */
  interrupt(reason: InterruptReason = 'user'): boolean {
    return this.cut(reason);
  }

  /** Push-to-talk pressed: cut any playback, start a fresh input buffer. */
  startTalking(): void {
    if (!this.manual) return;
    this.cut('user');
    this.talking = true;
    this.send({ type: 'input_audio_buffer.clear' });
    this.setState('user-speaking');
  }

  /** Push-to-talk released: the turn is complete, ask for the reply. */
  stopTalking(): void {
    if (!this.manual || !this.talking) return;
    this.talking = false;
    this.send({ type: 'input_audio_buffer.commit' });
    this.send({ type: 'response.create' });
    this.setState('thinking');
  }

  // ---- player events ----

  playbackStarted(itemId: string): void {
    this.playingItemId = itemId;
    if (!this.interrupted.has(itemId) && !this.userSpeaking) this.setState('speaking');
  }

  /** The player has no more queued audio of `itemId` (it may still get more if the reply is still streaming). */
  playbackFinished(itemId: string): void {
    const item = this.items.get(itemId);
    if (item) item.drained = true;
    if (this.playingItemId === itemId) this.playingItemId = null;
  }

  /** Nothing left to play. */
  playbackIdle(): void {
    this.playingItemId = null;
    for (const item of this.items.values()) item.drained = true;
    this.settle();
  }

  // ---- server events ----

  handleServerEvent(event: RealtimeServerEvent): void {
    switch (event.type) {
      case 'input_audio_buffer.speech_started':
        this.userSpeaking = true;
        this.onSpeechStarted();
        this.setState('user-speaking');
        break;
      case 'input_audio_buffer.speech_stopped':
        this.userSpeaking = false;
        this.setState('thinking');
        break;
      case 'input_audio_buffer.committed':
        if (this.current === 'listening') this.setState('thinking');
        break;
      case 'response.created':
        this.activeResponseId = event.response.id ?? null;
        if (this.current === 'listening') this.setState('thinking');
        break;
      case 'response.output_audio.delta':
        this.onAudioDelta(event.response_id, event.item_id, event.delta);
        break;
      case 'response.output_audio.done': {
        const item = this.items.get(event.item_id);
        if (item) item.complete = true;
        break;
      }
      case 'response.output_audio_transcript.delta':
      case 'response.output_text.delta':
        if (!event.delta) break;
        this.emit({ type: 'transcript.delta', speaker: 'assistant', itemId: event.item_id, delta: event.delta });
        break;
      case 'response.output_audio_transcript.done':
        this.emit({ type: 'transcript.final', speaker: 'assistant', itemId: event.item_id, text: event.transcript });
        break;
      case 'response.output_text.done':
        this.emit({ type: 'transcript.final', speaker: 'assistant', itemId: event.item_id, text: event.text });
        break;
      case 'conversation.item.input_audio_transcription.delta':
        if (!event.delta) break;
        this.emit({ type: 'transcript.delta', speaker: 'user', itemId: event.item_id, delta: event.delta });
        break;
      case 'conversation.item.input_audio_transcription.completed':
        this.emit({ type: 'transcript.final', speaker: 'user', itemId: event.item_id, text: event.transcript });
        break;
      case 'conversation.item.input_audio_transcription.failed':
        this.emit({ type: 'notice', message: `Transcription failed: ${event.error.message ?? 'unknown error'}` });
        break;
      case 'response.done': {
        const response = event.response;
        if (response.id && response.id === this.activeResponseId) this.activeResponseId = null;
        else if (!response.id) this.activeResponseId = null;
        if (response.usage && response.id) {
          this.emit({ type: 'usage', responseId: response.id, usage: toUsage(response.usage) });
        }
        for (const item of this.items.values()) if (item.responseId === response.id) item.complete = true;
        this.settle();
        break;
      }
      case 'error': {
        const { code } = event.error;
        if (code && BENIGN_ERROR_CODES.has(code)) {
          this.log(`server: ${code} (ignored)`);
          break;
        }
        const info = describeServerError(event);
        this.emit({ type: 'error', code: info.code, message: info.message, fatal: false });
        break;
      }
      default:
        break;
    }
  }

  /**
   * Interruption policy. 'immediate' cuts at once. 'pause-then-decide' (a later issue) will pause
   * the player here and decide on speech_stopped / after `interruption.minSpeechMs`.
   */
  private onSpeechStarted(): void {
    this.cut('barge-in');
  }

  private onAudioDelta(responseId: string, itemId: string, delta: string): void {
    if (this.interrupted.has(itemId) || this.interrupted.has(responseId)) return;
    let pcm: Int16Array;
    try {
      pcm = base64ToPcm16(delta);
    } catch (error) {
      this.emit({ type: 'error', code: 'protocol', message: `Bad audio from the server: ${(error as Error).message}`, fatal: false });
      return;
    }
    if (pcm.length === 0) return;
    let item = this.items.get(itemId);
    if (!item) {
      item = { responseId, receivedMs: 0, complete: false, drained: false };
      this.items.set(itemId, item);
    }
    item.receivedMs += (pcm.length * 1000) / ENGINE_SAMPLE_RATE;
    item.drained = false;
    this.player.enqueue(itemId, pcm);
  }

  /**
   * The barge-in sequence: silence first, then cancel what is still being generated, then tell the
   * server how much of the item was heard, so its memory of the conversation matches the user's.
   */
  private cut(reason: InterruptReason): boolean {
    const flushed = this.player.flush() ?? null;
    const responseId = this.activeResponseId;
    if (!flushed && !responseId) return false;

    this.lastInterruptAt = this.now();
    if (responseId) {
      this.send({ type: 'response.cancel', response_id: responseId });
      this.interrupted.add(responseId);
      this.activeResponseId = null;
    }
    this.playingItemId = null;

    if (!flushed) {
      // Nothing queued: whatever audio arrived was heard in full, but the server may hold more of
      // the item than that, so truncate the still-streaming item at what we received.
      for (const [itemId, item] of this.items) {
        if (item.responseId !== responseId || item.complete) continue;
        this.interrupted.add(itemId);
        this.items.delete(itemId);
        this.send({ type: 'conversation.item.truncate', item_id: itemId, content_index: 0, audio_end_ms: Math.round(item.receivedMs) });
      }
      this.log(`interrupt (${reason}): cancelled ${responseId} with nothing queued`);
      this.settle();
      return true;
    }

    const item = this.items.get(flushed.itemId);
    const receivedMs = item ? Math.max(item.receivedMs, flushed.receivedMs) : flushed.receivedMs;
    const playedMs = Math.max(0, Math.min(flushed.playedMs, receivedMs));
    const fullyHeard = (item ? item.complete : !responseId) && playedMs >= receivedMs;
    this.interrupted.add(flushed.itemId);
    if (receivedMs > 0 && !fullyHeard) {
      this.send({
        type: 'conversation.item.truncate',
        item_id: flushed.itemId,
        content_index: 0,
        audio_end_ms: Math.round(playedMs),
      });
    }
    this.items.delete(flushed.itemId);
    this.emit({ type: 'interrupted', itemId: flushed.itemId, reason, playedMs: Math.round(playedMs), receivedMs: Math.round(receivedMs) });
    this.setState('interrupted');
    this.setState(this.userSpeaking || this.talking ? 'user-speaking' : 'listening');
    return true;
  }

  /** After a reply: back to listening once nothing is generating and nothing is left to hear. */
  private settle(): void {
    if (this.activeResponseId || this.playingItemId) return;
    for (const item of this.items.values()) if (!item.drained) return;
    this.items.clear();
    if (this.userSpeaking || this.talking) this.setState('user-speaking');
    else if (this.current === 'speaking' || this.current === 'thinking' || this.current === 'interrupted') this.setState('listening');
  }
}

function turnDetection(s: Settings): RealtimeAudioInputTurnDetection | null {
  const td = s.turnDetection;
  const interrupt = s.interruption.mode === 'immediate';
  // 'pause-then-decide' (a later issue) will keep interrupt_response off and decide client-side.
  switch (td.mode) {
    case 'manual':
      return null;
    case 'semantic_vad':
      return { type: 'semantic_vad', eagerness: td.eagerness, create_response: true, interrupt_response: interrupt };
    case 'server_vad':
      return {
        type: 'server_vad',
        threshold: td.threshold,
        silence_duration_ms: td.silenceDurationMs,
        prefix_padding_ms: td.prefixPaddingMs,
        create_response: true,
        interrupt_response: interrupt,
      };
  }
}

function toUsage(u: RealtimeResponseUsage): Usage {
  const usage: Usage = {
    inputTokens: u.input_tokens ?? 0,
    outputTokens: u.output_tokens ?? 0,
    totalTokens: u.total_tokens ?? 0,
  };
  if (u.input_token_details?.audio_tokens !== undefined) usage.inputAudioTokens = u.input_token_details.audio_tokens;
  if (u.output_token_details?.audio_tokens !== undefined) usage.outputAudioTokens = u.output_token_details.audio_tokens;
  return usage;
}
