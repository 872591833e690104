/**
 * The IPC contract between main, preload and renderer (after electron/fiddle's ipc-events.ts).
 *
 * `IPC_CONTRACT` declares every channel once; the rest is derived from it:
 * - `InvokeChannels`: renderer -> main requests, each with its argument and result types. Main
 *   validates every argument (zod, in src/main) and checks that the sender is our own frame before acting.
 * - `PushChannels`: main -> renderer messages.
 * - `KaiwaBridge`: what the preload exposes as `window.kaiwa`: one method per channel, nothing else.
 *
 * Types only come from the engine (erased at build time): the renderer bundle never contains engine
 * code, and the engine's vocabulary is written once.
 */
import type { AssistantEvent, AssistantState, ErrorCode, NoticeSaid, Said } from '../engine/events';
import type { Protocol, Settings } from '../engine/settings';
import type { ConversationEntry } from '../engine/conversation-log/entry';
import type { EngineMessage } from '../engine/messages';
import type { ConsentAnswer, ToolOutcome } from '../engine/tools/types';
import type { PictureOutcome, PictureSummary } from '../engine/input/types';

/** `ConversationEntry`: one line of a saved conversation, in the format the CLI's transcript shares. */
export type { AssistantEvent, AssistantState, ConsentAnswer, ConversationEntry, ErrorCode, NoticeSaid, PictureOutcome, PictureSummary, Protocol, Said, Settings, ToolOutcome };

/**
 * What the renderer may change: any part of the settings, sections in part too (`{ hotkeys: { talk } }`).
 * A key given as `undefined` clears an optional field. The API key is not here: it has its own
 * write-only channel. Main derives the schema that checks it from the Settings schema.
 */
export type SettingsPatch = PatchOf<Settings>;
type PatchOf<T> = { [K in keyof T]?: T[K] extends Record<string, unknown> ? PatchOf<T[K]> : T[K] };

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
  noiseReductions: readonly Settings['noiseReduction'][];
  mcpApprovals: readonly Settings['tools']['mcpServers'][number]['requireApproval'][];
  /** Azure: the resource's key, or Microsoft Entra ID. */
  azureAuths: readonly Settings['azure']['auth'][];
  updateChannels: readonly Settings['updates']['channel'][];
  /** Kaiwa's built-in tools (the engine's registry), each to be turned on or off. */
  tools: readonly ToolChoice[];
}

/** A built-in tool as the settings screen lists it; its words are the catalogue's `tool.NAME.*`. */
export interface ToolChoice {
  name: string;
  /** It asks before it acts (reads private data or acts outside Kaiwa). */
  needsConsent: boolean;
}

export interface DeviceInfo {
  id: string;
  name: string;
  isDefault: boolean;
}

export interface HotkeyStatus {
  /** 'media': the play/pause key (setting hotkeys.mediaKey); 'look': "look at this" (hotkeys.look). */
  action: 'talk' | 'interrupt' | 'media' | 'look';
  accelerator: string;
  registered: boolean;
  /** Why it failed, in words (taken by another app, unsupported on Wayland...). */
  error?: string;
  /** Talk, where hold-to-talk applies (manual turns): whether the key is followed down and up. */
  hold?: boolean;
  /** Talk: why hold-to-talk fell back to the toggle, in words. */
  holdError?: string;
}

/** The voice endpoint inside the app (setting `serve`): where it answers, or why it does not. */
export interface ServeStatus {
  running: boolean;
  /** The full address to POST a recording to, while it runs. */
  url?: string;
  /** Why it is not running although enabled (port in use...), in words. */
  problem?: string;
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
  /** The endpoint's state, and whether its token is kept in the keychain (false: this session only). The token itself is not here. */
  serve: ServeStatus & { tokenSaved: boolean };
  /** MCP servers' headers that have a value (server label -> header names): all the window learns of the values. */
  mcpHeadersSet: Record<string, string[]>;
  /** Whether the conversation can take pictures (Realtime GA; GPT-Live with tools on): the window says why not. */
  picturesSupported: boolean;
  /** The window's Microsoft Entra sign-in (azure.auth `entra`) for the tenant and client id set now; the token never leaves main. */
  azureSignIn: { signedIn: boolean; account?: string };
}

/** How Sign in went: the account signed in, or what went wrong in one line (by key). */
export interface AzureSignInResult {
  signedIn: boolean;
  account?: string;
  problem?: NoticeSaid;
}

/** One thing wrong with a settings patch: the setting's path and what is wrong, by catalogue key (the form puts it into words). */
export interface SettingsProblem {
  path: string;
  said: EngineMessage;
}

export type SettingsResult = { ok: true; view: SettingsView } | { ok: false; problems: SettingsProblem[] };

export interface ConversationSummary {
  id: string;
  startedAt: string;
  /** The first words said, shortened; empty when nothing was said (the window names it "untitled"). */
  title: string;
  turns: number;
}

/** A screen or window the share picker offers (Kaiwa's own windows are never among them). */
export interface ShareSource {
  /** desktopCapturer's media source id (`screen:…`, `window:…`). */
  id: string;
  name: string;
  kind: 'screen' | 'window';
  /** A small JPEG data URL; empty when the system gave none. */
  thumbnail: string;
}

/** A picture the window hands over (dropped or pasted): its encoded bytes, any format the engine reads. */
export interface PictureUpload {
  data: Uint8Array;
  source: 'paste' | 'drop';
  /** The file's name, when it had one. */
  name?: string;
}

/**
 * The most picture bytes one call carries (a bound for the trip; the engine's own limit is lower
 * and says so in words). The window checks a file's size against it before reading the file.
 */
export const MAX_PICTURE_UPLOAD_BYTES = 64 * 1024 * 1024;

/** Whether a screen or window is being shared now: every window shows it the whole time. */
export interface ShareStatus {
  sharing: boolean;
  sourceName?: string;
}

/** How this copy of Kaiwa updates: by itself (AppImage, Windows installer, macOS), by telling the user (a .deb), or not at all (a development run, other packages). */
export type UpdateMode = 'self' | 'notify' | 'none';
/** Why the last check or download failed, for the words "last check failed: …". */
export type UpdateProblem = 'network' | 'feed' | 'hash' | 'signature' | 'other';
/** Release notes by language (`any`: notes that are not split by language; see README "Release notes"). Plain text. */
export interface ReleaseNotes {
  en?: string;
  ja?: string;
  any?: string;
}

/** The updater as the window sees it. No URL: the download link is opened by main (`openUpdateDownload`). */
export interface UpdateStatus {
  /** The running version. */
  version: string;
  mode: UpdateMode;
  /** The setting `updates.enabled` (and a mode other than 'none'). */
  enabled: boolean;
  /** 'ready': downloaded and verified, installed on quit; 'available': found, this install cannot take it by itself. */
  phase: 'idle' | 'checking' | 'downloading' | 'ready' | 'available';
  /** The version found, its notes, and how much of it is downloaded (0-100). */
  next?: { version: string; notes: ReleaseNotes; percent?: number };
  /** When the last check ended (ISO time), and why it failed if it did. */
  lastCheck?: { at: string; problem?: UpdateProblem };
  /** "Restart to update" waits until the conversation ends. */
  canRestart: boolean;
}

/** A renderer -> main request (ipcRenderer.invoke / ipcMain.handle) made by the bridge method `M`. */
export interface Request<M extends string, Args extends unknown[], Result> {
  readonly kind: 'invoke';
  readonly method: M;
  /** Never set: it carries the argument and result types. */
  readonly signature?: (...args: Args) => Result;
}

/** A main -> renderer message (webContents.send / ipcRenderer.on), subscribed to by the bridge method `M`. */
export interface Push<M extends string, Payload> {
  readonly kind: 'push';
  readonly method: M;
  /** Never set: it carries the payload type. */
  readonly payload?: Payload;
}

// TypeScript cannot take some type arguments and infer the others: the types come first, then the
// method name (kept as its literal type).
const request =
  <Args extends unknown[] = [], Result = void>() =>
  <M extends string>(method: M): Request<M, Args, Result> => ({ kind: 'invoke', method });
const push =
  <Payload>() =>
  <M extends string>(method: M): Push<M, Payload> => ({ kind: 'push', method });

export type View = 'conversation' | 'settings' | 'history';

/**
 * The contract, and the only place a channel is declared: its name, the `window.kaiwa` method that
 * uses it, its direction and its types. The preload is generated from it; main registers a handler
 * and an argument schema for each request (src/main/ipc.ts, ipc-schemas.ts; the types demand all).
 */
export const IPC_CONTRACT = {
  'assistant:start': request()('start'),
  'assistant:stop': request()('stop'),
  'assistant:toggle': request()('toggle'),
  'assistant:interrupt': request()('interrupt'),
  /** Push-to-talk (turn detection `manual`): press and release. */
  'assistant:talk-start': request()('talkStart'),
  'assistant:talk-stop': request()('talkStop'),
  'assistant:set-muted': request<[muted: boolean]>()('setMuted'),
  'assistant:get-state': request<[], { state: AssistantState; muted: boolean }>()('getState'),
  'settings:get': request<[], SettingsView>()('getSettings'),
  'settings:update': request<[patch: SettingsPatch], SettingsResult>()('updateSettings'),
  /** Write-only: null clears the stored key. */
  'settings:set-api-key': request<[key: string | null], { hasApiKey: boolean }>()('setApiKey'),
  'devices:list': request<[], { inputs: DeviceInfo[]; outputs: DeviceInfo[] }>()('listDevices'),
  'conversations:list': request<[], ConversationSummary[]>()('listConversations'),
  'conversations:open': request<[id: string], ConversationEntry[]>()('openConversation'),
  'window:hide': request()('hideWindow'),
  /** The voice endpoint's bearer token (made on first use): only when the user asks to see it. */
  'serve:reveal-token': request<[], string>()('revealServeToken'),
  /** Copies the token to the clipboard in main; the window never holds it. */
  'serve:copy-token': request()('copyServeToken'),
  /** A new token: the old one stops working at once. */
  'serve:new-token': request()('newServeToken'),
  /**
   * The user's answer to a `consent.request` (it came with the events). `accepted` is false when
   * the question is no longer open (answered elsewhere, timed out, or never asked).
   */
  'consent:answer': request<[id: string, answer: ConsentAnswer], { accepted: boolean }>()('answerConsent'),
  /** Write-only, like the API key: an MCP server's header value (null clears it). The window learns only whether it is set. */
  'settings:set-mcp-header': request<[label: string, header: string, value: string | null], { set: boolean }>()('setMcpHeader'),
  /** Typed words: a user turn of the running conversation (one is started if none runs); a playing reply is interrupted first. */
  'assistant:send-text': request<[text: string], { accepted: boolean }>()('sendText'),
  /** A dropped or pasted picture into the conversation (one is started if none runs). */
  'picture:show': request<[picture: PictureUpload], PictureOutcome>()('showPicture'),
  /** The screens and windows that may be shared, Kaiwa's own left out. */
  'share:sources': request<[], ShareSource[]>()('listShareSources'),
  /** Shares a source the last list offered: its first frame goes at once, then one with each new turn. */
  'share:start': request<[sourceId: string], ShareStatus>()('startSharing'),
  'share:stop': request()('stopSharing'),
  /** "Look at this" once: the active window or the screen (setting pictures.lookTarget). */
  'share:look': request()('lookOnce'),
  'updates:get': request<[], UpdateStatus>()('getUpdateStatus'),
  /** "Check now": a check at once, whatever the schedule. */
  'updates:check': request()('checkForUpdates'),
  /** Installs the downloaded update and starts the new version; refused while a conversation runs. */
  'updates:restart': request()('restartToUpdate'),
  /** A .deb install: main opens the new version's download link (the window never holds it). */
  'updates:open-download': request()('openUpdateDownload'),
  /** Microsoft Entra sign-in in the system browser (azure.auth `entra`, Settings' tenant and client id). */
  'azure:sign-in': request<[], AzureSignInResult>()('signInAzure'),
  /** Engine events, batched: levels at most 60 Hz, everything else as it happens. */
  'assistant:events': push<AssistantEvent[]>()('onEvents'),
  /** Settings changed from elsewhere (tray, another window, hotkey registration). */
  'settings:changed': push<SettingsView>()('onSettingsChanged'),
  /** Sharing started or stopped (also sent to a window when its page loads). */
  'share:status': push<ShareStatus>()('onShareStatus'),
  'updates:changed': push<UpdateStatus>()('onUpdateStatus'),
  /** Which view a window should show (e.g. the tray opens settings). */
  'app:navigate': push<View>()('onNavigate'),
} as const;

type Contract = typeof IPC_CONTRACT;
type Channel = keyof Contract;

export type InvokeChannel = { [C in Channel]: Contract[C] extends { kind: 'invoke' } ? C : never }[Channel];
export type PushChannel = Exclude<Channel, InvokeChannel>;

/** Each request's argument and result types. */
export type InvokeChannels = {
  [C in InvokeChannel]: Contract[C] extends Request<string, infer Args, infer Result> ? { args: Args; result: Result } : never;
};
/** Each push message's payload type. */
export type PushChannels = { [C in PushChannel]: Contract[C] extends Push<string, infer Payload> ? Payload : never };

type Unsubscribe = () => void;
type BridgeMethod<S> =
  S extends Request<string, infer Args, infer Result>
    ? (...args: Args) => Promise<Result>
    : S extends Push<string, infer Payload>
      ? (listener: (payload: Payload) => void) => Unsubscribe
      : never;

/** `window.kaiwa`: exactly one method per channel (an invoke per request, a subscription per push). */
export type KaiwaBridge = { [C in Channel as Contract[C]['method']]: BridgeMethod<Contract[C]> };

const channels = Object.keys(IPC_CONTRACT) as Channel[];
export const INVOKE_CHANNELS: readonly InvokeChannel[] = channels.filter((c): c is InvokeChannel => IPC_CONTRACT[c].kind === 'invoke');
export const PUSH_CHANNELS: readonly PushChannel[] = channels.filter((c): c is PushChannel => IPC_CONTRACT[c].kind === 'push');

/** Which channel each bridge method uses (derived from the contract; tests check the preload with it). */
export const BRIDGE_METHODS = Object.fromEntries(channels.map((c) => [IPC_CONTRACT[c].method, c])) as {
  [C in Channel as Contract[C]['method']]: C;
};

declare global {
  interface Window {
    kaiwa: KaiwaBridge;
  }
}
