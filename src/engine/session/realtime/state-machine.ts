import type {
  RealtimeClientEvent,
  RealtimeServerEvent,
  RealtimeSessionCreateRequest,
  RealtimeAudioInputTurnDetection,
  RealtimeResponseUsage,
  SessionUpdateEvent,
} from 'openai/resources/realtime/realtime';
import type { AssistantEvent, AssistantState, InterruptReason, Usage } from '../../events';
import type { Settings } from '../../settings';
import { ENGINE_SAMPLE_RATE } from '../../audio/devices/types';
import { base64ToPcm16 } from '../../audio/pcm';
import type { FlushedItem } from '../../audio/player';
import { describeServerError } from '../../realtime/server-notices';

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
  /** Fades out (at most 20 ms) and holds the queue position ('pause-then-decide'). */
  pause(): void;
  /** Fades back in where pause() stopped. */
  resume(): void;
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

/**
 * A barge-in on hold ('pause-then-decide'): the reply is paused while the user's speech proves
 * real (long enough, or transcribed words) or not (a cough, "mm-hmm").
 */
interface PendingBargeIn {
  itemId: string;
  audioStartMs: number;
  /** speech_stopped arrived and the speech was short: waiting for its transcript. */
  stopped: boolean;
  /** input_audio_buffer.committed arrived for it. */
  committed: boolean;
  /** Its transcript so far (deltas are single words: a sound note spans several). */
  transcript: string;
  timer: NodeJS.Timeout | null;
}

/** How long a short utterance may wait for its transcript before the reply resumes anyway. */
const TRANSCRIPT_WAIT_MS = 1_000;
/** Sounds a transcriber writes for backchannels and hesitations: not an interruption. */
const NON_WORDS = new Set(['mm', 'mmm', 'hm', 'hmm', 'mhm', 'mm-hmm', 'uh-huh', 'uh', 'um', 'umm', 'ah', 'oh', 'er', 'erm']);

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
  private pending: PendingBargeIn | null = null;
  /** Turns judged not to be interruptions: no reply is asked for them ('pause-then-decide'). */
  private readonly ignoredTurns = new Set<string>();
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
    this.clearPending();
    this.ignoredTurns.clear();
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
        this.onSpeechStarted(event.item_id, event.audio_start_ms);
        this.setState('user-speaking');
        break;
      case 'input_audio_buffer.speech_stopped':
        this.userSpeaking = false;
        if (this.pending?.itemId === event.item_id) this.onPendingSpeechStopped(this.pending, event.audio_end_ms);
        else this.setState('thinking');
        break;
      case 'input_audio_buffer.committed':
        if (this.current === 'listening') this.setState('thinking');
        if (this.pauseThenDecide) this.onTurnCommitted(event.item_id);
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
        this.onPendingTranscript(event.item_id, event.delta, false);
        break;
      case 'conversation.item.input_audio_transcription.completed':
        this.emit({ type: 'transcript.final', speaker: 'user', itemId: event.item_id, text: event.transcript });
        this.onPendingTranscript(event.item_id, event.transcript, true);
        break;
      case 'conversation.item.input_audio_transcription.failed':
        this.emit({ type: 'notice', message: `Transcription failed: ${event.error.message ?? 'unknown error'}` });
        this.onPendingTranscript(event.item_id, '', true);
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

  private get pauseThenDecide(): boolean {
    return this.settings.interruption.mode === 'pause-then-decide' && !this.manual;
  }

  /**
   * Interruption policy. 'immediate': the server cancelled already (interrupt_response), cut at
   * once. 'pause-then-decide': the server keeps going (interrupt_response and create_response
   * off); the reply fades out and holds until the speech proves real or not.
   *
   * The trade-off: a cough or "mm-hmm" no longer kills the reply, but a real interruption reaches
   * the server later (the user hears silence within 20 ms either way, but the cancel and truncate
   * wait for `minSpeechMs` of speech, up to `minSpeechMs + silenceDurationMs` after
   * speech_started), a short real one ("stop") waits for its transcript, and since the client
   * asks for every reply itself (response.create on commit) each turn costs one more round trip.
   */
  private onSpeechStarted(itemId: string, audioStartMs: number): void {
    if (!this.pauseThenDecide) {
      this.cut('barge-in');
      return;
    }
    if (this.pending) {
      // The user speaks again while a short utterance waits for its transcript: that is real.
      if (this.pending.stopped) this.confirmBargeIn();
      return;
    }
    if (!this.playingItemId && !this.activeResponseId && !this.hasQueuedAudio()) return;
    this.player.pause();
    const pending: PendingBargeIn = { itemId, audioStartMs, stopped: false, committed: false, transcript: '', timer: null };
    // Still no speech_stopped after minSpeechMs + the server's silence window: the speech is long.
    const td = this.settings.turnDetection;
    pending.timer = setTimeout(() => this.confirmBargeIn(), this.settings.interruption.minSpeechMs + td.silenceDurationMs);
    this.pending = pending;
    this.log(`barge-in on hold (${itemId})`);
  }

  private onPendingSpeechStopped(pending: PendingBargeIn, audioEndMs: number): void {
    if (pending.timer) clearTimeout(pending.timer);
    pending.timer = null;
    if (audioEndMs - pending.audioStartMs >= this.settings.interruption.minSpeechMs) {
      this.confirmBargeIn();
      return;
    }
    pending.stopped = true;
    pending.timer = setTimeout(() => this.dismissBargeIn(), TRANSCRIPT_WAIT_MS);
  }

  private onPendingTranscript(itemId: string, text: string, complete: boolean): void {
    const pending = this.pending;
    if (!pending || pending.itemId !== itemId) return;
    pending.transcript = complete ? text : pending.transcript + text;
    if (hasWords(pending.transcript)) this.confirmBargeIn();
    else if (complete && pending.stopped) this.dismissBargeIn();
  }

  /** 'pause-then-decide' asks for each reply itself, except for turns that were not interruptions. */
  private onTurnCommitted(itemId: string): void {
    if (this.pending?.itemId === itemId) {
      this.pending.committed = true;
      return;
    }
    if (this.ignoredTurns.delete(itemId)) return;
    this.send({ type: 'response.create' });
  }

  /** The speech was real: the usual barge-in, truncated at what was heard before the pause. */
  private confirmBargeIn(): void {
    const pending = this.pending;
    if (!pending) return;
    this.clearPending();
    this.log(`barge-in confirmed (${pending.itemId})`);
    this.cut('barge-in');
    if (pending.committed) this.send({ type: 'response.create' });
  }

  /** Not an interruption: the reply continues where it paused, and the turn gets no reply. */
  private dismissBargeIn(): void {
    const pending = this.pending;
    if (!pending) return;
    this.clearPending();
    if (!pending.committed) this.ignoredTurns.add(pending.itemId);
    this.log(`barge-in dismissed (${pending.itemId})`);
    this.player.resume();
    if (this.playingItemId) this.setState('speaking');
    else this.settle();
  }

  private clearPending(): void {
    if (this.pending?.timer) clearTimeout(this.pending.timer);
    this.pending = null;
  }

  private hasQueuedAudio(): boolean {
    for (const item of this.items.values()) if (!item.drained) return true;
    return false;
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
    this.clearPending();
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
  // 'pause-then-decide': the client decides whether speech interrupts, and asks for replies itself.
  const interrupt = s.interruption.mode === 'immediate';
  switch (td.mode) {
    case 'manual':
      return null;
    case 'semantic_vad':
      return { type: 'semantic_vad', eagerness: td.eagerness, create_response: interrupt, interrupt_response: interrupt };
    case 'server_vad':
      return {
        type: 'server_vad',
        threshold: td.threshold,
        silence_duration_ms: td.silenceDurationMs,
        prefix_padding_ms: td.prefixPaddingMs,
        create_response: interrupt,
        interrupt_response: interrupt,
      };
  }
}

/** Words in a transcript, leaving out bracketed sound notes ("[cough]", "(laughs)") and backchannels. */
function hasWords(text: string): boolean {
  const spoken = text.replace(/\([^)]*\)?|\[[^\]]*\]?/g, ' ').toLowerCase();
  for (const token of spoken.split(/[^\p{L}\p{N}'-]+/u)) {
    const word = token.replace(/^[-']+|[-']+$/g, '');
    if (word && !NON_WORDS.has(word)) return true;
  }
  return false;
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
