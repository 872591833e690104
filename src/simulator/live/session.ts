import type {
  ClientEvent,
  ServerEvent,
  SessionClosedEvent,
  SessionResource,
  SessionStartEvent,
  SessionUpdateEvent,
} from 'openai/resources/live/live';
import { base64ToPcm16, msToSamples, pcm16ToBase64, samplesToMs } from '../../engine/audio/pcm';
import type { FaultPlan } from '../faults';
import { newId } from '../ids';
import { Outbox, type Recorded, type SessionTransport, type WireObject } from '../outbox';
import { PacedReply } from '../paced-reply';
import type { ReplyBed } from '../reply-bed';
import { EnergyVad, type VadEvent } from '../vad';
import { speechStandIn, typedReply } from '../words';
import { lookAt, pictureWords, type SeenPicture } from '../picture';
import { liveSpecValidator } from './spec/validator';
import { InputTimeline } from './input-timeline';
import { checkFixture, FixtureAudio } from './fixture';
import { SimDelegations, type ToolCallScript } from './delegation';
import { refusedParam, type StrictOptions } from '../strict';

/**
 * One GPT-Live session on a primary WebSocket, as the service keeps it: nothing until the client's
 * `session.start`, then `session.started`; continuous input audio through an energy VAD; a spoken
 * reply at real-time pace after each turn, with transcripts on the session timeline (ms since
 * `session.started`). Full duplex: speech heard while it speaks stops the reply at once (within one
 * VAD onset, ~30 ms of audio) and the new turn gets answered. It cannot tell its own voice fed back
 * from a person, so on a speaker path without echo cancellation it interrupts itself, as the real
 * model does.
 *
 * Audio fixtures (`session.output_audio.fixture.play`, as the openai types document them): the
 * whole payload is checked first (a refused one interrupts nothing); an accepted one stops the
 * model's speech, abandons a turn the user was in, mutes input (audio arriving meanwhile is dropped,
 * not replayed), is acknowledged with `fixture.playing`, plays through the output as audio deltas at
 * the reply's pace, and `fixture.played` follows once it has all gone out; then the model listens
 * again. One fixture at a time; appending instructions, thinking or commentary is refused meanwhile.
 */

export interface LiveSessionOptions {
  /** Length of every spoken reply. */
  replyMs: number;
  /** What sounds under every spoken reply (default none). */
  replyBed?: ReplyBed;
  /** Audio per `session.output_audio.delta`. */
  chunkMs: number;
  /** 1 (default) is real time, as the service streams. */
  realtimeFactor: number;
  /** Interval of `session.usage.updated` while the session runs. */
  usageIntervalMs: number;
  validateOutgoing: boolean;
  recordLimit: number;
  faults: FaultPlan;
  /** Tool calls the model makes by delegation, shared by the server's sessions (delegation.ts). */
  toolCalls: ToolCallScript;
  /** Refuse the parameters named, as a server of another version would (strict.ts). */
  strict?: StrictOptions;
}

export interface LiveViolation {
  event: WireObject;
  message: string;
}

export type LiveState = 'awaiting_start' | 'started' | 'closed';

type StartedConfig = SessionResource;

const PCM_24K = { type: 'audio/pcm', rate: 24000 } as const;
/** What the model says when it delegates (the service requests an acknowledgement at once by default). */
const ACKNOWLEDGEMENT = 'One moment, let me check.';
const DEFAULT_INSTRUCTIONS = 'You are the Kaiwa simulator. You answer every turn with a few seconds of speech-like babble.';
const SESSION_LIFETIME_S = 60 * 60;
/** Turn detection: an onset of 30 ms ends the model's speech; 500 ms of silence ends the user's turn. */
const VAD = { threshold: 0.5, prefixPaddingMs: 0, silenceDurationMs: 500 } as const;
export const LIVE_MALFORMED_FRAME = '{"type":"session.output_audio.delta","delta":"AAAA';

export class LiveSimSession {
  readonly id = newId('sess');
  /** Every client event received (parsed JSON, or the raw text when it was not JSON), up to the record limit. */
  readonly received: Recorded<unknown>[] = [];
  /** Outgoing events that failed spec validation (only with `validateOutgoing`). */
  readonly violations: LiveViolation[] = [];
  /** Each time the model's speech was cut short by speech it heard: when, and how much of the reply had gone out. */
  readonly interruptions: Array<{ at: number; spokenMs: number }> = [];
  /** Instructions appended with `session.instructions.append`, in order. */
  readonly appendedInstructions: string[] = [];
  /** Each accepted audio fixture: when, how long, and how much of a reply it cut short (null: none was speaking). */
  readonly fixtures: Array<{ at: number; ms: number; interruptedSpokenMs: number | null }> = [];
  private readonly outbox: Outbox;
  private stateValue: LiveState = 'awaiting_start';
  private configValue: StartedConfig | undefined;
  private startedAt = 0;
  private muted = false;
  private vad = new EnergyVad(VAD);
  /** Input samples the VAD has heard (the input clock; dropped fixture-time input does not count). */
  private inputSamples = 0;
  /** The audio fixture playing, if any. */
  private fixture: PacedReply | undefined;
  private readonly input = new InputTimeline();
  private turn: { startMs: number; startSample: number } | undefined;
  private reply: PacedReply | undefined;
  private replies = 0;
  /** Pictures the Responses backend got since the model last answered (being looked at). */
  private readonly unseenPictures: Promise<SeenPicture | null>[] = [];
  /** Delegations the model made and what the client answered (delegation.ts). */
  readonly delegations: SimDelegations;

  constructor(
    private readonly transport: SessionTransport,
    private readonly options: LiveSessionOptions,
  ) {
    this.outbox = new Outbox(transport, options.faults, options.recordLimit, () => this.dispose(), LIVE_MALFORMED_FRAME);
    this.delegations = new SimDelegations(options.toolCalls, {
      emit: (event) => this.emit(event),
      speak: (text) => this.speak(text),
      error: (code, message, param, clientEventId) => this.sendError(code, message, param, clientEventId),
      config: () => this.configValue,
    });
  }

  get sent(): Recorded<WireObject | string>[] {
    return this.outbox.sent;
  }

  get state(): LiveState {
    return this.stateValue;
  }

  /** The session resource as `session.started` reported it (updated by `session.update`). */
  get config(): StartedConfig | undefined {
    return this.configValue;
  }

  get isMuted(): boolean {
    return this.muted;
  }

  /** True while a reply is streaming. */
  get speaking(): boolean {
    return this.reply?.isRunning ?? false;
  }

  /** True while an audio fixture plays. */
  get playingFixture(): boolean {
    return this.fixture?.isRunning ?? false;
  }

  /** The connection is open; the service waits for `session.start`. */
  start(): void {}

  /** The network fails: the TCP connection drops without a close frame, and the session is gone. */
  drop(): void {
    this.transport.terminate();
    this.dispose();
  }

  dispose(): void {
    this.stateValue = 'closed';
    this.reply?.stop();
    this.fixture?.stop();
    this.outbox.dispose();
  }

  receive(text: string): void {
    const frame = this.outbox.receiveText(this.received, text);
    if (!frame.ok) return this.sendError('invalid_json', frame.message, undefined, undefined);
    const parsed = frame.value;
    const clientEventId = clientEventIdOf(parsed);
    const check = liveSpecValidator().validate('client', parsed);
    if (!check.ok) return this.sendError(check.code, check.message, check.param, clientEventId);
    const refused = this.options.strict && refusedParam(parsed, this.options.strict);
    if (refused) return this.sendError(refused.code, refused.message, refused.param, clientEventId);
    this.handle(parsed as ClientEvent, clientEventId);
  }

  receiveBinary(): void {
    this.outbox.record(this.received, performance.now(), '(binary frame)');
    this.sendError('invalid_value', 'Binary frames are not part of the Live protocol; send JSON text frames.', undefined, undefined);
  }

  private handle(event: ClientEvent, clientEventId: string | undefined): void {
    if (this.stateValue === 'closed') return;
    if (event.type === 'session.start') return this.startSession(event, clientEventId);
    if (this.stateValue !== 'started') {
      return this.sendError(
        'session_not_started',
        `Send session.start and wait for session.started before '${event.type}'.`,
        'type',
        clientEventId,
      );
    }
    switch (event.type) {
      case 'session.input_audio.append':
        return this.append(event.audio, clientEventId);
      case 'session.input_audio.mute':
        this.muted = true;
        return this.emit({ type: 'session.input_audio.muted', event_id: newId('event'), ...ack(clientEventId) });
      case 'session.input_audio.unmute':
        this.muted = false;
        return this.emit({ type: 'session.input_audio.unmuted', event_id: newId('event'), ...ack(clientEventId) });
      case 'session.output_audio.fixture.play':
        return this.playFixture(event.audio, clientEventId);
      case 'session.instructions.append': {
        if (this.playingFixture) return this.refuseDuringFixture(event.type, clientEventId);
        this.appendedInstructions.push(event.content);
        const now = this.nowMs();
        return this.emit({ type: 'session.instructions.appended', event_id: newId('event'), start_ms: now, end_ms: now, ...ack(clientEventId) });
      }
      case 'session.thinking.append': {
        if (this.playingFixture) return this.refuseDuringFixture(event.type, clientEventId);
        const now = this.nowMs();
        return this.emit({ type: 'session.thinking.appended', event_id: newId('event'), start_ms: now, end_ms: now, ...ack(clientEventId) });
      }
      case 'session.commentary.append': {
        if (this.playingFixture) return this.refuseDuringFixture(event.type, clientEventId);
        const taken = this.delegations.onCommentary(event.delegation_id, event.content, clientEventId);
        if (!taken.ok) return;
        const now = this.nowMs();
        this.emit({ type: 'session.commentary.appended', event_id: newId('event'), start_ms: now, end_ms: now, ...ack(clientEventId) });
        if (taken.speak) this.answer(typedWords(taken.speak) ?? taken.speak);
        return;
      }
      case 'response.item.create':
        this.takePicture(event.item);
        return this.delegations.onResponseCommand(event, clientEventId);
      case 'response.create':
        return this.delegations.onResponseCommand(event, clientEventId);
      case 'session.update':
        return this.update(event, clientEventId);
      case 'session.close':
        return this.closeSession('close_requested', clientEventId);
      default:
        return this.sendError('unsupported_event', `The simulator does not support '${event.type}'.`, 'type', clientEventId);
    }
  }

  // --- lifecycle -------------------------------------------------------------------------------

  private startSession(event: SessionStartEvent, clientEventId: string | undefined): void {
    if (this.stateValue === 'started') {
      return this.sendError('session_already_started', 'The session has already started.', 'type', clientEventId);
    }
    const requested = event.session;
    const format = requested.audio?.format ?? PCM_24K;
    if (format.type !== 'audio/pcm' || format.rate !== 24000) {
      return this.sendError(
        'invalid_value',
        `The simulator supports only audio/pcm at 24000 Hz, got ${format.type} at ${format.rate} Hz.`,
        'session.audio.format',
        clientEventId,
      );
    }
    const { audio: _audio, ...rest } = requested;
    this.configValue = {
      ...rest,
      id: this.id,
      status: 'active',
      // Whole seconds, rounded down: the session ends no earlier than it says (a time-limit fault is its lifetime).
      expires_at: Math.floor((Date.now() + (this.options.faults.sessionExpiredAfterMs ?? SESSION_LIFETIME_S * 1000)) / 1000),
      model: requested.model,
      instructions: requested.instructions?.trim() ? requested.instructions : DEFAULT_INSTRUCTIONS,
      input: requested.input ?? [],
      store: requested.store ?? false,
      delegation: requested.delegation ?? { type: 'client' },
      audio: { format: { ...PCM_24K }, output: { voice: requested.audio?.output?.voice ?? 'marin' } },
    };
    this.stateValue = 'started';
    this.startedAt = performance.now();
    this.emit({ type: 'session.started', event_id: newId('event'), session: this.configValue, ...ack(clientEventId) });
    this.armTimers();
  }

  private armTimers(): void {
    const { faults, usageIntervalMs } = this.options;
    if (faults.sessionExpiredAfterMs !== undefined) this.outbox.later(faults.sessionExpiredAfterMs, () => this.closeSession('expired'));
    if (faults.contentCloseAfterMs !== undefined) this.outbox.later(faults.contentCloseAfterMs, () => this.closeSession('content'));
    const tick = () => {
      this.emitUsage();
      this.outbox.later(usageIntervalMs, tick);
    };
    this.outbox.later(usageIntervalMs, tick);
  }

  private update(event: SessionUpdateEvent, clientEventId: string | undefined): void {
    const config = this.configValue!;
    const { delegation, triggers } = event.session;
    if (delegation !== undefined) {
      const current = config.delegation?.type ?? 'client';
      const next = delegation?.type ?? 'client';
      if (next !== current) {
        return this.sendError('invalid_value', `The delegation type cannot change (from '${current}' to '${next}').`, 'session.delegation.type', clientEventId);
      }
      // Sparse: what the update omits keeps its value, inside `responses` too.
      if (delegation?.type === 'responses' && config.delegation?.type === 'responses') {
        config.delegation = { ...config.delegation, ...delegation, responses: { ...config.delegation.responses, ...delegation.responses } };
      } else if (delegation) config.delegation = { ...config.delegation, ...delegation } as typeof config.delegation;
    }
    if (triggers !== undefined) config.triggers = triggers;
    this.emit({ type: 'session.updated', event_id: newId('event'), session: config, ...ack(clientEventId) });
  }

  private closeSession(reason: SessionClosedEvent['reason'], clientEventId?: string): void {
    if (this.stateValue !== 'started') return;
    this.reply?.stop();
    this.fixture?.stop();
    this.emit({
      type: 'session.closed',
      event_id: newId('event'),
      reason,
      session: this.configValue!,
      usage: this.usage(),
      ...ack(clientEventId),
    });
    this.stateValue = 'closed';
    this.outbox.close(1000, reason);
    this.outbox.dispose();
  }

  // --- input -----------------------------------------------------------------------------------

  private append(audio: string, clientEventId: string | undefined): void {
    let pcm: Int16Array;
    try {
      pcm = base64ToPcm16(audio);
    } catch (err) {
      return this.sendError('invalid_value', `Invalid 'audio': ${(err as Error).message}.`, 'audio', clientEventId);
    }
    // Input arriving while a fixture plays is dropped, not replayed.
    if (this.playingFixture) return;
    // A muted microphone reaches the model as silence.
    if (this.muted) pcm = new Int16Array(pcm.length);
    this.input.append(pcm.length, this.nowMs());
    this.inputSamples += pcm.length;
    for (const vadEvent of this.vad.push(pcm)) this.onVad(vadEvent);
  }

  private onVad(event: VadEvent): void {
    if (this.stateValue !== 'started') return;
    if (event.type === 'start') {
      this.turn = { startSample: event.audioStartSample, startMs: this.input.msAt(event.audioStartSample) };
      if (this.reply?.isRunning) {
        this.interruptions.push({ at: performance.now(), spokenMs: this.reply.sentMs });
        this.reply.stop();
        this.emitUsage();
      }
      return;
    }
    const turn = this.turn;
    if (!turn) return;
    this.turn = undefined;
    // The VAD's end includes the silence that ended the turn; the words end where the speech did.
    const speechEnd = Math.max(turn.startSample, event.audioEndSample - msToSamples(VAD.silenceDurationMs));
    const samples = speechEnd - turn.startSample;
    this.emit({
      type: 'session.input_transcript.delta',
      event_id: newId('event'),
      delta: speechStandIn(samples),
      start_ms: turn.startMs,
      end_ms: this.input.msAt(speechEnd),
    });
    if (this.delegations.onTurnEnd()) {
      // The acknowledgement, unless the model already said something (a failed delegation).
      if (!this.reply?.isRunning) this.speak(ACKNOWLEDGEMENT);
      return;
    }
    this.answer(this.replyText(samples));
  }

  /**
   * A picture for the Responses backend (a user message with an `input_image` part): the simulated
   * backend looks at it, and the model's next answer says what it saw. Only with Responses
   * delegation (otherwise the command is refused as the service refuses it).
   */
  private takePicture(item: unknown): void {
    if (this.delegations.mode() !== 'responses') return;
    const message = item as { type?: string; role?: string; content?: unknown };
    if (message.type !== 'message' || message.role !== 'user' || !Array.isArray(message.content)) return;
    for (const part of message.content as { type?: string; image_url?: unknown }[]) {
      if (part.type === 'input_image' && typeof part.image_url === 'string') this.unseenPictures.push(lookAt(part.image_url));
    }
  }

  /** Says `words`, and what the backend saw in the pictures it got since the last answer. */
  private answer(words: string): void {
    const pictures = this.unseenPictures.splice(0);
    if (pictures.length === 0) return this.speak(words);
    void Promise.all(pictures).then((seen) => {
      if (this.stateValue === 'started') this.speak([words, ...seen.map(pictureWords)].join(' '));
    });
  }

  // --- output ----------------------------------------------------------------------------------

  private speak(text: string): void {
    this.reply?.stop();
    const beganMs = this.nowMs();
    const reply = new PacedReply(
      { text, durationMs: this.options.replyMs, bed: this.options.replyBed, seed: ++this.replies, chunkMs: this.options.chunkMs, realtimeFactor: this.options.realtimeFactor },
      {
        // The primary WebSocket's audio deltas carry neither an event_id nor timestamps.
        audio: (pcm) => this.emit({ type: 'session.output_audio.delta', delta: pcm16ToBase64(pcm) }),
        word: (delta, startMs, endMs) =>
          this.emit({
            type: 'session.output_transcript.delta',
            event_id: newId('event'),
            delta,
            start_ms: beganMs + startMs,
            end_ms: beganMs + endMs,
          }),
        end: () => this.emitUsage(),
      },
    );
    this.reply = reply;
    reply.start();
  }

  /**
   * An audio fixture: checked whole before anything is interrupted; then the model's speech stops,
   * input is muted until it has played, and it goes out through the output at the reply's pace.
   */
  private playFixture(audio: string, clientEventId: string | undefined): void {
    if (this.playingFixture) {
      return this.sendError('audio_fixture_active', 'An audio fixture is already playing; only one can be active.', 'type', clientEventId);
    }
    const check = checkFixture(audio);
    if (!check.ok) return this.sendError(check.code, check.message, 'audio', clientEventId);
    const interrupted = this.reply?.isRunning ? this.reply.sentMs : null;
    this.reply?.stop();
    // A turn the user was in is abandoned: its audio before the fixture is not answered.
    this.turn = undefined;
    this.vad = new EnergyVad(VAD, this.inputSamples);
    this.fixtures.push({ at: performance.now(), ms: samplesToMs(check.pcm.length), interruptedSpokenMs: interrupted });
    if (interrupted !== null) this.emitUsage();
    this.emit({ type: 'session.output_audio.fixture.playing', event_id: newId('event'), ...ack(clientEventId) });
    const playback = new PacedReply(
      { text: '', source: new FixtureAudio(check.pcm), chunkMs: this.options.chunkMs, realtimeFactor: this.options.realtimeFactor },
      {
        audio: (pcm) => this.emit({ type: 'session.output_audio.delta', delta: pcm16ToBase64(pcm) }),
        word: () => {},
        end: () => {
          if (this.fixture === playback) this.fixture = undefined;
          this.emit({ type: 'session.output_audio.fixture.played', event_id: newId('event'), ...ack(clientEventId) });
        },
      },
    );
    this.fixture = playback;
    playback.start();
  }

  private refuseDuringFixture(type: string, clientEventId: string | undefined): void {
    this.sendError('audio_fixture_active', `'${type}' is rejected while an audio fixture is playing; send it after session.output_audio.fixture.played.`, 'type', clientEventId);
  }

  /** What the reply "says": how long the turn was, and how much history the session started with. */
  private replyText(samples: number): string {
    const seconds = (samplesToMs(samples) / 1000).toFixed(1);
    const history = this.configValue?.input?.length ?? 0;
    return `You said something ${seconds} seconds long. I remember ${history} earlier message${history === 1 ? '' : 's'}.`;
  }

  // --- sending ---------------------------------------------------------------------------------

  private usage(): { seconds: number } {
    return { seconds: Math.round((performance.now() - this.startedAt) / 10) / 100 };
  }

  private emitUsage(): void {
    if (this.stateValue !== 'started') return;
    this.emit({ type: 'session.usage.updated', event_id: newId('event'), usage: this.usage() });
  }

  /** Milliseconds since `session.started`: the session timeline every `*_ms` counts on. */
  private nowMs(): number {
    return Math.max(0, Math.round(performance.now() - this.startedAt));
  }

  private sendError(code: string, message: string, param: string | undefined, clientEventId: string | undefined): void {
    this.emit({
      type: 'error',
      event_id: newId('event'),
      error: {
        type: 'invalid_request_error',
        code,
        message,
        ...(param ? { param } : {}),
        ...(clientEventId ? { client_event_id: clientEventId } : {}),
      },
      ...ack(clientEventId),
    });
  }

  private emit(event: ServerEvent): void {
    if (this.outbox.closed) return;
    const wire = event as unknown as WireObject;
    if (this.options.validateOutgoing) {
      const result = liveSpecValidator().validate('server', wire);
      if (!result.ok) {
        this.violations.push({ event: wire, message: result.message });
        console.error(`[simulator] invalid outgoing Live ${wire.type}: ${result.message}`);
      }
    }
    this.outbox.send(wire);
  }
}

function clientEventIdOf(parsed: unknown): string | undefined {
  const id = (parsed as { event_id?: unknown } | null)?.event_id;
  return typeof id === 'string' ? id : undefined;
}

/** `client_event_id` on an acknowledgement, when the command carried one. */
function ack(clientEventId: string | undefined): { client_event_id?: string } {
  return clientEventId ? { client_event_id: clientEventId } : {};
}

/**
 * Typed words, as a client frames them in commentary (the words in triple quotes, said to be
 * typed): the simulated model answers them as it answers typed words on Realtime.
 */
function typedWords(commentary: string): string | undefined {
  const quoted = /\btyped\b[\s\S]*?"""([\s\S]*?)"""/i.exec(commentary);
  return quoted ? typedReply(quoted[1]!) : undefined;
}
