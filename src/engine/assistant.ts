import type { RealtimeClientEvent, RealtimeServerEvent } from 'openai/resources/realtime/realtime';
import type { AssistantEvent, AssistantEventListener, AssistantState, ErrorCode, Level } from './events';
import { SILENCE_DB } from './events';
import type { Credentials, Settings } from './settings';
import type { DeviceErrorInfo, InputDevice, OutputDevice } from './audio/devices/types';
import { ENGINE_FRAME_SAMPLES, ENGINE_SAMPLE_RATE } from './audio/devices/types';
import { createEchoCanceller, PassThroughEchoCanceller, withEchoReference, type EchoCanceller, type EchoCancellerOptions } from './audio/echo-canceller';
import { pcm16ToBase64 } from './audio/pcm';
import { LevelSmoother, measureLevel, silentLevel } from './audio/meter';
import { Player } from './audio/player';
import { Conversation } from './conversation';
import { resolveEndpoint, EndpointError } from './realtime/endpoints';
import { ConnectionError } from './realtime/connection';
import { ResilientConnection, type ResilientConnectionOptions } from './realtime/resilient';
import { RateLimitWatch } from './realtime/server-notices';
import { ConversationHistory, type HistoryOptions } from './history';

export interface AssistantOptions {
  settings: Settings;
  credentials: Credentials;
  input: InputDevice;
  output: OutputDevice;
  /** The in-process simulator's URL, for provider 'local'. */
  localUrl?: string;
  log?: (line: string) => void;
  /** Reconnect, rollover and replay tuning; the defaults suit OpenAI (tests and benchmarks shorten the clocks). */
  resilience?: ResilienceOptions;
  /** Echo canceller options (noise suppression); `settings.echoCancellation` turns it on. */
  echo?: EchoCancellerOptions;
}

export type ResilienceOptions = Pick<ResilientConnectionOptions, 'backoff' | 'rollover' | 'stableAfterMs' | 'connectTimeoutMs'> & {
  history?: HistoryOptions;
};

/** Why `start()` failed: `code` for programs, `message` (one line, no secrets) for people. */
export class AssistantError extends Error {
  override name = 'AssistantError';
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Microphone audio goes out in 40 ms appends: one base64 + JSON message per batch, not per frame. */
const BATCH_SAMPLES = (ENGINE_SAMPLE_RATE * 40) / 1000;
/** Node timers have 1 ms resolution: 17 ms keeps the rate under 60 Hz (16 would be 62.5). */
const LEVELS_INTERVAL_MS = Math.ceil(1000 / 60);

/**
 * The composition root: microphone -> realtime -> conversation -> player -> speaker, and one
 * stream of AssistantEvents out. The Electron main process and the CLI both drive it.
 */
export class Assistant {
  private settings: Settings;
  private readonly credentials: Credentials;
  private readonly input: InputDevice;
  private readonly output: OutputDevice;
  private readonly localUrl: string | undefined;
  private readonly log: (line: string) => void;

  private readonly listeners = new Set<AssistantEventListener>();
  private readonly player: Player;
  private readonly conversation: Conversation;
  private readonly inputSmoother = new LevelSmoother();
  private readonly frameLevel: Level = silentLevel();
  private connection: ResilientConnection | null = null;
  /** What was said (this run), replayed into a new session after a reconnect or a rollover. */
  readonly history: ConversationHistory;
  private readonly resilience: ResilienceOptions;
  private readonly rateLimits = new RateLimitWatch();
  private running = false;
  private stopping: Promise<void> | null = null;
  private levelsTimer: NodeJS.Timeout | null = null;
  private lastLevelsSilent = false;

  /** Echo cancellation on the mic path; the pass-through when off or unavailable. */
  private echo: EchoCanceller = new PassThroughEchoCanceller();
  private readonly echoOptions: EchoCancellerOptions;
  private echoSetup: Promise<void> | null = null;
  /** Mic audio re-framed to the canceller's 10 ms frames, without allocating. */
  private readonly micFrame = new Int16Array(ENGINE_FRAME_SAMPLES);
  private micFill = 0;

  /** One reused batch: filled by mic chunks, sent when full. */
  private readonly batch = new Int16Array(BATCH_SAMPLES);
  private batchFill = 0;

  constructor(options: AssistantOptions) {
    this.settings = options.settings;
    this.credentials = options.credentials;
    this.input = options.input;
    this.output = options.output;
    this.localUrl = options.localUrl;
    this.log = options.log ?? (() => {});
    this.resilience = options.resilience ?? {};
    this.echoOptions = options.echo ?? {};
    this.history = new ConversationHistory(this.resilience.history);
    this.player = new Player();
    this.conversation = new Conversation({
      settings: this.settings,
      send: (event) => this.send(event),
      player: this.player,
      emit: (event) => this.emit(event),
      log: this.log,
    });
    this.player.on('item-started', (itemId: string) => this.conversation.playbackStarted(itemId));
    this.player.on('item-finished', (itemId: string) => this.conversation.playbackFinished(itemId));
    this.player.on('idle', () => this.conversation.playbackIdle());
  }

  subscribe(listener: AssistantEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get state(): AssistantState {
    return this.conversation.state;
  }

  get muted(): boolean {
    return this.conversation.muted;
  }

  async start(): Promise<void> {
    if (this.running) return;
    if (this.stopping) await this.stopping;
    this.running = true;
    this.history.clear();
    this.conversation.setState('connecting');
    try {
      let endpoint;
      try {
        endpoint = resolveEndpoint(this.settings, this.credentials, { localUrl: this.localUrl });
      } catch (error: unknown) {
        if (error instanceof EndpointError) throw new AssistantError('config', error.message);
        throw error;
      }
      const connection = new ResilientConnection({
        endpoint,
        // Every session (the first, a reconnect, a rollover) gets the current settings and the
        // conversation so far.
        sessionUpdate: () => this.conversation.sessionUpdate(),
        replay: () => this.history.replay(),
        canRollover: () => this.state === 'listening' && !this.player.isPlaying,
        backoff: this.resilience.backoff,
        rollover: this.resilience.rollover,
        stableAfterMs: this.resilience.stableAfterMs,
        connectTimeoutMs: this.resilience.connectTimeoutMs,
      });
      this.connection = connection;
      connection.on('event', (event: RealtimeServerEvent) => this.onServerEvent(event));
      connection.on('protocol-error', (info) => this.emit({ type: 'error', code: 'protocol', message: info.message, fatal: false }));
      connection.on('state', ({ state, attempt }) => {
        if (connection === this.connection && state === 'reconnecting') this.conversation.setState('reconnecting', attempt);
      });
      connection.on('disconnected', ({ message }) => this.onDisconnected(connection, message));
      connection.on('handover', () => {
        // A renewal mid-turn (the server's session_expired, or a forced rollover) ends that turn.
        if (connection === this.connection && this.running) this.endSessionTurns('listening');
      });
      connection.on('session', ({ reason }) => {
        if (connection !== this.connection || reason === 'initial') return;
        if (reason === 'reconnect') this.emit({ type: 'notice', message: 'Reconnected.' });
        else this.emit({ type: 'notice', message: 'Session renewed.' });
        if (this.conversation.state === 'reconnecting') this.conversation.setState('listening');
        // The user's last turn went unanswered with the old session: answer it in the new one.
        if (this.history.said.at(-1)?.speaker === 'user') this.send({ type: 'response.create' });
      });
      connection.on('failed', ({ code, message }) => this.onFailed(connection, code, message));
      try {
        await connection.connect();
      } catch (error) {
        if (error instanceof ConnectionError) throw new AssistantError(error.code, error.message);
        throw error;
      }
      if (!this.running) return;

      this.output.onError = (info) => this.onDeviceError('speaker', info);
      this.input.onError = (info) => this.onDeviceError('microphone', info);
      await this.configureEcho();
      await this.startDevice('speaker', () => this.player.attach(withEchoReference(this.output, () => this.echo)));
      await this.startDevice('microphone', () => this.input.start((pcm) => this.onMicAudio(pcm)));
      this.levelsTimer = setInterval(() => this.emitLevels(), LEVELS_INTERVAL_MS);
      this.levelsTimer.unref();
      if (this.conversation.state === 'connecting') this.conversation.setState('listening');
    } catch (error) {
      const failure = error instanceof AssistantError ? error : new AssistantError('internal', (error as Error).message);
      this.emit({ type: 'error', code: failure.code, message: failure.message, fatal: true });
      await this.teardown('error');
      throw failure;
    }
  }

  stop(): Promise<void> {
    if (!this.running && !this.stopping) return Promise.resolve();
    this.stopping ??= this.teardown('idle').finally(() => {
      this.stopping = null;
    });
    return this.stopping;
  }

  interrupt(): void {
    this.conversation.interrupt('user');
  }

  startTalking(): void {
    this.flushBatch(false);
    this.conversation.startTalking();
  }

  stopTalking(): void {
    // The tail of the utterance must be in the buffer before the commit.
    this.flushBatch(true);
    this.conversation.stopTalking();
  }

  setMuted(muted: boolean): void {
    if (muted) this.batchFill = 0;
    this.conversation.setMuted(muted);
  }

  updateSettings(settings: Settings): void {
    const echoChanged = settings.echoCancellation !== this.settings.echoCancellation;
    this.settings = settings;
    if (echoChanged && this.running) void this.configureEcho();
    this.conversation.updateSettings(settings, this.connection !== null && this.running);
  }

  // ---- internals ----

  private emit(event: AssistantEvent): void {
    this.history.observe(event);
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.log(`listener failed: ${(error as Error).message}`);
      }
    }
  }

  private onServerEvent(event: RealtimeServerEvent): void {
    switch (event.type) {
      case 'input_audio_buffer.committed':
        // The user's turn takes its place before the reply to it, though its transcript comes later.
        this.history.reserve(event.item_id, 'user');
        break;
      case 'rate_limits.updated': {
        const notice = this.rateLimits.update(event);
        if (notice) this.emit({ type: 'notice', message: notice });
        return;
      }
      default:
        break;
    }
    this.conversation.handleServerEvent(event);
  }

  private send(event: RealtimeClientEvent): void {
    const connection = this.connection;
    // While reconnecting nothing is sent: late microphone audio or a cancel for the old session mean nothing to the next one.
    if (!connection || connection.state !== 'open') return;
    try {
      connection.send(event);
    } catch (error) {
      this.emit({ type: 'error', code: 'protocol', message: (error as Error).message, fatal: false });
    }
  }

  /** Creates (or drops) the echo canceller for the current setting; failing to load it is reported, not fatal. */
  private configureEcho(): Promise<void> {
    const previous = this.echoSetup ?? Promise.resolve();
    const setup = previous.then(async () => {
      // Without a room between speaker and microphone there is no echo to cancel, only speech to lose.
      const wanted = this.settings.echoCancellation && this.input.hearsOutput === true;
      if (this.echo.active === wanted) return;
      let next: EchoCanceller;
      try {
        next = await createEchoCanceller(wanted, this.echoOptions);
      } catch (error) {
        this.emit({ type: 'error', code: 'device', message: (error as Error).message, fatal: false });
        next = new PassThroughEchoCanceller();
      }
      next.onError = (message) => this.emit({ type: 'error', code: 'device', message, fatal: false });
      const old = this.echo;
      this.echo = next;
      this.micFill = 0;
      old.destroy();
    });
    this.echoSetup = setup.finally(() => {
      if (this.echoSetup === setup) this.echoSetup = null;
    });
    return setup;
  }

  private onMicAudio(pcm: Int16Array): void {
    const echo = this.echo;
    if (!echo.active) {
      this.onCleanMicAudio(pcm);
      return;
    }
    echo.setDelayMs(this.output.latencyMs());
    let offset = 0;
    while (offset < pcm.length) {
      const n = Math.min(pcm.length - offset, ENGINE_FRAME_SAMPLES - this.micFill);
      this.micFrame.set(pcm.subarray(offset, offset + n), this.micFill);
      this.micFill += n;
      offset += n;
      if (this.micFill === ENGINE_FRAME_SAMPLES) {
        this.micFill = 0;
        this.onCleanMicAudio(echo.processCapture(this.micFrame));
      }
    }
  }

  private onCleanMicAudio(pcm: Int16Array): void {
    this.inputSmoother.update(measureLevel(pcm, this.frameLevel), (pcm.length * 1000) / ENGINE_SAMPLE_RATE);
    if (!this.conversation.acceptsAudio) return;
    let offset = 0;
    while (offset < pcm.length) {
      const n = Math.min(pcm.length - offset, BATCH_SAMPLES - this.batchFill);
      this.batch.set(pcm.subarray(offset, offset + n), this.batchFill);
      this.batchFill += n;
      offset += n;
      if (this.batchFill === BATCH_SAMPLES) this.flushBatch(true);
    }
  }

  private flushBatch(send: boolean): void {
    if (send && this.batchFill > 0 && this.conversation.acceptsAudio) {
      this.send({ type: 'input_audio_buffer.append', audio: pcm16ToBase64(this.batch.subarray(0, this.batchFill)) });
    }
    this.batchFill = 0;
  }

  private emitLevels(): void {
    const input: Level = this.inputSmoother.level;
    const output: Level = this.player.outputLevel();
    const silent = input.rmsDb <= SILENCE_DB && output.rmsDb <= SILENCE_DB;
    if (silent && this.lastLevelsSilent) return;
    this.lastLevelsSilent = silent;
    this.emit({ type: 'levels', input, output });
  }

  private async startDevice(which: string, start: () => Promise<void> | void): Promise<void> {
    try {
      await start();
    } catch (error) {
      throw new AssistantError('device', `The ${which} could not start: ${(error as Error).message}`);
    }
  }

  private onDeviceError(which: string, info: DeviceErrorInfo): void {
    this.emit({ type: 'error', code: 'device', message: `The ${which} failed: ${info.message}`, fatal: false });
  }

  /** The socket was lost; the connection is reconnecting. In-flight turns are gone: stop playing them. */
  private onDisconnected(connection: ResilientConnection, message: string): void {
    if (connection !== this.connection || !this.running) return;
    this.endSessionTurns(); // 'reconnecting' (with its attempt) follows from the connection
    this.emit({ type: 'notice', message: `Connection lost: ${message}` });
  }

  /**
   * The session's turns end with it. What was heard stays in the history: the reply playing is
   * cut there, words that streamed without a final keep what arrived, and front ends get those
   * words as finals.
   */
  private endSessionTurns(state?: AssistantState): void {
    const flushed = this.player.flush();
    if (flushed) this.history.interrupted(flushed.itemId, flushed.playedMs, flushed.receivedMs);
    for (const entry of this.history.settle()) {
      this.emit({ type: 'transcript.final', speaker: entry.speaker, itemId: entry.itemId, text: entry.text });
    }
    this.batchFill = 0;
    this.conversation.reset(state);
  }

  private onFailed(connection: ResilientConnection, code: ErrorCode, message: string): void {
    if (connection !== this.connection || !this.running || this.stopping) return;
    this.emit({ type: 'error', code, message, fatal: true });
    void this.teardown('error');
  }

  private async teardown(finalState: AssistantState): Promise<void> {
    this.running = false;
    if (this.levelsTimer) clearInterval(this.levelsTimer);
    this.levelsTimer = null;
    this.batchFill = 0;
    const connection = this.connection;
    this.connection = null;
    const results = await Promise.allSettled([this.input.stop(), this.output.stop()]);
    for (const result of results) {
      if (result.status === 'rejected') this.log(`device stop failed: ${(result.reason as Error).message}`);
    }
    this.player.flush();
    connection?.close();
    await this.echoSetup;
    this.echo.destroy();
    this.echo = new PassThroughEchoCanceller();
    this.micFill = 0;
    this.conversation.reset(finalState);
  }
}
