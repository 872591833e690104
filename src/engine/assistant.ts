import type { AssistantEvent, AssistantEventListener, AssistantState, ErrorCode, Level } from './events';
import { SILENCE_DB } from './events';
import { say, type EngineMessage } from './messages';
import type { Credentials, Settings } from './settings';
import type { DeviceErrorInfo, InputDevice, OutputDevice, ReportsDeviceInUse } from './audio/devices/types';
import type { EchoCancellerOptions } from './audio/echo-canceller';
import { MicPath } from './audio/mic-path';
import { MeterGuard } from './meter/guard';
import { Player } from './audio/player';
import { Toolbox } from './tools/toolbox';
import type { ConsentAnswer, ToolDefinition, ToolHost } from './tools/types';
import { InputError, pictureFormatFor, pictureUnsupportedSaid, preparePicture } from './input/picture';
import { typedTurn } from './input/typed';
import { pictureSummary, type PictureInput, type PictureOutcome } from './input/types';
import { createSession, needsEchoCancellation, needsNewSession, ReplayRecord, SessionError, type ConversationSession, type ReplayRecordOptions, type SessionResilience } from './session';

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
  /**
   * What tools reach (issue 13): the desktop in Electron main, the terminal in the CLI. Without a
   * host the model gets no tools.
   */
  toolHost?: ToolHost;
  /** The tools on offer when not the built-in ones (tests); needs `toolHost`. */
  tools?: readonly ToolDefinition[];
  /** How long a consent question waits before it counts as Deny (default CONSENT_TIMEOUT_MS; tests shorten it). */
  consentTimeoutMs?: number;
  /**
   * The Assistant changed the settings itself (the user answered a consent question with "always
   * allow": `tools.alwaysAllow` grew). Front ends persist the settings given here.
   */
  onSettingsChange?: (settings: Settings) => void;
}

export type ResilienceOptions = SessionResilience & {
  /** How much of what was said is kept and replayed into a new session. */
  record?: ReplayRecordOptions;
};

/** Why `start()` failed: `code` for programs, `said` for people (messages.ts), `message` the same in English for logs. */
export class AssistantError extends Error {
  override name = 'AssistantError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly said: EngineMessage,
  ) {
    super(message);
  }
}

/** Node timers have 1 ms resolution: 17 ms keeps the rate under 60 Hz (16 would be 62.5). */
const LEVELS_INTERVAL_MS = Math.ceil(1000 / 60);

/**
 * The composition root, wiring only: devices + mic path + session + player -> AssistantEvent.
 * The session (Realtime or GPT-Live, chosen by the settings) owns the conversation and its state;
 * the Electron main process and the CLI both drive this class.
 */
export class Assistant {
  private settings: Settings;
  private readonly credentials: Credentials;
  private readonly input: InputDevice;
  private readonly output: OutputDevice;
  private readonly localUrl: string | undefined;
  private readonly log: (line: string) => void;
  private readonly resilience: SessionResilience;

  private readonly listeners = new Set<AssistantEventListener>();
  private readonly player = new Player();
  private readonly mic: MicPath;
  /** What was said (this run), replayed into every new session. */
  readonly record: ReplayRecord;
  private session: ConversationSession | null = null;
  /** No session could be created (settings the factory refuses): the state to report until the next start. */
  private creationFailed = false;
  private mutedFlag = false;
  private running = false;
  private stopping: Promise<void> | null = null;
  private levelsTimer: NodeJS.Timeout | null = null;
  private lastLevelsSilent = false;
  /** The pixels' hash of the last picture sent in this conversation: the same frame again is not sent. */
  private lastPictureHash: string | null = null;
  /** Pictures being prepared: a manual turn's commit and typed words wait for them, so the picture comes first. */
  private readonly preparing = new Set<Promise<unknown>>();
  /** The tools, shared by every session of this Assistant (a timer outlives the session that set it); null without a host. */
  readonly toolbox: Toolbox | null;
  /** The conversation's cost and time meter, and its spending cap (which holds the microphone). */
  private readonly meter = new MeterGuard({
    emit: (event) => this.emit(event),
    holdMicrophone: () => this.applyMute(),
    playing: () => this.player.isPlaying,
    onIdle: (listener) => this.player.on('idle', listener),
    stop: () => void this.stop(),
  });

  constructor(options: AssistantOptions) {
    this.settings = options.settings;
    this.credentials = options.credentials;
    this.input = options.input;
    this.output = options.output;
    this.localUrl = options.localUrl;
    this.log = options.log ?? (() => {});
    const { record, ...resilience } = options.resilience ?? {};
    this.resilience = resilience;
    this.record = new ReplayRecord(record);
    this.mic = new MicPath({
      output: this.output,
      hearsOutput: this.input.hearsOutput === true,
      ...(options.echo ? { echo: options.echo } : {}),
      onError: (message) => this.emit({ type: 'error', code: 'device', fatal: false, ...say('error.echoCanceller', { detail: message }) }),
      onVoiceError: (message) => this.emit({ type: 'error', code: 'device', fatal: false, ...say('error.localVad', { detail: message }) }),
    });
    const onSettingsChange = options.onSettingsChange ?? (() => {});
    this.toolbox = options.toolHost
      ? new Toolbox({
          host: options.toolHost,
          settings: this.settings,
          credentials: this.credentials,
          emit: (event) => this.emit(event),
          log: this.log,
          ...(options.tools ? { tools: options.tools } : {}),
          ...(options.consentTimeoutMs !== undefined ? { consentTimeoutMs: options.consentTimeoutMs } : {}),
          onAlwaysAllow: (alwaysAllow) => {
            this.settings = { ...this.settings, tools: { ...this.settings.tools, alwaysAllow } };
            onSettingsChange(this.settings);
          },
        })
      : null;
  }

  /**
   * A front end's answer to a `consent.request` event (window prompt, CLI line). The first answer
   * wins; false when the question is already settled (answered elsewhere, or timed out). Every
   * question ends with a `consent.settled` event.
   */
  answerConsent(id: string, answer: ConsentAnswer): boolean {
    return this.toolbox?.answerConsent(id, answer) ?? false;
  }

  /** Stops, and ends what outlives a conversation: pending timers, open consent questions. */
  async dispose(): Promise<void> {
    await this.stop();
    this.toolbox?.close();
  }

  subscribe(listener: AssistantEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get state(): AssistantState {
    return this.session?.state ?? (this.creationFailed ? 'error' : 'idle');
  }

  get muted(): boolean {
    return this.mutedFlag;
  }

  async start(): Promise<void> {
    if (this.running) return;
    if (this.stopping) await this.stopping;
    this.running = true;
    this.record.clear();
    this.lastPictureHash = null;
    this.meter.begin(this.settings);
    try {
      const session = this.newSession();
      await session.open();
      if (!this.running) return;
      this.output.onError = (info) => this.onDeviceError('speaker', info);
      this.input.onError = (info) => this.onDeviceError('microphone', info);
      await this.mic.configureEcho(needsEchoCancellation(this.settings));
      if (this.settings.interruption.localVad) await this.mic.prepareVoiceOnsets();
      await this.startDevice('speaker', () => this.player.attach(this.mic.speaker));
      await this.startDevice('microphone', () => this.input.start(this.mic.push));
      this.reportDeviceInUse('input', this.input);
      this.reportDeviceInUse('output', this.output);
      this.levelsTimer = setInterval(() => this.emitLevels(), LEVELS_INTERVAL_MS);
      this.levelsTimer.unref();
    } catch (error) {
      // A session that failed to open has reported it; the Assistant reports its own failures.
      const failure =
        error instanceof AssistantError || error instanceof SessionError
          ? error
          : new AssistantError('internal', (error as Error).message, say('error.internalDetail', { detail: (error as Error).message }));
      if (!(error instanceof SessionError && this.session)) {
        this.emit({ type: 'error', code: failure.code, fatal: true, ...failure.said });
      }
      await this.teardown('error');
      throw failure instanceof AssistantError ? failure : new AssistantError(failure.code, failure.message, failure.said);
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
    this.session?.interrupt('user');
  }

  startTalking(): void {
    this.mic.drop();
    this.session?.startTalking();
  }

  stopTalking(): void {
    // The tail of the utterance must be in the buffer before the commit, and so must a picture shown during it.
    this.mic.flush();
    const session = this.session;
    if (this.preparing.size === 0) session?.stopTalking();
    else void this.picturesReady().then(() => this.session === session && session?.stopTalking());
  }

  /**
   * Typed words as a user turn of the running conversation (issue 23): a reply playing is
   * interrupted first exactly like `interrupt()`, and the model answers aloud. A picture still
   * being prepared goes in first. False, with a `notice` saying why, when no conversation runs or
   * the text is empty, only spaces, or too long (nothing is sent then).
   */
  sendText(text: string): boolean {
    const turn = typedTurn(text);
    const refused = 'said' in turn ? turn.said : this.running && this.session ? null : say('notice.noConversation');
    if (refused || !('text' in turn)) {
      this.emit({ type: 'notice', ...(refused ?? say('notice.typedEmpty')) });
      return false;
    }
    if (this.preparing.size === 0) return this.deliverText(turn.text);
    void this.picturesReady().then(() => this.deliverText(turn.text));
    return true;
  }

  /**
   * Shows the model a picture (issue 23): prepared as the settings say (`pictures.maxSide`; JPEG
   * for Realtime, `pictures.format` for GPT-Live), skipped when identical to the last one sent in
   * this conversation, and put into the conversation before the user's next turn is committed.
   * 'unsupported' and 'invalid' are also said with a `notice`, so every front end says them.
   */
  async showPicture(input: PictureInput): Promise<PictureOutcome> {
    const unsupported = this.running && this.session ? pictureUnsupportedSaid(this.settings) : say('notice.noConversation');
    if (unsupported) return this.refusePicture({ status: 'unsupported', said: unsupported });
    const preparing = preparePicture(input, { maxSide: this.settings.pictures.maxSide, format: pictureFormatFor(this.settings) });
    this.preparing.add(preparing);
    let prepared;
    try {
      prepared = await preparing;
    } catch (error) {
      const said = error instanceof InputError ? error.said : say('picture.corrupt', { detail: (error as Error).message });
      this.log(`picture refused: ${(error as Error).message}`);
      return this.refusePicture({ status: 'invalid', said });
    } finally {
      this.preparing.delete(preparing);
    }
    if (prepared.hash === this.lastPictureHash) return { status: 'unchanged' };
    const session = this.session;
    if (!this.running || !session) return this.refusePicture({ status: 'unsupported', said: say('notice.noConversation') });
    const outcome = session.showPicture(prepared);
    if (outcome.status !== 'sent') return this.refusePicture(outcome);
    this.lastPictureHash = prepared.hash;
    return { status: 'sent', itemId: outcome.itemId, picture: pictureSummary(prepared) };
  }

  setMuted(muted: boolean): void {
    this.mutedFlag = muted;
    this.applyMute();
  }

  /**
   * New settings while running: the session takes what it can change live. Another protocol or
   * endpoint gets a new session at once (the devices keep running, what was said is replayed
   * into it), since that is what a person who changed it expects.
   */
  updateSettings(settings: Settings): void {
    const before = this.settings;
    this.settings = settings;
    this.toolbox?.updateSettings(settings);
    if (!this.running) return;
    this.meter.configure(settings);
    if (needsEchoCancellation(settings) !== needsEchoCancellation(before)) void this.mic.configureEcho(needsEchoCancellation(settings));
    if (settings.interruption.localVad) void this.mic.prepareVoiceOnsets();
    if (needsNewSession(before, settings)) void this.replaceSession();
    else this.session?.updateSettings(settings);
  }

  // ---- internals ----

  private deliverText(text: string): boolean {
    const refused = this.running && this.session ? this.session.sendText(text) : say('notice.noConversation');
    if (refused) this.emit({ type: 'notice', ...refused });
    return refused === null;
  }

  private refusePicture<T extends Extract<PictureOutcome, { said: EngineMessage }>>(outcome: T): T {
    this.emit({ type: 'notice', ...outcome.said });
    return outcome;
  }

  /** Settles when the pictures being prepared now have gone in (or were refused). */
  private async picturesReady(): Promise<void> {
    await Promise.allSettled([...this.preparing]);
    // showPicture hands the picture to the session in the continuation after its preparation.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  private newSession(): ConversationSession {
    this.session = null;
    this.creationFailed = false;
    let session: ConversationSession;
    try {
      session = createSession({
        settings: this.settings,
        credentials: this.credentials,
        ...(this.localUrl ? { localUrl: this.localUrl } : {}),
        player: this.player,
        record: this.record,
        resilience: this.resilience,
        ...(this.toolbox ? { tools: this.toolbox } : {}),
        emit: (event) => this.onSessionEvent(session, event),
        log: this.log,
      });
    } catch (error) {
      if (!(error instanceof SessionError)) throw error;
      // No session to own the state: the Assistant reports that it could not make one.
      this.creationFailed = true;
      this.emit({ type: 'error', code: error.code, fatal: true, ...error.said });
      this.emit({ type: 'state', state: 'error' });
      throw new AssistantError(error.code, error.message, error.said);
    }
    session.setMuted(this.mutedFlag || this.meter.held);
    this.session = session;
    this.mic.sink = session;
    return session;
  }

  /** Switches to a new session for changed settings, keeping the devices and what was said. */
  private async replaceSession(): Promise<void> {
    const old = this.session;
    this.mic.sink = null;
    await old?.close();
    if (!this.running || this.session !== old) return;
    try {
      await this.newSession().open();
    } catch (error) {
      this.log(`session switch failed: ${(error as Error).message}`);
      await this.teardown('error');
    }
  }

  private onSessionEvent(session: ConversationSession, event: AssistantEvent): void {
    this.emit(event);
    this.meter.observe(event);
    // A fatal error means the session has ended: the devices stop with it.
    if (event.type === 'error' && event.fatal && session === this.session && this.running && !this.stopping && this.levelsTimer) {
      this.stopping = this.teardown('error').finally(() => {
        this.stopping = null;
      });
    }
  }

  private emit(event: AssistantEvent): void {
    this.record.observe(event);
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.log(`listener failed: ${(error as Error).message}`);
      }
    }
  }

  /** The microphone is off when the user muted it or the spending cap holds it. */
  private applyMute(): void {
    const muted = this.mutedFlag || this.meter.held;
    if (muted) this.mic.drop();
    this.session?.setMuted(muted);
  }

  private emitLevels(): void {
    const input: Level = this.mic.level;
    const output: Level = this.player.outputLevel();
    const silent = input.rmsDb <= SILENCE_DB && output.rmsDb <= SILENCE_DB;
    if (silent && this.lastLevelsSilent) return;
    this.lastLevelsSilent = silent;
    this.emit({ type: 'levels', input, output });
  }

  private async startDevice(which: 'microphone' | 'speaker', start: () => Promise<void> | void): Promise<void> {
    try {
      await start();
    } catch (error) {
      const detail = (error as Error).message;
      const said = which === 'microphone' ? say('error.microphoneNotStarted', { detail }) : say('error.speakerNotStarted', { detail });
      throw new AssistantError('device', `The ${which} could not start: ${detail}`, said);
    }
  }

  /**
   * Tells front ends which device is in use, now and when it changes (devices that follow the
   * system switch on their own: the session, the player's queue and the mic path carry on).
   */
  private reportDeviceInUse(direction: 'input' | 'output', device: ReportsDeviceInUse): void {
    const report = (inUse: { name: string; followsDefault: boolean }) => {
      if (this.running) this.emit({ type: 'device', direction, name: inUse.name, followsDefault: inUse.followsDefault });
    };
    device.onChange = report;
    const now = device.inUse?.();
    if (now) report(now);
  }

  private onDeviceError(which: 'microphone' | 'speaker', info: DeviceErrorInfo): void {
    const detail = info.message;
    const said = which === 'microphone' ? say('error.microphoneFailed', { detail }) : say('error.speakerFailed', { detail });
    this.emit({ type: 'error', code: 'device', fatal: false, ...said });
  }

  private async teardown(finalState: 'idle' | 'error'): Promise<void> {
    this.running = false;
    if (this.levelsTimer) clearInterval(this.levelsTimer);
    this.levelsTimer = null;
    this.mic.sink = null;
    const results = await Promise.allSettled([this.input.stop(), this.output.stop()]);
    for (const result of results) {
      if (result.status === 'rejected') this.log(`device stop failed: ${(result.reason as Error).message}`);
    }
    this.player.flush();
    await this.session?.close(finalState);
    this.meter.end();
    await this.mic.close();
  }
}
