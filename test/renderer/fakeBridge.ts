/**
 * A scripted stand-in for the preload's `window.kaiwa`: records every call, answers from a script,
 * and lets a test push events the way main would.
 */
import type {
  AssistantEvent,
  AssistantState,
  AzureSignInResult,
  ConsentAnswer,
  ConversationEntry,
  ConversationSummary,
  DeviceInfo,
  KaiwaBridge,
  PictureOutcome,
  PictureUpload,
  PushChannels,
  SettingsPatch,
  SettingsResult,
  SettingsView,
  ShareSource,
  ShareStatus,
  UpdateStatus,
} from '../../src/shared/ipc';
import { DEFAULT_SETTINGS } from '../../src/engine/settings';
import { defaultView } from '../../harness/settings-view';

export interface Call {
  method: keyof KaiwaBridge;
  args: unknown[];
}

/**
 * The default view with a scripted short voice list and an interrupt hotkey that failed to
 * register, so that tests see both kinds of hotkey status.
 */
export function settingsView(overrides: Partial<SettingsView> = {}): SettingsView {
  return defaultView({
    options: {
      ...defaultView().options,
      voices: ['alloy', 'marin', 'verse'],
      voicesByProtocol: { realtime: ['alloy', 'marin', 'verse'], live: ['alloy', 'harema', 'marin', 'shida', 'verse'] },
    },
    hotkeys: [
      { action: 'talk', accelerator: DEFAULT_SETTINGS.hotkeys.talk, registered: true },
      { action: 'interrupt', accelerator: DEFAULT_SETTINGS.hotkeys.interrupt, registered: false, error: 'taken by another app' },
    ],
    ...overrides,
  });
}

export class FakeBridge implements KaiwaBridge {
  readonly calls: Call[] = [];
  state: AssistantState = 'idle';
  muted = false;
  view: SettingsView = settingsView();
  devices: { inputs: DeviceInfo[]; outputs: DeviceInfo[] } = {
    inputs: [
      { id: 'mic-1', name: 'Desk microphone', isDefault: true },
      { id: 'mic-2', name: 'Headset microphone', isDefault: false },
    ],
    outputs: [{ id: 'spk-1', name: 'Speakers', isDefault: true }],
  };
  conversations: ConversationSummary[] = [];
  entries: Record<string, ConversationEntry[]> = {};
  /** What `updateSettings` answers; by default it accepts the patch, as main would. */
  updateAnswer: (patch: SettingsPatch) => SettingsResult = (patch) => {
    const settings = { ...this.view.settings } as Record<string, unknown>;
    for (const [key, value] of Object.entries(patch)) {
      const current = settings[key];
      settings[key] = value && typeof value === 'object' && current && typeof current === 'object' ? { ...current, ...value } : value;
    }
    this.view = { ...this.view, settings: settings as SettingsView['settings'] };
    return { ok: true, view: this.view };
  };

  /** What `sendText` answers (main accepts unless the engine refused). */
  textAccepted = true;
  /** What `showPicture` answers. */
  pictureOutcome: PictureOutcome = { status: 'unchanged' };
  /** What the share picker lists. */
  shareSources: ShareSource[] = [];

  private eventListeners = new Set<(events: AssistantEvent[]) => void>();
  private shareListeners = new Set<(status: ShareStatus) => void>();
  private settingsListeners = new Set<(view: SettingsView) => void>();
  private navigateListeners = new Set<(view: PushChannels['app:navigate']) => void>();
  private updateListeners = new Set<(status: UpdateStatus) => void>();
  /** The updater as main would report it: an installed AppImage, checked, nothing new. */
  updateStatus: UpdateStatus = { version: '0.1.0', mode: 'self', enabled: true, phase: 'idle', canRestart: false };

  private record(method: keyof KaiwaBridge, args: unknown[]): void {
    this.calls.push({ method, args });
  }

  callsOf(method: keyof KaiwaBridge): unknown[][] {
    return this.calls.filter((c) => c.method === method).map((c) => c.args);
  }

  /** Delivers a batch as main would (a structured clone, like IPC). */
  push(events: AssistantEvent[]): void {
    for (const listener of this.eventListeners) listener(structuredClone(events));
  }

  /** The updater's state changes, as main would push it. */
  pushUpdate(status: UpdateStatus): void {
    this.updateStatus = status;
    for (const listener of this.updateListeners) listener(structuredClone(status));
  }

  navigate(view: PushChannels['app:navigate']): void {
    for (const listener of this.navigateListeners) listener(view);
  }

  get listenerCount(): number {
    return this.eventListeners.size;
  }

  async start() { this.record('start', []); }
  async stop() { this.record('stop', []); }
  async toggle() { this.record('toggle', []); }
  async interrupt() { this.record('interrupt', []); }
  async talkStart() { this.record('talkStart', []); }
  async talkStop() { this.record('talkStop', []); }
  async setMuted(muted: boolean) {
    this.record('setMuted', [muted]);
    this.muted = muted;
  }
  async getState() {
    this.record('getState', []);
    return { state: this.state, muted: this.muted };
  }
  async getSettings() {
    this.record('getSettings', []);
    return this.view;
  }
  async updateSettings(patch: SettingsPatch) {
    this.record('updateSettings', [patch]);
    return this.updateAnswer(patch);
  }
  async setApiKey(key: string | null) {
    this.record('setApiKey', [key]);
    this.view = { ...this.view, hasApiKey: key !== null };
    return { hasApiKey: key !== null };
  }
  async listDevices() {
    this.record('listDevices', []);
    return this.devices;
  }
  async listConversations() {
    this.record('listConversations', []);
    return this.conversations;
  }
  async openConversation(id: string) {
    this.record('openConversation', [id]);
    return this.entries[id] ?? [];
  }
  async hideWindow() { this.record('hideWindow', []); }
  /** The endpoint's token as main would keep it: `newServeToken` replaces it. */
  serveToken = 'fake-serve-token-0001';
  async revealServeToken() {
    this.record('revealServeToken', []);
    return this.serveToken;
  }
  async copyServeToken() { this.record('copyServeToken', []); }
  async newServeToken() {
    this.record('newServeToken', []);
    this.serveToken = `fake-serve-token-${String(this.calls.length).padStart(4, '0')}`;
  }
  /** The consent questions main would take an answer for (the tests open and settle them). */
  openConsent = new Set<string>();
  async answerConsent(id: string, answer: ConsentAnswer) {
    this.record('answerConsent', [id, answer]);
    const accepted = this.openConsent.delete(id);
    return { accepted };
  }
  /** Header values as main would keep them: the renderer never reads these back (tests assert on them). */
  readonly mcpHeaderValues = new Map<string, string>();
  async setMcpHeader(label: string, header: string, value: string | null) {
    this.record('setMcpHeader', [label, header, value]);
    const known = this.view.settings.tools.mcpServers.some((s) => s.label === label && s.headerNames.includes(header));
    if (!known) return { set: false };
    if (value === null) this.mcpHeaderValues.delete(`${label}/${header}`);
    else this.mcpHeaderValues.set(`${label}/${header}`, value);
    return { set: value !== null };
  }
  async sendText(text: string) {
    this.record('sendText', [text]);
    return { accepted: this.textAccepted };
  }
  async showPicture(picture: PictureUpload) {
    this.record('showPicture', [picture]);
    return this.pictureOutcome;
  }
  async listShareSources() {
    this.record('listShareSources', []);
    return this.shareSources;
  }
  async startSharing(id: string) {
    this.record('startSharing', [id]);
    const source = this.shareSources.find((s) => s.id === id);
    const status: ShareStatus = source ? { sharing: true, sourceName: source.name } : { sharing: false };
    this.pushShare(status);
    return status;
  }
  async stopSharing() {
    this.record('stopSharing', []);
    this.pushShare({ sharing: false });
  }
  async lookOnce() {
    this.record('lookOnce', []);
  }
  /** What Sign in answers; a signed-in answer also shows in the view, as main's would. */
  signInAnswer: AzureSignInResult = { signedIn: true, account: 'aiko@contoso.example' };
  async signInAzure() {
    this.record('signInAzure', []);
    const { signedIn, account } = this.signInAnswer;
    if (signedIn) this.view = { ...this.view, azureSignIn: { signedIn, ...(account ? { account } : {}) } };
    return this.signInAnswer;
  }
  /** Main says sharing started or stopped. */
  pushShare(status: ShareStatus): void {
    for (const listener of this.shareListeners) listener(structuredClone(status));
  }
  onShareStatus(listener: (status: ShareStatus) => void) {
    this.shareListeners.add(listener);
    return () => void this.shareListeners.delete(listener);
  }
  async getUpdateStatus() {
    this.record('getUpdateStatus', []);
    return this.updateStatus;
  }
  async checkForUpdates() { this.record('checkForUpdates', []); }
  async restartToUpdate() { this.record('restartToUpdate', []); }
  async openUpdateDownload() { this.record('openUpdateDownload', []); }
  onUpdateStatus(listener: (status: UpdateStatus) => void) {
    this.updateListeners.add(listener);
    return () => void this.updateListeners.delete(listener);
  }
  onEvents(listener: (events: AssistantEvent[]) => void) {
    this.eventListeners.add(listener);
    return () => void this.eventListeners.delete(listener);
  }
  onSettingsChanged(listener: (view: SettingsView) => void) {
    this.settingsListeners.add(listener);
    return () => void this.settingsListeners.delete(listener);
  }
  onNavigate(listener: (view: PushChannels['app:navigate']) => void) {
    this.navigateListeners.add(listener);
    return () => void this.navigateListeners.delete(listener);
  }
}
