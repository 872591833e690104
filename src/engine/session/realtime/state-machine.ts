import type { RealtimeClientEvent, RealtimeServerEvent } from 'openai/resources/realtime/realtime';
import type { AssistantEvent, AssistantState, InterruptReason } from '../../events';
import type { Settings } from '../../settings';
import { ENGINE_SAMPLE_RATE } from '../../audio/devices/types';
import { base64ToPcm16 } from '../../audio/pcm';
import { say } from '../../messages';
import { LocalDuck } from '../local-duck';
import type { SessionPlayer } from '../types';
import { pausesThenDecide, type BargeInPolicy, type BargeInTarget } from './barge-in';
import { ImmediateInterruption } from './immediate-interruption';
import { PauseThenDecide } from './pause-then-decide';
import { isBenignError, translateServerEvent } from './server-events';
import type { SessionTools } from '../../tools/types';
import { RealtimeToolCalls } from './tool-calls';

/**
 * The turns of a Realtime conversation: the one owner of AssistantState while a Realtime session
 * exists. Driven by GA server events, the player's playback and user actions; owns no socket and
 * no device: sends client events through `send`, plays through the player, tells front ends what
 * happens through `emit`. Speech over a reply goes to the barge-in policy the settings choose.
 * See ARCHITECTURE.md, "Interrupt".
 */

export interface TurnStateMachineOptions {
  settings: Settings;
  send: (event: RealtimeClientEvent) => void;
  player: Pick<SessionPlayer, 'enqueue' | 'flush' | 'pause' | 'resume' | 'isPaused'>;
  emit: (event: AssistantEvent) => void;
  log?: (line: string) => void;
  /** How long a local duck waits for speech_started (default DUCK_WINDOW_MS). */
  duckWindowMs?: number;
  /** The tools the model may call; their rounds keep the turn in 'thinking' (tool-calls.ts). */
  tools?: SessionTools;
}

interface ItemAudio {
  responseId: string;
  receivedMs: number;
  /** `response.output_audio.done` arrived: no more audio will come for this item. */
  complete: boolean;
  /** The player handed the last received frame of it to the device. */
  drained: boolean;
}

export class TurnStateMachine {
  private settings: Settings;
  private readonly send: (event: RealtimeClientEvent) => void;
  private readonly player: TurnStateMachineOptions['player'];
  private readonly emit: (event: AssistantEvent) => void;
  private readonly log: (line: string) => void;
  private policy: BargeInPolicy;
  /** A local voice onset ducks the reply until speech_started confirms it (issue 12). */
  private readonly duck: LocalDuck;

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
  private readonly toolCalls: RealtimeToolCalls | null;
  /**
   * A picture went in after the user's turn was committed and before its answer was created (the
   * answer may have been made without it): the answer, once created, is asked for again.
   */
  private reanswerForPicture = false;
  /**
   * Kaiwa asked for an answer (typed words, a picture's re-answer) and its `response.created` has
   * not come: the `response.done` of a reply cancelled on the way must not settle to listening.
   */
  private awaitingResponse = false;
  /** Reminders (a timer firing) waiting for a quiet moment: spoken when the conversation is back to listening. */
  private readonly reminders: string[] = [];

  constructor(options: TurnStateMachineOptions) {
    this.settings = options.settings;
    this.send = options.send;
    this.player = options.player;
    this.emit = options.emit;
    this.log = options.log ?? (() => {});
    this.policy = this.choosePolicy();
    const { player } = options;
    this.duck = new LocalDuck(player, (line) => this.log(line), options.duckWindowMs);
    this.toolCalls = options.tools
      ? new RealtimeToolCalls({ tools: options.tools, send: this.send, emit: this.emit, log: this.log, changed: () => this.settle() })
      : null;
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

  /** The local VAD listens while a reply plays, when on and when the server's VAD can confirm (not in manual turns). */
  get wantsVoiceOnsets(): boolean {
    return this.settings.interruption.localVad && !this.manual && !this.mutedFlag && this.playingItemId !== null && !this.userSpeaking;
  }

  /** The local VAD heard a voice start: duck the reply while the server decides. */
  voiceOnset(): void {
    if (this.wantsVoiceOnsets && this.playingItemId) this.duck.voiceHeard(this.playingItemId);
  }

  voiceRetracted(): void {
    this.duck.voiceRetracted();
  }

  // ---- the session's life ----

  connecting(): void {
    this.setState('connecting');
  }

  /** `attempt` is 1-based; each new attempt is reported. */
  reconnecting(attempt?: number): void {
    this.setState('reconnecting', attempt);
  }

  /** A connection is configured: listen, unless a turn already moved on. */
  connected(): void {
    if (this.current === 'connecting' || this.current === 'reconnecting') this.setState('listening');
  }

  /** The session's turns are gone (stop, a fatal error, a reconnect, a renewal): forget what was in flight. `state`: the state to enter, if any. */
  reset(state?: AssistantState): void {
    this.duck.clear();
    this.policy.reset();
    this.activeResponseId = null;
    this.items.clear();
    this.interrupted.clear();
    this.playingItemId = null;
    this.userSpeaking = false;
    this.talking = false;
    this.reanswerForPicture = false;
    this.awaitingResponse = false;
    this.toolCalls?.reset();
    if (state) this.setState(state);
  }

  /**
   * Speak `text` (instructions for the model: a timer fired) as soon as nothing else is going on:
   * never over a reply, a tool round or the user's turn.
   */
  remind(text: string): void {
    this.reminders.push(text);
    this.deliverReminder();
  }

  updateSettings(settings: Settings): void {
    const wasManual = this.manual;
    const wasPausing = pausesThenDecide(this.settings);
    this.settings = settings;
    if (wasManual && !this.manual) this.talking = false;
    if (wasPausing !== pausesThenDecide(settings)) {
      this.policy.reset();
      this.policy = this.choosePolicy();
    }
  }

  setMuted(muted: boolean): void {
    this.mutedFlag = muted;
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

  /**
   * Typed words are a user turn: a reply playing is cut exactly as the Interrupt button cuts it
   * (cancel, truncate at what was heard), then the words go in as a user message and the answer
   * is asked for. `itemId` is the item's id (the client may name items).
   */
  typed(itemId: string, text: string): void {
    this.cut('user');
    this.send({ type: 'conversation.item.create', item: { id: itemId, type: 'message', role: 'user', content: [{ type: 'input_text', text }] } });
    this.send({ type: 'response.create' });
    this.awaitingResponse = true;
    this.setState('thinking');
  }

  /**
   * A picture joins the conversation as a user message with an `input_image` part. Sent now, it
   * comes before the user's turn that is not yet committed (the audio item is added at the commit),
   * so the answer to that turn sees it. A picture that comes after the commit but before the answer
   * has any audio makes that answer start again with the picture in view; one that comes while a
   * reply plays belongs to the user's next turn.
   */
  picture(itemId: string, dataUrl: string): void {
    this.send({ type: 'conversation.item.create', item: { id: itemId, type: 'message', role: 'user', content: [{ type: 'input_image', image_url: dataUrl, detail: 'auto' }] } });
    if (this.current !== 'thinking' || this.toolCalls?.busy) return;
    if (this.activeResponseId) this.reanswer(this.activeResponseId);
    else this.reanswerForPicture = true;
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
    const told = translateServerEvent(event, this.log);
    if (told) this.emit(told);
    // First, so that a response ending in a function call is known to start a round before it settles.
    this.toolCalls?.handle(event);
    switch (event.type) {
      case 'input_audio_buffer.speech_started':
        this.userSpeaking = true;
        this.duck.confirmed();
        this.policy.speechStarted(event.item_id, event.audio_start_ms);
        this.setState('user-speaking');
        break;
      case 'input_audio_buffer.speech_stopped':
        this.userSpeaking = false;
        if (!this.policy.speechStopped(event.item_id, event.audio_end_ms)) this.setState('thinking');
        break;
      case 'input_audio_buffer.committed':
        if (this.current === 'listening') this.setState('thinking');
        this.policy.committed(event.item_id);
        break;
      case 'response.created':
        this.awaitingResponse = false;
        this.activeResponseId = event.response.id ?? null;
        if (this.current === 'listening') this.setState('thinking');
        if (this.reanswerForPicture && this.activeResponseId) this.reanswer(this.activeResponseId);
        break;
      case 'response.output_audio.delta':
        this.onAudioDelta(event.response_id, event.item_id, event.delta);
        break;
      case 'response.output_audio.done': {
        const item = this.items.get(event.item_id);
        if (item) item.complete = true;
        break;
      }
      case 'conversation.item.input_audio_transcription.delta':
        if (event.delta) this.policy.transcript(event.item_id, event.delta, false);
        break;
      case 'conversation.item.input_audio_transcription.completed':
        this.policy.transcript(event.item_id, event.transcript, true);
        break;
      case 'conversation.item.input_audio_transcription.failed':
        this.policy.transcript(event.item_id, '', true);
        break;
      case 'error':
        // A refused response.create is not coming.
        if (this.awaitingResponse && !isBenignError(event)) {
          this.awaitingResponse = false;
          this.settle();
        }
        break;
      case 'response.done': {
        const response = event.response;
        if (response.id && response.id === this.activeResponseId) this.activeResponseId = null;
        else if (!response.id) this.activeResponseId = null;
        for (const item of this.items.values()) if (item.responseId === response.id) item.complete = true;
        this.settle();
        break;
      }
      default:
        break;
    }
  }

  // ---- internals ----

  private setState(state: AssistantState, attempt?: number): void {
    if (state === this.current && attempt === undefined) return;
    this.current = state;
    this.emit(attempt === undefined ? { type: 'state', state } : { type: 'state', state, attempt });
    if (state !== 'thinking') this.reanswerForPicture = false;
    if (state === 'listening') this.deliverReminder();
  }

  private deliverReminder(): void {
    if (this.current !== 'listening' || this.activeResponseId || this.toolCalls?.busy || this.reminders.length === 0) return;
    const text = this.reminders.shift()!;
    this.send({ type: 'conversation.item.create', item: { type: 'message', role: 'system', content: [{ type: 'input_text', text }] } });
    this.send({ type: 'response.create' });
    this.setState('thinking');
  }

  /** The answer being made may not have seen a picture that just went in: unless it is already heard, it is made again. */
  private reanswer(responseId: string): void {
    this.reanswerForPicture = false;
    for (const item of this.items.values()) if (item.responseId === responseId) return;
    this.log(`picture after the commit: ${responseId} is made again`);
    this.send({ type: 'response.cancel', response_id: responseId });
    this.interrupted.add(responseId);
    this.activeResponseId = null;
    this.send({ type: 'response.create' });
    this.awaitingResponse = true;
  }

  private choosePolicy(): BargeInPolicy {
    const target: BargeInTarget = {
      replyInProgress: () => this.playingItemId !== null || this.activeResponseId !== null || this.hasQueuedAudio() || (this.toolCalls?.busy ?? false),
      cut: (reason) => this.cut(reason),
      hold: () => this.player.pause(),
      release: () => {
        this.player.resume();
        if (this.playingItemId) this.setState('speaking');
        else this.settle();
      },
      requestReply: () => this.send({ type: 'response.create' }),
      log: (line) => this.log(line),
    };
    return pausesThenDecide(this.settings) ? new PauseThenDecide(target, () => this.settings) : new ImmediateInterruption(target);
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
      const detail = (error as Error).message;
      this.emit({ type: 'error', code: 'protocol', fatal: false, ...say('error.badAudio', { detail }) });
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
    this.duck.clear();
    this.policy.interrupted();
    // A tool round under way is over for the user: its outputs still go in, no reply is asked for.
    const roundSuperseded = this.toolCalls?.supersede() ?? false;
    const flushed = this.player.flush();
    const responseId = this.activeResponseId;
    if (!flushed && !responseId) {
      if (!roundSuperseded) return false;
      this.log(`interrupt (${reason}): tool round superseded`);
      this.setState(this.userSpeaking || this.talking ? 'user-speaking' : 'listening');
      return true;
    }

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
    if (this.activeResponseId || this.playingItemId || this.awaitingResponse) return;
    for (const item of this.items.values()) if (!item.drained) return;
    this.items.clear();
    if (this.userSpeaking || this.talking) this.setState('user-speaking');
    else if (this.toolCalls?.busy) this.setState('thinking');
    else if (this.current === 'speaking' || this.current === 'thinking' || this.current === 'interrupted') this.setState('listening');
    else this.deliverReminder();
  }
}
