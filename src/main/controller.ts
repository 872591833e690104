import {
  Assistant,
  SettingsError,
  applyEnvironment,
  picturesSupported,
  resolveProtocol,
  type AssistantEvent,
  type AssistantState,
  type Credentials,
  type RecordingDecoder,
  type Settings,
} from '../engine';
import { startSimulator, type RunningSimulator } from '../simulator';
import { chooseLanguage, createI18n, languageOfLocale, type Language, type Translate } from '../shared/i18n';
import type { EngineMessage } from '../engine/messages';
import type { ToolHost } from '../engine/tools/types';
import type { PictureInput, PictureOutcome } from '../engine/input/types';
import { englishOf, mainSaid, type MainSaid } from './said';
import type { AzureSignInResult, HotkeyStatus, SettingsPatch, SettingsResult, SettingsView } from '../shared/ipc';
import { createAudioDevices, type AudioDevices } from './audio-devices';
import { ConsentBroker } from './consent';
import { ConversationLog } from './conversation-log';
import { SecretStore } from './secrets';
import { AzureSignIn, type BrowserCredentialFactory } from './azure-sign-in';
import { ServeHost } from './serve-host';
import { SettingsStore, applySettingsPatch } from './settings-store';
import { settingsOptions } from './tool-choices';

export interface ControllerOptions {
  userDataDir: string;
  env: Record<string, string | undefined>;
  log: (line: string) => void;
  /** Where audio devices come from; the app's one factory unless a test plays a WAV file. */
  devices?: (settings: Settings) => AudioDevices | Promise<AudioDevices>;
  /** The system's locale (Electron's `app.getLocale()`): Kaiwa speaks it when the language setting is 'system'. */
  locale?: string;
  /** What Kaiwa's tools reach (the desktop: tools-host.ts). Without one the model gets no tools. */
  toolHost?: ToolHost;
  /** Decodes m4a/AAC for the voice endpoint (the desktop: Chromium's decoders); the system's ffmpeg without one. */
  decodeAac?: RecordingDecoder;
  /** The Microsoft Entra browser sign-in's credential; @azure/identity's InteractiveBrowserCredential unless a test injects one. */
  azureCredential?: BrowserCredentialFactory;
}

/** Fields whose change needs a new connection or new devices, not just a session update. */
const RESTART_FIELDS = ['provider', 'url', 'dialect', 'model', 'azure', 'inputDevice', 'outputDevice', 'echoCancellation'] as const;

export const isRunning = (state: AssistantState): boolean => state !== 'idle' && state !== 'error';

/** Replaces every occurrence of the secret (or of each secret) in a message meant for people. */
export function redact(text: string, secret: string | undefined | readonly string[]): string {
  const secrets = typeof secret === 'string' ? [secret] : (secret ?? []);
  // Longest first: a secret that contains another is replaced whole.
  return [...secrets].sort((a, b) => b.length - a.length).reduce((line, s) => (s.length >= 4 ? line.split(s).join('[redacted]') : line), text);
}

/** A copy of `value` with every secret replaced in its strings (keys and other values untouched); the same object when none occurs. */
function redactStrings<T>(value: T, secrets: readonly string[]): T {
  if (typeof value === 'string') return (secrets.some((s) => value.includes(s)) ? redact(value, secrets) : value) as T;
  if (typeof value !== 'object' || value === null) return value;
  let changed = false;
  const entries = Object.entries(value).map(([key, inner]) => {
    const next = redactStrings(inner, secrets);
    if (next !== inner) changed = true;
    return [key, next] as const;
  });
  if (!changed) return value;
  return (Array.isArray(value) ? entries.map(([, v]) => v) : Object.fromEntries(entries)) as T;
}

/**
 * Everything the desktop app does that is not Electron: settings (stored + environment), the API
 * key, the assistant's lifecycle (restarted when connection settings change), the in-process
 * simulator for provider `local`, and the conversation log. Windows, tray and hotkeys drive it.
 */
export class KaiwaController {
  readonly settingsStore: SettingsStore;
  readonly secrets: SecretStore;
  readonly conversations: ConversationLog;
  /** The voice endpoint (setting `serve`), with this app's settings and key. */
  readonly serve: ServeHost;
  /** The open consent questions, and the windows' answers to them (consent.ts). */
  readonly consent = new ConsentBroker((id, answer) => this.assistant?.answerConsent(id, answer) ?? false);
  /** Set by the app: re-registers hotkeys etc. after a settings change; returns notices. */
  onSettingsApplied: (settings: Settings) => MainSaid[] = () => [];
  hotkeyStatus: () => HotkeyStatus[] = () => [];

  private stored!: Settings;
  private effective!: Settings;
  private credentials: Credentials = {};
  /** Which settings the environment forces (shown read-only). */
  private envOverrides: string[] = [];
  private assistant: Assistant | undefined;
  private unsubscribeAssistant: (() => void) | undefined;
  private simulator: Promise<RunningSimulator> | undefined;
  private mutedFlag = false;
  private talking = false;
  private lifecycle: Promise<unknown> = Promise.resolve();
  private pictureQueue: Promise<unknown> = Promise.resolve();
  private readonly eventListeners = new Set<(event: AssistantEvent) => void>();
  private readonly settingsListeners = new Set<(view: SettingsView) => void>();
  private deviceNoteShown = false;
  /** Kaiwa's words in main (tray, notices): the language setting, or the system's. */
  private readonly i18n = createI18n('en');
  private readonly azureSignIn: AzureSignIn;

  constructor(private readonly options: ControllerOptions) {
    this.settingsStore = new SettingsStore(options.userDataDir);
    this.secrets = new SecretStore(options.userDataDir);
    this.conversations = new ConversationLog(options.userDataDir);
    this.azureSignIn = new AzureSignIn(options.azureCredential);
    this.serve = new ServeHost({
      token: () => this.serveToken(),
      localUrl: () => this.localUrl(),
      t: () => this.t,
      notice: (said) => this.notice(said),
      log: options.log,
      redact: (line) => redact(line, this.secretValues()),
      ...(options.decodeAac ? { decodeAac: options.decodeAac } : {}),
    });
  }

  /** Loads settings and the key; returns what the user should be told. */
  init(): MainSaid[] {
    const notices: MainSaid[] = [];
    const loaded = this.settingsStore.load();
    if (loaded.notice) notices.push(loaded.notice);
    this.stored = loaded.settings;
    const keyNotice = this.secrets.load();
    if (keyNotice) notices.push(keyNotice);
    const headersNotice = this.secrets.loadMcpHeaders();
    if (headersNotice) notices.push(headersNotice);
    notices.push(...this.computeEffective());
    return notices;
  }

  get settings(): Settings {
    return this.effective;
  }

  /** Translates into the language Kaiwa speaks now; follows the setting as it changes. */
  get t(): Translate {
    return this.i18n.t;
  }

  get language(): Language {
    return chooseLanguage(this.effective.language, languageOfLocale(this.options.locale));
  }

  get state(): AssistantState {
    return this.assistant?.state ?? 'idle';
  }

  get muted(): boolean {
    return this.mutedFlag;
  }

  get running(): boolean {
    return isRunning(this.state);
  }

  onEvent(listener: (event: AssistantEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  onSettingsChanged(listener: (view: SettingsView) => void): () => void {
    this.settingsListeners.add(listener);
    return () => this.settingsListeners.delete(listener);
  }

  /** Tells the windows, by key: each puts it into its language. */
  notice(said: MainSaid | EngineMessage): void {
    this.emit({ type: 'notice', ...said });
  }

  view(): SettingsView {
    return {
      settings: structuredClone(this.effective),
      protocol: resolveProtocol(this.effective),
      hasApiKey: this.credentials.apiKey !== undefined,
      envOverrides: [...this.envOverrides],
      options: settingsOptions(),
      hotkeys: this.hotkeyStatus(),
      serve: { ...this.serve.status, tokenSaved: this.secrets.persistence === 'keychain' },
      mcpHeadersSet: this.secrets.mcpHeadersSet(this.effective.tools.mcpServers),
      picturesSupported: picturesSupported(this.effective),
      azureSignIn: this.azureSignIn.status(this.effective.azure),
    };
  }

  /** Starts, restarts or stops the voice endpoint to match the settings, then shows its state. */
  async applyServe(): Promise<void> {
    await this.serve.apply(this.effective, this.credentials);
    this.publish();
  }

  /** The endpoint's bearer token, made (and stored with the other secrets) on first use. */
  serveToken(): string {
    const { token, notice } = this.secrets.serveToken();
    if (notice) this.notice(notice);
    return token;
  }

  /** A new token; a running endpoint takes it at once (the old one is refused from now on). */
  async renewServeToken(): Promise<void> {
    const { notice } = this.secrets.renewServeToken();
    if (notice) this.notice(notice);
    await this.applyServe();
  }

  // ---- actions (IPC, tray, hotkeys, argv) ----

  start(): Promise<void> {
    return this.serialise(() => this.doStart());
  }

  stop(): Promise<void> {
    return this.serialise(() => this.doStop());
  }

  /** Start when idle, stop when running (decided when it runs, after earlier actions). */
  toggle(): Promise<void> {
    return this.serialise(() => (this.running ? this.doStop() : this.doStart()));
  }

  interrupt(): void {
    this.assistant?.interrupt();
  }

  /**
   * Typed words as a user turn (a playing reply is interrupted first: the engine does it). Typing
   * is an explicit action: with no conversation running, one starts. Not accepted: the engine said
   * why in a notice.
   */
  async sendText(text: string): Promise<{ accepted: boolean }> {
    const assistant = await this.ensureStarted();
    return { accepted: assistant.sendText(text) };
  }

  /**
   * A picture into the conversation (dropped, pasted, a shared screen's frame, "look at this"),
   * starting one if none runs. One at a time, so the log knows which picture an event is about:
   * with `pictures.keepOriginals` on, the picture as given is saved beside the conversation's log.
   */
  showPicture(input: PictureInput): Promise<PictureOutcome> {
    const run = this.pictureQueue.then(async () => {
      const assistant = await this.ensureStarted();
      const original = this.effective.pictures.keepOriginals ? input.data : undefined;
      return this.conversations.withOriginal(original, () => assistant.showPicture(input));
    });
    this.pictureQueue = run.catch(() => undefined);
    return run;
  }

  talkStart(): void {
    this.talking = true;
    this.assistant?.startTalking();
  }

  talkStop(): void {
    this.talking = false;
    this.assistant?.stopTalking();
  }

  /**
   * The talk hotkey. Push-to-talk (turn detection `manual`) has no key-up to wait for, so the first
   * press starts talking (starting the assistant if needed) and the second stops; otherwise it is
   * start/stop listening.
   */
  talkHotkey(): Promise<void> {
    if (this.effective.turnDetection.mode !== 'manual') return this.toggle();
    return this.serialise(async () => {
      if (!this.running) await this.doStart();
      if (!this.running) return;
      if (this.talking) this.talkStop();
      else this.talkStart();
    });
  }

  /** Whether the user is talking (manual turns), however it started: hotkey, window, tray. */
  get isTalking(): boolean {
    return this.talking;
  }

  /** Hold-to-talk, key down: talking starts, the assistant first if it is not running. */
  holdTalkStart(): Promise<void> {
    return this.serialise(async () => {
      if (!this.running) await this.doStart();
      if (this.running && !this.talking) this.talkStart();
    });
  }

  /** Hold-to-talk, key up: the turn is committed and answered (after a pending start). */
  holdTalkStop(): Promise<void> {
    return this.serialise(async () => {
      if (this.talking) this.talkStop();
    });
  }

  /** The play/pause media key: a speaking reply is interrupted; otherwise the talk key's toggle. */
  mediaKey(): Promise<void> {
    if (this.state === 'speaking') {
      this.interrupt();
      return Promise.resolve();
    }
    return this.talkHotkey();
  }

  setMuted(muted: boolean): void {
    if (muted === this.mutedFlag) return;
    this.mutedFlag = muted;
    this.assistant?.setMuted(muted);
    // Every window shows the new state, whichever of them (or the tray, or a hotkey) changed it.
    this.emit({ type: 'muted', muted });
    this.notice(mainSaid(muted ? 'main.notice.muted' : 'main.notice.unmuted'));
  }

  async updateSettings(patch: SettingsPatch): Promise<SettingsResult> {
    let next: Settings;
    try {
      next = applySettingsPatch(this.stored, patch);
    } catch (error) {
      if (error instanceof SettingsError) return { ok: false, problems: error.problems.map(({ path, problem }) => ({ path, said: problem })) };
      throw error;
    }
    this.settingsStore.save(next);
    this.stored = next;
    this.secrets.pruneMcpHeaders(next.tools.mcpServers);
    await this.reapply();
    return { ok: true, view: this.view() };
  }

  async setApiKey(key: string | null): Promise<{ hasApiKey: boolean }> {
    const notice = this.secrets.set(key);
    if (notice) this.notice(notice);
    await this.reapply();
    return { hasApiKey: this.credentials.apiKey !== undefined };
  }

  /**
   * Write-only: an MCP server's header value (null clears it). Only for a header the saved settings
   * name, so no value is kept that no server would send. `set`: whether it has a value now.
   */
  async setMcpHeader(label: string, header: string, value: string | null): Promise<{ set: boolean }> {
    const server = this.stored.tools.mcpServers.find((s) => s.label === label);
    if (!server?.headerNames.includes(header)) {
      this.options.log(`settings: refused a value for MCP header ${header} of ${label}: no such header in the settings`);
      return { set: false };
    }
    const notice = this.secrets.setMcpHeader(label, header, value);
    if (notice) this.notice(notice);
    await this.reapply();
    return { set: this.secrets.mcpHeadersSet([server])[label]?.includes(header) ?? false };
  }

  /** The browser sign-in; once signed in, the conversation restarts with its tokens. */
  async signInAzure(): Promise<AzureSignInResult> {
    const result = await this.azureSignIn.signIn(this.effective.azure);
    if (!result.signedIn) this.options.log(`azure sign-in: ${englishOf(result.problem!)}`);
    await this.reapply();
    return result;
  }

  async dispose(): Promise<void> {
    await this.serve.stop();
    await this.stop();
    // Its timers and open consent questions end with it (the windows hear each question settled).
    await this.assistant?.dispose();
    this.unsubscribeAssistant?.();
    this.assistant = undefined;
    this.consent.clear();
    const simulator = this.simulator;
    this.simulator = undefined;
    if (simulator) await simulator.then((s) => s.close()).catch(() => undefined);
    this.conversations.end();
  }

  // ---- internals ----

  private serialise(action: () => Promise<void>): Promise<void> {
    const run = this.lifecycle.then(action, action);
    this.lifecycle = run.catch(() => undefined);
    return run;
  }

  private async doStart(): Promise<void> {
    if (this.running) return;
    const assistant = await this.ensureAssistant();
    this.conversations.begin();
    this.talking = false;
    try {
      await assistant.start();
    } catch (error) {
      // The assistant has emitted the error event (state `error`); the log keeps one line.
      this.options.log(`assistant: start failed: ${redact((error as Error).message, this.secretValues())}`);
    }
  }

  /** The assistant, its conversation started first if none runs (after earlier lifecycle actions). A failed start has said why. */
  private async ensureStarted(): Promise<Assistant> {
    await this.serialise(async () => {
      if (!this.running) await this.doStart();
    });
    return this.ensureAssistant();
  }

  private async doStop(): Promise<void> {
    this.talking = false;
    await this.assistant?.stop();
    this.conversations.end();
  }

  private async ensureAssistant(): Promise<Assistant> {
    if (this.assistant) return this.assistant;
    const localUrl = this.effective.provider === 'local' && !this.effective.url ? await this.localUrl() : undefined;
    const devices = await (this.options.devices ?? createAudioDevices)(this.effective);
    if (devices.notes && !this.deviceNoteShown) {
      this.deviceNoteShown = true;
      for (const note of devices.notes) this.notice(note);
    }
    const assistant = new Assistant({
      settings: this.effective,
      credentials: this.credentials,
      input: devices.input,
      output: devices.output,
      ...(localUrl ? { localUrl } : {}),
      ...(this.options.toolHost ? { toolHost: this.options.toolHost } : {}),
      // "Always allow": the engine grew `tools.alwaysAllow`; it is kept with the stored settings.
      onSettingsChange: (changed) => void this.keepAlwaysAllow(changed.tools.alwaysAllow),
      log: (line: string) => this.options.log(redact(line, this.secretValues())),
    });
    assistant.setMuted(this.mutedFlag);
    this.unsubscribeAssistant = assistant.subscribe((event: AssistantEvent) => this.emit(event));
    this.assistant = assistant;
    return assistant;
  }

  private async keepAlwaysAllow(alwaysAllow: string[]): Promise<void> {
    const result = await this.updateSettings({ tools: { alwaysAllow } });
    if (!result.ok) this.options.log(`settings: could not keep "always allow": ${result.problems.map((p) => p.path).join(', ')}`);
  }

  /** The in-process simulator (provider 'local'), started on first use and shared by the assistant and the endpoint. */
  private async localUrl(): Promise<string | undefined> {
    this.simulator ??= startSimulator({ port: 0, record: false });
    try {
      return (await this.simulator).url;
    } catch (error) {
      this.simulator = undefined;
      this.options.log(`simulator: failed to start: ${(error as Error).message}`);
      return undefined;
    }
  }

  /** Recomputes the effective settings after a change and restarts or updates the assistant. */
  private async reapply(): Promise<void> {
    const before = { settings: this.effective, credentials: JSON.stringify(this.credentials), tokens: this.credentials.azureTokens };
    for (const notice of this.computeEffective()) this.notice(notice);
    for (const notice of this.onSettingsApplied(this.effective)) this.notice(notice);
    const restart =
      before.credentials !== JSON.stringify(this.credentials) ||
      before.tokens !== this.credentials.azureTokens ||
      RESTART_FIELDS.some((field) => JSON.stringify(before.settings[field]) !== JSON.stringify(this.effective[field]));
    if (restart) {
      await this.serialise(async () => {
        const assistant = this.assistant;
        if (!assistant) return;
        const wasRunning = this.running;
        await this.doStop();
        await assistant.dispose();
        this.unsubscribeAssistant?.();
        this.assistant = undefined;
        this.consent.clear();
        if (wasRunning) await this.doStart();
      });
    } else {
      this.assistant?.updateSettings(this.effective);
    }
    await this.applyServe();
  }

  private publish(): void {
    const view = this.view();
    for (const listener of this.settingsListeners) listener(view);
  }

  private computeEffective(): MainSaid[] {
    const apiKey = this.secrets.apiKey;
    const mcpHeaders = this.secrets.mcpHeaders;
    const stored: Credentials = { ...(apiKey ? { apiKey } : {}), ...(Object.keys(mcpHeaders).length > 0 ? { mcpHeaders } : {}) };
    try {
      const { settings, credentials, overrides } = applyEnvironment(this.stored, stored, this.options.env);
      this.effective = settings;
      this.credentials = this.withSignIn(credentials);
      this.envOverrides = overrides;
      this.followLanguage();
      return [];
    } catch (error) {
      this.effective = this.stored;
      this.credentials = this.withSignIn(stored);
      this.envOverrides = [];
      this.followLanguage();
      return [mainSaid('main.notice.envIgnored', { why: error instanceof SettingsError ? error.said : (error as Error).message })];
    }
  }

  /** The window's sign-in, when it was made with the tenant and client id set now. */
  private withSignIn(credentials: Credentials): Credentials {
    const azureTokens = this.azureSignIn.tokensFor(this.effective.azure);
    return azureTokens ? { ...credentials, azureTokens } : credentials;
  }

  private followLanguage(): void {
    if (this.i18n.language !== this.language) void this.i18n.changeLanguage(this.language);
  }

  private emit(event: AssistantEvent): void {
    const safe = this.sanitise(event);
    this.consent.observe(safe);
    this.record(safe);
    for (const listener of this.eventListeners) {
      try {
        listener(safe);
      } catch (error) {
        this.options.log(`event listener failed: ${(error as Error).message}`);
      }
    }
  }

  /** Every secret main holds now (the API key, MCP header values): never in a log line or an event. */
  private secretValues(): string[] {
    const { apiKey, mcpHeaders } = this.credentials;
    return [...(apiKey ? [apiKey] : []), ...Object.values(mcpHeaders ?? {}).flatMap((headers) => Object.values(headers))];
  }

  /**
   * Defence in depth: no event leaves main with a secret in it. Notices and errors may quote what a
   * server said; tool activity what a tool or an MCP server returned.
   */
  private sanitise(event: AssistantEvent): AssistantEvent {
    const secrets = this.secretValues().filter((s) => s.length >= 4);
    if (secrets.length === 0 || event.type === 'levels') return event;
    return redactStrings(event, secrets);
  }

  private record(event: AssistantEvent): void {
    try {
      this.conversations.record(event);
    } catch (error) {
      this.options.log(`conversation log: ${(error as Error).message}`);
    }
  }

}
