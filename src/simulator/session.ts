import type {
  ConversationItem,
  ConversationItemCreateEvent,
  ConversationItemTruncateEvent,
  InputAudioBufferAppendEvent,
  RealtimeAudioInputTurnDetection,
  RealtimeClientEvent,
  RealtimeConversationItemAssistantMessage,
  RealtimeConversationItemUserMessage,
  RealtimeResponse,
  RealtimeResponseCreateParams,
  RealtimeServerEvent,
  RealtimeSessionCreateRequest,
  ResponseCancelEvent,
  SessionUpdateEvent,
} from 'openai/resources/realtime/realtime';
import { ENGINE_SAMPLE_RATE } from '../engine/audio/devices/types';
import { base64ToPcm16, msToSamples, pcm16ToBase64, samplesToMs } from '../engine/audio/pcm';
import type { DialectName, WireEvent } from '../engine/realtime/dialects/types';
import { specValidator, type SpecValidator } from '../engine/realtime/spec/validator';
import { wireCodec, type WireCodec } from './codec';
import { MALFORMED_FRAME, UNKNOWN_EVENT_TYPE, type FaultPlan } from './faults';
import { newId } from './ids';
import { withoutDocumentedNulls } from './spec-gaps';
import { InputBuffer } from './input-buffer';
import { EnergyVad, type VadConfig, type VadEvent } from './vad';
import { ReplyVoice } from './voice';

/**
 * One Realtime session, as the server keeps it for one WebSocket: its configuration, input audio
 * buffer and VAD, the conversation, and at most one response streaming at a time. It thinks in GA
 * events; the codec turns them into the connection's dialect.
 */

export interface SessionTransport {
  send(text: string): void;
  close(code: number, reason: string): void;
  /** Drops the connection without a close frame. */
  terminate(): void;
}

export interface SessionOptions {
  dialect: DialectName;
  model: string;
  /** Length of every spoken reply. */
  replyMs: number;
  /** How much faster than real time reply audio is sent (Infinity: as fast as possible). */
  realtimeFactor: number;
  /** Audio per `output_audio.delta`. */
  chunkMs: number;
  validateOutgoing: boolean;
  /** Events kept per direction in `received` / `sent` (0: none). Later ones are not kept. */
  recordLimit: number;
  faults: FaultPlan;
}

/** A wire event as received or sent, stamped with `performance.now()` (ms). */
export interface Recorded<T> {
  at: number;
  event: T;
}

export interface Violation {
  event: WireEvent;
  message: string;
}

/** The session object as `session.created` reports it. */
export type SimSessionConfig = RealtimeSessionCreateRequest & {
  id: string;
  object: 'realtime.session';
  expires_at: number;
  audio: {
    input: NonNullable<NonNullable<RealtimeSessionCreateRequest['audio']>['input']>;
    output: NonNullable<NonNullable<RealtimeSessionCreateRequest['audio']>['output']>;
  };
};

export interface StoredItem {
  item: ConversationItem;
  audioSamples: number;
}

interface ActiveResponse {
  id: string;
  /** `text` when the response was asked for text only: words stream as text deltas, no audio. */
  mode: 'audio' | 'text';
  item: RealtimeConversationItemAssistantMessage & { id: string };
  voice: ReplyVoice;
  transcript: string;
  words: string[];
  wordsSent: number;
  samplesSent: number;
  startedAt: number;
  chunksSent: number;
  inputTokens: number;
  timer?: NodeJS.Timeout;
}

type AnyTimer = NodeJS.Timeout;
const SILENCE_BY_EAGERNESS = { low: 1000, medium: 600, high: 300, auto: 600 } as const;
const MIN_COMMIT_MS = 100;
const PCM = { type: 'audio/pcm', rate: 24000 } as const;

export class SimSession {
  readonly id = newId('sess');
  readonly dialect: DialectName;
  /** Every client event received (parsed JSON, or the raw text when it was not JSON), up to the record limit. */
  readonly received: Recorded<unknown>[] = [];
  /** Every server frame sent (the wire object, or raw text for injected malformed frames), up to the record limit. */
  readonly sent: Recorded<WireEvent | string>[] = [];
  /** Outgoing events that failed spec validation (only with `validateOutgoing`). */
  readonly violations: Violation[] = [];
  readonly config: SimSessionConfig;
  /** The conversation, in order. */
  readonly items = new Map<string, StoredItem>();
  private readonly order: string[] = [];
  private readonly codec: WireCodec;
  private readonly spec: SpecValidator;
  private readonly input = new InputBuffer();
  private vad: EnergyVad | undefined;
  private speech: { itemId: string; startSample: number } | undefined;
  private active: ActiveResponse | undefined;
  private readonly chunk: Int16Array;
  private readonly timers = new Set<AnyTimer>();
  private sentCount = 0;
  private responses = 0;
  private tokensUsed = 0;
  private closed = false;

  constructor(
    private readonly transport: SessionTransport,
    private readonly options: SessionOptions,
  ) {
    this.dialect = options.dialect;
    this.codec = wireCodec(options.dialect);
    this.spec = specValidator(options.dialect);
    this.chunk = new Int16Array(Math.max(1, msToSamples(options.chunkMs)));
    this.config = {
      type: 'realtime',
      object: 'realtime.session',
      id: this.id,
      model: options.model,
      output_modalities: ['audio'],
      instructions: 'You are the Kaiwa simulator. You answer every turn with a short tune.',
      tools: [],
      tool_choice: 'auto',
      max_output_tokens: 'inf',
      tracing: null,
      expires_at: Math.floor(Date.now() / 1000) + 30 * 60,
      audio: {
        input: { format: { ...PCM }, turn_detection: normaliseTurnDetection({ type: 'server_vad' }) },
        output: { format: { ...PCM }, voice: 'marin', speed: 1 },
      },
    };
    this.vad = this.buildVad();
  }

  /** Sends `session.created` and arms the timed faults. Call once the socket is open. */
  start(): void {
    this.emit({ type: 'session.created', event_id: newId('event'), session: this.sessionView() });
    const expireMs = this.options.faults.sessionExpiredAfterMs;
    if (expireMs !== undefined) {
      this.later(expireMs, () => {
        this.sendError('session_expired', 'Your session hit the maximum duration of 30 minutes.', null, null);
        this.out(() => this.transport.close(1000, 'session expired'));
      });
    }
  }

  /** Milliseconds of input audio received so far (the clock `audio_*_ms` count on). */
  get inputMs(): number {
    return samplesToMs(this.input.end);
  }

  get activeResponseId(): string | undefined {
    return this.active?.id;
  }

  /** Stops every timer; the socket is gone. */
  dispose(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (this.active?.timer) clearTimeout(this.active.timer);
    this.active = undefined;
  }

  receive(text: string): void {
    const at = performance.now();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      this.record(this.received, at, text);
      this.sendError('invalid_json', `Invalid JSON: ${(err as Error).message}`, null, null);
      return;
    }
    this.record(this.received, at, parsed);
    const clientEventId = clientEventIdOf(parsed);
    const check = this.spec.validate('client', withoutDocumentedNulls(parsed));
    if (!check.ok) {
      const code = check.message.startsWith('Missing required parameter') ? 'missing_required_parameter' : 'invalid_value';
      this.sendError(code, check.message, check.param ?? null, clientEventId);
      return;
    }
    const decoded = this.codec.decodeClient(parsed);
    if (decoded.ok !== true) {
      const message = decoded.ok === false ? decoded.error : `Unsupported event type '${decoded.type}'.`;
      this.sendError('invalid_value', message, null, clientEventId);
      return;
    }
    this.handle(decoded.event, clientEventId);
  }

  receiveBinary(): void {
    this.record(this.received, performance.now(), '(binary frame)');
    this.sendError('invalid_value', 'Binary frames are not part of the Realtime protocol; send JSON text frames.', null, null);
  }

  private handle(event: RealtimeClientEvent, clientEventId: string | null): void {
    switch (event.type) {
      case 'session.update':
        return this.updateSession(event, clientEventId);
      case 'input_audio_buffer.append':
        return this.append(event, clientEventId);
      case 'input_audio_buffer.commit':
        return this.commitManually(clientEventId);
      case 'input_audio_buffer.clear':
        return this.clearInput();
      case 'response.create':
        if (this.active) {
          return this.sendError(
            'conversation_already_has_active_response',
            `Conversation already has an active response in progress: ${this.active.id}. Wait until the response is finished before creating a new one.`,
            null,
            clientEventId,
          );
        }
        return this.startResponse(event.response);
      case 'response.cancel':
        return this.cancel(event, clientEventId);
      case 'conversation.item.create':
        return this.createItem(event, clientEventId);
      case 'conversation.item.truncate':
        return this.truncate(event, clientEventId);
      case 'conversation.item.delete': {
        if (!this.items.has(event.item_id)) return this.itemNotFound(event.item_id, clientEventId);
        this.items.delete(event.item_id);
        this.order.splice(this.order.indexOf(event.item_id), 1);
        return this.emit({ type: 'conversation.item.deleted', event_id: newId('event'), item_id: event.item_id });
      }
      case 'conversation.item.retrieve': {
        const stored = this.items.get(event.item_id);
        if (!stored) return this.itemNotFound(event.item_id, clientEventId);
        return this.emit({ type: 'conversation.item.retrieved', event_id: newId('event'), item: stored.item });
      }
      case 'output_audio_buffer.clear':
        return this.sendError('invalid_value', 'output_audio_buffer.clear is only supported for WebRTC sessions.', 'type', clientEventId);
      default:
        return this.sendError('invalid_value', `The simulator does not support '${(event as { type: string }).type}'.`, 'type', clientEventId);
    }
  }

  // --- session configuration -------------------------------------------------------------------

  private updateSession(event: SessionUpdateEvent, clientEventId: string | null): void {
    const update = event.session;
    if (update.type !== 'realtime') {
      return this.sendError('invalid_value', "The simulator supports only session.type 'realtime'.", 'session.type', clientEventId);
    }
    const { audio, type: _type, ...rest } = update;
    Object.assign(this.config, definedOnly(rest));
    if (audio?.output) Object.assign(this.config.audio.output, definedOnly(audio.output));
    const input = audio?.input;
    if (input) {
      const { turn_detection, ...inputRest } = input;
      Object.assign(this.config.audio.input, definedOnly(inputRest));
      if (turn_detection !== undefined) {
        const current = this.config.audio.input.turn_detection;
        const merged = turn_detection && current && current.type === turn_detection.type ? { ...current, ...turn_detection } : turn_detection;
        this.config.audio.input.turn_detection = merged ? normaliseTurnDetection(merged) : null;
        this.vad = this.buildVad();
        this.speech = undefined;
      }
    }
    this.emit({ type: 'session.updated', event_id: newId('event'), session: this.sessionView() });
  }

  /** The config minus nulls the spec does not allow in a session object. */
  private sessionView(): SimSessionConfig {
    const input = { ...this.config.audio.input };
    for (const key of ['transcription', 'noise_reduction'] as const) if (input[key] === null) delete input[key];
    return { ...this.config, audio: { ...this.config.audio, input } };
  }

  private turnDetection(): RealtimeAudioInputTurnDetection | null {
    return this.config.audio.input.turn_detection ?? null;
  }

  private prefixPaddingMs(): number {
    const td = this.turnDetection();
    return td ? vadConfig(td).prefixPaddingMs : 0;
  }

  private buildVad(): EnergyVad | undefined {
    const td = this.turnDetection();
    return td ? new EnergyVad(vadConfig(td), this.input.end) : undefined;
  }

  // --- input audio -----------------------------------------------------------------------------

  private append(event: InputAudioBufferAppendEvent, clientEventId: string | null): void {
    let pcm: Int16Array;
    try {
      pcm = base64ToPcm16(event.audio);
    } catch (err) {
      return this.sendError('invalid_value', `Invalid 'audio': ${(err as Error).message}.`, 'audio', clientEventId);
    }
    this.input.append(pcm.length);
    if (!this.vad) return;
    for (const vadEvent of this.vad.push(pcm)) this.onVad(vadEvent);
    const keep = Math.max(ENGINE_SAMPLE_RATE, msToSamples(this.prefixPaddingMs()));
    if (!this.speech && this.input.size > 4 * keep) {
      // Idle in VAD mode: keep only what a future prefix padding can reach back to.
      this.input.dropBefore(this.input.end - keep);
    }
  }

  private onVad(event: VadEvent): void {
    if (this.closed) return;
    if (event.type === 'start') {
      const startSample = Math.max(event.audioStartSample, this.input.first);
      this.speech = { itemId: newId('item'), startSample };
      this.emit({
        type: 'input_audio_buffer.speech_started',
        event_id: newId('event'),
        audio_start_ms: Math.floor(samplesToMs(startSample)),
        item_id: this.speech.itemId,
      });
      const td = this.turnDetection();
      if (this.active && td && td.interrupt_response !== false) this.finishResponse('cancelled', 'turn_detected');
      return;
    }
    const speech = this.speech;
    if (!speech) return;
    this.speech = undefined;
    this.emit({
      type: 'input_audio_buffer.speech_stopped',
      event_id: newId('event'),
      audio_end_ms: Math.round(samplesToMs(event.audioEndSample)),
      item_id: speech.itemId,
    });
    const samples = Math.min(event.audioEndSample, this.input.end) - Math.max(speech.startSample, this.input.first);
    this.input.dropBefore(event.audioEndSample);
    this.commitUserAudio(speech.itemId, Math.max(0, samples));
    const td = this.turnDetection();
    if (td && td.create_response !== false && !this.active) this.startResponse();
  }

  private commitManually(clientEventId: string | null): void {
    const ms = samplesToMs(this.input.size);
    if (ms < MIN_COMMIT_MS) {
      return this.sendError(
        'input_audio_buffer_commit_empty',
        `Error committing input audio buffer: buffer too small. Expected at least ${MIN_COMMIT_MS}ms of audio, but buffer only has ${ms.toFixed(2)}ms of audio.`,
        null,
        clientEventId,
      );
    }
    const itemId = this.speech?.itemId ?? newId('item');
    const samples = this.input.size;
    this.input.clear();
    this.speech = undefined;
    this.vad = this.buildVad();
    this.commitUserAudio(itemId, samples);
  }

  private clearInput(): void {
    this.input.clear();
    this.speech = undefined;
    this.vad = this.buildVad();
    this.emit({ type: 'input_audio_buffer.cleared', event_id: newId('event') });
  }

  private commitUserAudio(itemId: string, samples: number): void {
    const previous = this.lastItemId();
    this.emit({ type: 'input_audio_buffer.committed', event_id: newId('event'), item_id: itemId, previous_item_id: previous });
    const item: RealtimeConversationItemUserMessage & { id: string } = {
      id: itemId,
      object: 'realtime.item',
      type: 'message',
      status: 'completed',
      role: 'user',
      content: [{ type: 'input_audio' }],
    };
    this.addItem(item, samples, previous);
    if (this.config.audio.input.transcription) this.transcribe(item, samples);
  }

  /** Stands in for speech-to-text: a description of what was heard, as deltas then completed. */
  private transcribe(item: RealtimeConversationItemUserMessage & { id: string }, samples: number): void {
    const seconds = samplesToMs(samples) / 1000;
    const transcript = `(${seconds.toFixed(1)} s of speech)`;
    for (const delta of splitWords(transcript)) {
      this.emit({
        type: 'conversation.item.input_audio_transcription.delta',
        event_id: newId('event'),
        item_id: item.id,
        content_index: 0,
        delta,
      });
    }
    item.content[0]!.transcript = transcript;
    this.emit({
      type: 'conversation.item.input_audio_transcription.completed',
      event_id: newId('event'),
      item_id: item.id,
      content_index: 0,
      transcript,
      usage: { type: 'duration', seconds: Math.round(seconds * 100) / 100 },
    });
  }

  // --- conversation ----------------------------------------------------------------------------

  private lastItemId(): string | null {
    return this.order.length ? this.order[this.order.length - 1]! : null;
  }

  private addItem(item: ConversationItem & { id: string }, audioSamples: number, previous: string | null): void {
    this.items.set(item.id, { item, audioSamples });
    const at = previous === null ? 0 : this.order.indexOf(previous) + 1;
    this.order.splice(at, 0, item.id);
    this.emit({ type: 'conversation.item.added', event_id: newId('event'), previous_item_id: previous, item });
    this.emit({ type: 'conversation.item.done', event_id: newId('event'), previous_item_id: previous, item });
  }

  private createItem(event: ConversationItemCreateEvent, clientEventId: string | null): void {
    let previous = this.lastItemId();
    if (event.previous_item_id !== undefined && event.previous_item_id !== null) {
      if (event.previous_item_id === 'root') previous = null;
      else if (!this.items.has(event.previous_item_id)) return this.itemNotFound(event.previous_item_id, clientEventId, 'previous_item_id');
      else previous = event.previous_item_id;
    }
    const id = event.item.id ?? newId('item');
    if (this.items.has(id)) {
      return this.sendError('invalid_value', `Item with item_id '${id}' already exists.`, 'item.id', clientEventId);
    }
    const item = { ...event.item, id, object: 'realtime.item', status: 'completed' } as ConversationItem & { id: string };
    this.addItem(item, 0, previous);
  }

  private itemNotFound(itemId: string, clientEventId: string | null, param = 'item_id'): void {
    this.sendError('item_not_found', `Conversation item with ${param} '${itemId}' not found.`, param, clientEventId);
  }

  private truncate(event: ConversationItemTruncateEvent, clientEventId: string | null): void {
    const stored = this.items.get(event.item_id);
    if (!stored) return this.itemNotFound(event.item_id, clientEventId);
    const item = stored.item;
    if (item.type !== 'message' || item.role !== 'assistant') {
      return this.sendError('invalid_value', 'Only assistant messages can be truncated.', 'item_id', clientEventId);
    }
    if (event.content_index !== 0) {
      return this.sendError('invalid_value', `Content index ${event.content_index} is not an audio part.`, 'content_index', clientEventId);
    }
    const durationMs = Math.floor(samplesToMs(stored.audioSamples));
    if (event.audio_end_ms > durationMs) {
      return this.sendError(
        'invalid_value',
        `Audio content of ${durationMs}ms is already shorter than ${event.audio_end_ms}ms`,
        'audio_end_ms',
        clientEventId,
      );
    }
    // Truncating the item still being spoken ends its response: audio past the cut is discarded.
    if (this.active?.item.id === event.item_id) this.finishResponse('cancelled', 'client_cancelled');
    stored.audioSamples = msToSamples(event.audio_end_ms);
    // The real server drops the transcript of a truncated item: the model must not "remember" unheard words.
    for (const part of item.content) part.transcript = '';
    this.emit({
      type: 'conversation.item.truncated',
      event_id: newId('event'),
      item_id: event.item_id,
      content_index: 0,
      audio_end_ms: event.audio_end_ms,
    });
  }

  // --- responses -------------------------------------------------------------------------------

  private startResponse(params?: RealtimeResponseCreateParams): void {
    const id = newId('resp');
    const modalities = params?.output_modalities ?? this.config.output_modalities ?? ['audio'];
    const mode = modalities.includes('audio') ? 'audio' : 'text';
    const item: ActiveResponse['item'] = {
      id: newId('item'),
      object: 'realtime.item',
      type: 'message',
      status: 'in_progress',
      role: 'assistant',
      content: [],
    };
    const transcript = this.replyText();
    const inputTokens = this.inputTokens();
    const active: ActiveResponse = {
      id,
      mode,
      item,
      voice: new ReplyVoice(this.options.replyMs, ++this.responses),
      transcript,
      words: splitWords(transcript),
      wordsSent: 0,
      samplesSent: 0,
      startedAt: performance.now(),
      chunksSent: 0,
      inputTokens,
    };
    this.active = active;
    this.emit({ type: 'response.created', event_id: newId('event'), response: this.responseObject(active, 'in_progress', []) });
    const previous = this.lastItemId();
    this.items.set(item.id, { item, audioSamples: 0 });
    this.order.push(item.id);
    this.emit({ type: 'response.output_item.added', event_id: newId('event'), response_id: id, output_index: 0, item });
    this.emit({ type: 'conversation.item.added', event_id: newId('event'), previous_item_id: previous, item });
    this.emit({
      type: 'response.content_part.added',
      event_id: newId('event'),
      response_id: id,
      item_id: item.id,
      output_index: 0,
      content_index: 0,
      part: mode === 'audio' ? { type: 'audio', transcript: '' } : { type: 'text', text: '' },
    });
    this.scheduleChunk(active);
  }

  private scheduleChunk(active: ActiveResponse): void {
    const factor = this.options.realtimeFactor;
    const due = active.startedAt + ((active.chunksSent * this.options.chunkMs) / factor);
    const delay = Number.isFinite(due) ? Math.max(0, due - performance.now()) : 0;
    active.timer = setTimeout(() => this.sendChunk(active), delay);
  }

  private sendChunk(active: ActiveResponse): void {
    if (this.active !== active || this.closed) return;
    if (active.mode === 'text') {
      // One word per tick, at the pace audio chunks would have gone.
      active.chunksSent++;
      this.sendWords(active, active.wordsSent + 1);
      if (this.active !== active) return;
      if (active.wordsSent < active.words.length) this.scheduleChunk(active);
      else this.finishResponse('completed');
      return;
    }
    const n = active.voice.render(this.chunk);
    if (n > 0) {
      active.samplesSent += n;
      active.chunksSent++;
      this.items.get(active.item.id)!.audioSamples = active.samplesSent;
      this.emit({
        type: 'response.output_audio.delta',
        event_id: newId('event'),
        response_id: active.id,
        item_id: active.item.id,
        output_index: 0,
        content_index: 0,
        delta: pcm16ToBase64(n === this.chunk.length ? this.chunk : this.chunk.subarray(0, n)),
      });
      const progress = active.samplesSent / active.voice.totalSamples;
      this.sendWords(active, Math.ceil(progress * active.words.length));
    }
    if (this.active !== active) return; // a fault may have closed the session mid-send
    if (active.voice.remaining > 0) this.scheduleChunk(active);
    else this.finishResponse('completed');
  }

  private sendWords(active: ActiveResponse, upTo: number): void {
    while (active.wordsSent < Math.min(upTo, active.words.length)) {
      this.emit({
        type: active.mode === 'audio' ? 'response.output_audio_transcript.delta' : 'response.output_text.delta',
        event_id: newId('event'),
        response_id: active.id,
        item_id: active.item.id,
        output_index: 0,
        content_index: 0,
        delta: active.words[active.wordsSent++]!,
      });
    }
  }

  private cancel(event: ResponseCancelEvent, clientEventId: string | null): void {
    if (!this.active || (event.response_id !== undefined && event.response_id !== this.active.id)) {
      return this.sendError('response_cancel_not_active', 'Cancellation failed: no active response found', null, clientEventId);
    }
    this.finishResponse('cancelled', 'client_cancelled');
  }

  private finishResponse(status: 'completed' | 'cancelled', reason?: 'turn_detected' | 'client_cancelled'): void {
    const active = this.active;
    if (!active) return;
    if (active.timer) clearTimeout(active.timer);
    this.active = undefined;
    if (status === 'completed') this.sendWords(active, active.words.length);
    const transcript = active.words.slice(0, active.wordsSent).join('');
    const base = { response_id: active.id, item_id: active.item.id, output_index: 0, content_index: 0 };
    const item = active.item;
    if (active.mode === 'audio') {
      this.emit({ type: 'response.output_audio.done', event_id: newId('event'), ...base });
      this.emit({ type: 'response.output_audio_transcript.done', event_id: newId('event'), ...base, transcript });
      this.emit({ type: 'response.content_part.done', event_id: newId('event'), ...base, part: { type: 'audio', transcript } });
      item.content = [{ type: 'output_audio', transcript }];
    } else {
      this.emit({ type: 'response.output_text.done', event_id: newId('event'), ...base, text: transcript });
      this.emit({ type: 'response.content_part.done', event_id: newId('event'), ...base, part: { type: 'text', text: transcript } });
      item.content = [{ type: 'output_text', text: transcript }];
    }
    item.status = status === 'completed' ? 'completed' : 'incomplete';
    this.emit({ type: 'conversation.item.done', event_id: newId('event'), previous_item_id: this.itemBefore(item.id), item });
    this.emit({ type: 'response.output_item.done', event_id: newId('event'), response_id: active.id, output_index: 0, item });
    const response = this.responseObject(active, status, [item]);
    if (reason) response.status_details = { type: 'cancelled', reason };
    this.emit({ type: 'response.done', event_id: newId('event'), response });
    this.emitRateLimits(response.usage?.total_tokens ?? 0);
  }

  /** As the real server does after each response; the figures are plausible, not meaningful. */
  private emitRateLimits(tokens: number): void {
    this.tokensUsed += tokens;
    this.emit({
      type: 'rate_limits.updated',
      event_id: newId('event'),
      rate_limits: [
        { name: 'requests', limit: 5000, remaining: Math.max(0, 5000 - this.responses), reset_seconds: 0.012 },
        { name: 'tokens', limit: 400_000, remaining: Math.max(0, 400_000 - this.tokensUsed), reset_seconds: 0.75 },
      ],
    });
  }

  private itemBefore(itemId: string): string | null {
    const i = this.order.indexOf(itemId);
    return i > 0 ? this.order[i - 1]! : null;
  }

  private responseObject(active: ActiveResponse, status: RealtimeResponse['status'], output: ConversationItem[]): RealtimeResponse {
    const response: RealtimeResponse = {
      id: active.id,
      object: 'realtime.response',
      status,
      output,
      conversation_id: `conv_${this.id.slice(5)}`,
      output_modalities: [active.mode],
      max_output_tokens: 'inf',
      audio: { output: { format: { ...PCM }, voice: voiceName(this.config.audio.output.voice) } },
      metadata: null,
    };
    if (status !== 'in_progress') {
      // Rough OpenAI figures: audio is ~10 tokens/s in and ~20 tokens/s out; text ~1.3 tokens a word.
      const audioOut = Math.round((samplesToMs(active.samplesSent) / 1000) * 20);
      const textOut = Math.ceil(active.wordsSent * 1.3);
      const output_tokens = audioOut + textOut;
      response.usage = {
        total_tokens: active.inputTokens + output_tokens,
        input_tokens: active.inputTokens,
        output_tokens,
        input_token_details: { text_tokens: active.inputTokens - this.audioInputTokens(), audio_tokens: this.audioInputTokens(), cached_tokens: 0 },
        output_token_details: { text_tokens: textOut, audio_tokens: audioOut },
      };
    }
    return response;
  }

  private audioInputTokens(): number {
    let samples = 0;
    for (const { item, audioSamples } of this.items.values()) if (item.type === 'message' && item.role === 'user') samples += audioSamples;
    return Math.round((samplesToMs(samples) / 1000) * 10);
  }

  private inputTokens(): number {
    const instructions = splitWords(this.config.instructions ?? '').length;
    return Math.ceil(instructions * 1.3) + this.audioInputTokens();
  }

  /** What the reply "says": a description of the last user turn, then the tune. */
  private replyText(): string {
    for (let i = this.order.length - 1; i >= 0; i--) {
      const stored = this.items.get(this.order[i]!)!;
      const item = stored.item;
      if (item.type !== 'message' || item.role !== 'user') continue;
      if (stored.audioSamples > 0) {
        const seconds = (samplesToMs(stored.audioSamples) / 1000).toFixed(1);
        return `You said something ${seconds} seconds long. Here is a little tune for you.`;
      }
      const text = item.content.find((c) => c.type === 'input_text')?.text;
      if (text) return `You wrote ${JSON.stringify(text.slice(0, 60))}. Here is a little tune for you.`;
    }
    return 'Hello from the Kaiwa simulator. Here is a little tune for you.';
  }

  // --- sending ---------------------------------------------------------------------------------

  private sendError(code: string, message: string, param: string | null, clientEventId: string | null): void {
    this.emit({
      type: 'error',
      event_id: newId('event'),
      error: { type: 'invalid_request_error', code, message, param, event_id: clientEventId },
    });
  }

  private emit(event: RealtimeServerEvent): void {
    if (this.closed) return;
    const wire = this.codec.encodeServer(event);
    if (!wire) return;
    if (this.options.validateOutgoing) {
      const result = this.spec.validate('server', wire);
      if (!result.ok) {
        this.violations.push({ event: wire, message: result.message });
        console.error(`[simulator] invalid outgoing ${wire.type} (${this.dialect}): ${result.message}`);
      }
    }
    this.transmit(JSON.stringify(wire), wire);
  }

  /** Applies the fault plan to one outgoing frame. */
  private transmit(text: string, wire: WireEvent): void {
    const n = ++this.sentCount;
    const faults = this.options.faults;
    if (faults.unknownEventAtEvent === n) {
      const unknown = JSON.stringify({ type: UNKNOWN_EVENT_TYPE, event_id: newId('event') });
      this.out(() => this.transport.send(unknown));
    }
    const frame = faults.malformedAtEvent === n ? MALFORMED_FRAME : text;
    this.record(this.sent, performance.now(), frame === text ? wire : frame);
    this.out(() => this.transport.send(frame));
    if (faults.dropAfterEvents !== undefined && n >= faults.dropAfterEvents) {
      this.out(() => this.transport.terminate());
      this.dispose();
    }
  }

  /**
   * Runs `action` now, or after the fault plan's delay (timers of equal delay keep their order).
   * Delayed frames are already decided, so they still go out after `dispose()`; the transport
   * drops them if the socket is gone.
   */
  private out(action: () => void): void {
    const delay = this.options.faults.delayMs;
    if (!delay) action();
    else setTimeout(action, delay);
  }

  private later(ms: number, action: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.closed) action();
    }, ms);
    this.timers.add(timer);
  }

  private record<T>(list: Recorded<T>[], at: number, event: T): void {
    if (list.length < this.options.recordLimit) list.push({ at, event });
  }
}

function clientEventIdOf(parsed: unknown): string | null {
  if (typeof parsed !== 'object' || parsed === null) return null;
  const id = (parsed as { event_id?: unknown }).event_id;
  return typeof id === 'string' ? id : null;
}

function normaliseTurnDetection(td: RealtimeAudioInputTurnDetection): RealtimeAudioInputTurnDetection {
  if (td.type === 'semantic_vad') {
    return { eagerness: 'auto', create_response: true, interrupt_response: true, ...td };
  }
  return {
    threshold: 0.5,
    prefix_padding_ms: 300,
    silence_duration_ms: 200,
    idle_timeout_ms: null,
    create_response: true,
    interrupt_response: true,
    ...td,
  };
}

/** semantic_vad behaves as server VAD with a longer silence, longer the less eager it is. */
function vadConfig(td: RealtimeAudioInputTurnDetection): VadConfig {
  if (td.type === 'semantic_vad') {
    return { threshold: 0.5, prefixPaddingMs: 300, silenceDurationMs: SILENCE_BY_EAGERNESS[td.eagerness ?? 'auto'] };
  }
  return { threshold: td.threshold ?? 0.5, prefixPaddingMs: td.prefix_padding_ms ?? 300, silenceDurationMs: td.silence_duration_ms ?? 200 };
}

/** Custom voices are objects ({id}); the response reports their id. */
function voiceName(voice: unknown): string {
  if (typeof voice === 'string') return voice;
  const id = (voice as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' ? id : 'marin';
}

function definedOnly<T extends object>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Words with their trailing space, so the deltas concatenate back into the text. */
function splitWords(text: string): string[] {
  return text.match(/\S+\s*/g) ?? [];
}
