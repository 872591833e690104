/**
 * The IPC contract between main, preload and renderer (after electron/fiddle's ipc-events.ts).
 *
 * - `InvokeChannels`: renderer -> main requests (ipcRenderer.invoke / ipcMain.handle), each with its
 *   argument and result types. Main validates every argument (zod, in src/main) and checks that the
 *   sender is our own frame before acting.
 * - `PushChannels`: main -> renderer messages (webContents.send / ipcRenderer.on).
 * - `KaiwaBridge`: what the preload exposes as `window.kaiwa`: one method per channel, nothing else.
 *
 * Types only come from the engine (erased at build time): the renderer bundle never contains engine
 * code, and the engine's vocabulary is written once.
 */
import type { AssistantEvent, AssistantState, ErrorCode } from '../engine/events';
import type { Protocol, Settings } from '../engine/settings';

export type { AssistantEvent, AssistantState, ErrorCode, Protocol, Settings };

/** What the renderer may change. The API key is not here: it has its own write-only channel. */
export type SettingsPatch = Partial<Omit<Settings, 'azure' | 'turnDetection' | 'interruption' | 'hotkeys'>> & {
  azure?: Partial<Settings['azure']>;
  turnDetection?: Partial<Settings['turnDetection']>;
  interruption?: Partial<Settings['interruption']>;
  hotkeys?: Partial<Settings['hotkeys']>;
};

export interface SettingsOptions {
  providers: readonly string[];
  voices: readonly string[];
  turnDetectionModes: readonly string[];
  interruptionModes: readonly string[];
  dialects: readonly string[];
  protocols: readonly string[];
  /** The built-in voices of each protocol (`voicesFor`): the form offers those of the protocol chosen. */
  voicesByProtocol: Record<Protocol, readonly string[]>;
  /** GPT-Live voices made for Japanese: offered first when the language is Japanese. */
  japaneseVoices: readonly string[];
  /** Kaiwa's own languages (the `language` setting). */
  languages: readonly string[];
}

export interface DeviceInfo {
  id: string;
  name: string;
  isDefault: boolean;
}

export interface HotkeyStatus {
  action: 'talk' | 'interrupt';
  accelerator: string;
  registered: boolean;
  /** Why it failed, in words (taken by another app, unsupported on Wayland...). */
  error?: string;
}

/** Everything the settings screen needs. `hasApiKey` is all the renderer ever learns of the key. */
export interface SettingsView {
  settings: Settings;
  /** The protocol the settings resolve to (`resolveProtocol`: 'auto' follows the model). */
  protocol: Protocol;
  hasApiKey: boolean;
  /** Settings forced by environment variables (shown read-only). */
  envOverrides: string[];
  options: SettingsOptions;
  hotkeys: HotkeyStatus[];
}

export type SettingsResult = { ok: true; view: SettingsView } | { ok: false; errors: string[] };

export interface ConversationSummary {
  id: string;
  startedAt: string;
  title: string;
  turns: number;
}

/** One line of a saved conversation (JSONL). */
export type ConversationEntry =
  | { kind: 'transcript'; at: string; speaker: 'user' | 'assistant'; itemId: string; text: string; interruptedAtMs?: number }
  | { kind: 'interrupted'; at: string; itemId: string; playedMs: number; receivedMs: number }
  | { kind: 'error'; at: string; code: ErrorCode; message: string };

export interface InvokeChannels {
  'assistant:start': { args: []; result: void };
  'assistant:stop': { args: []; result: void };
  'assistant:toggle': { args: []; result: void };
  'assistant:interrupt': { args: []; result: void };
  /** Push-to-talk (turn detection `manual`): press and release. */
  'assistant:talk-start': { args: []; result: void };
  'assistant:talk-stop': { args: []; result: void };
  'assistant:set-muted': { args: [muted: boolean]; result: void };
  'assistant:get-state': { args: []; result: { state: AssistantState; muted: boolean } };
  'settings:get': { args: []; result: SettingsView };
  'settings:update': { args: [patch: SettingsPatch]; result: SettingsResult };
  /** Write-only: null clears the stored key. */
  'settings:set-api-key': { args: [key: string | null]; result: { hasApiKey: boolean } };
  'devices:list': { args: []; result: { inputs: DeviceInfo[]; outputs: DeviceInfo[] } };
  'conversations:list': { args: []; result: ConversationSummary[] };
  'conversations:open': { args: [id: string]; result: ConversationEntry[] };
  'window:hide': { args: []; result: void };
}

export type InvokeChannel = keyof InvokeChannels;

export interface PushChannels {
  /** Engine events, batched: levels at most 60 Hz, everything else as it happens. */
  'assistant:events': AssistantEvent[];
  /** Settings changed from elsewhere (tray, another window, hotkey registration). */
  'settings:changed': SettingsView;
  /** Which view a window should show (e.g. the tray opens settings). */
  'app:navigate': 'conversation' | 'settings' | 'history';
}

export type PushChannel = keyof PushChannels;

export const INVOKE_CHANNELS = [
  'assistant:start',
  'assistant:stop',
  'assistant:toggle',
  'assistant:interrupt',
  'assistant:talk-start',
  'assistant:talk-stop',
  'assistant:set-muted',
  'assistant:get-state',
  'settings:get',
  'settings:update',
  'settings:set-api-key',
  'devices:list',
  'conversations:list',
  'conversations:open',
  'window:hide',
] as const satisfies readonly InvokeChannel[];

export const PUSH_CHANNELS = ['assistant:events', 'settings:changed', 'app:navigate'] as const satisfies readonly PushChannel[];

type Unsubscribe = () => void;

/** `window.kaiwa`: exactly one method per channel. */
export interface KaiwaBridge {
  start(): Promise<void>;
  stop(): Promise<void>;
  toggle(): Promise<void>;
  interrupt(): Promise<void>;
  talkStart(): Promise<void>;
  talkStop(): Promise<void>;
  setMuted(muted: boolean): Promise<void>;
  getState(): Promise<{ state: AssistantState; muted: boolean }>;
  getSettings(): Promise<SettingsView>;
  updateSettings(patch: SettingsPatch): Promise<SettingsResult>;
  setApiKey(key: string | null): Promise<{ hasApiKey: boolean }>;
  listDevices(): Promise<{ inputs: DeviceInfo[]; outputs: DeviceInfo[] }>;
  listConversations(): Promise<ConversationSummary[]>;
  openConversation(id: string): Promise<ConversationEntry[]>;
  hideWindow(): Promise<void>;
  onEvents(listener: (events: AssistantEvent[]) => void): Unsubscribe;
  onSettingsChanged(listener: (view: SettingsView) => void): Unsubscribe;
  onNavigate(listener: (view: PushChannels['app:navigate']) => void): Unsubscribe;
}

/** Which channel each bridge method uses: the preload is generated from this, tests check it. */
export const BRIDGE_METHODS = {
  start: 'assistant:start',
  stop: 'assistant:stop',
  toggle: 'assistant:toggle',
  interrupt: 'assistant:interrupt',
  talkStart: 'assistant:talk-start',
  talkStop: 'assistant:talk-stop',
  setMuted: 'assistant:set-muted',
  getState: 'assistant:get-state',
  getSettings: 'settings:get',
  updateSettings: 'settings:update',
  setApiKey: 'settings:set-api-key',
  listDevices: 'devices:list',
  listConversations: 'conversations:list',
  openConversation: 'conversations:open',
  hideWindow: 'window:hide',
  onEvents: 'assistant:events',
  onSettingsChanged: 'settings:changed',
  onNavigate: 'app:navigate',
} as const satisfies Record<keyof KaiwaBridge, InvokeChannel | PushChannel>;

declare global {
  interface Window {
    kaiwa: KaiwaBridge;
  }
}
