import { z } from 'zod';
import { say, type EngineMessage } from './messages';
import type { AccessTokenSource } from './auth/token-source';

/**
 * Settings: one zod schema, its defaults, and the environment overrides. Front ends persist and
 * edit these; the engine reads them. Secrets (API keys) are *not* part of Settings: they travel
 * separately as `Credentials`, so a Settings object is always safe to show or store in clear.
 */

export const PROVIDERS = ['local', 'openai', 'azure', 'custom'] as const;
export const DIALECTS = ['ga', 'beta'] as const;
export const TURN_DETECTION_MODES = ['server_vad', 'semantic_vad', 'manual'] as const;
export const INTERRUPTION_MODES = ['immediate', 'pause-then-decide'] as const;
/**
 * The conversation protocol: the turn-based Realtime API or full-duplex GPT-Live. 'auto' follows
 * the model (see `resolveProtocol`).
 */
export const PROTOCOLS = ['auto', 'realtime', 'live'] as const;
export type Protocol = Exclude<(typeof PROTOCOLS)[number], 'auto'>;
/** The language Kaiwa speaks to the user in (its own words; the model follows the user). */
export const UI_LANGUAGES = ['system', 'en', 'ja'] as const;
/** Server-side input noise reduction (Realtime `audio.input.noise_reduction.type`; 'off' sends null). */
export const NOISE_REDUCTIONS = ['off', 'near_field', 'far_field'] as const;
/** How pictures go to the model (input/picture.ts). */
export const PICTURE_FORMATS = ['jpeg', 'webp'] as const;
/** What the desktop's look-at-this hotkey captures: the active window or the whole screen. */
export const LOOK_TARGETS = ['window', 'screen'] as const;
/** How Kaiwa authenticates to Azure OpenAI: the resource's key, or Microsoft Entra ID. */
export const AZURE_AUTHS = ['key', 'entra'] as const;
/** MCP servers' approval policy (Realtime GA `require_approval`). */
export const MCP_APPROVALS = ['always', 'never'] as const;
/** Release channels: 'beta' also takes pre-releases. */
export const UPDATE_CHANNELS = ['stable', 'beta'] as const;
/** An update feed is HTTPS; plain HTTP only on this machine (a feed served locally, or a test's). */
const FEED_URL = /^(https:\/\/|http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/|$))/;

/** Built-in voices of the Realtime API (the literal members of the `voice` union in `openai/resources/realtime`). */
export const REALTIME_VOICES = ['alloy', 'ash', 'ballad', 'cedar', 'coral', 'echo', 'marin', 'sage', 'shimmer', 'verse'] as const;
/**
 * Built-in voices of GPT-Live: `BuiltInVoice` of `openai/resources/live/live` (checked by a
 * type-level test) plus `harema`, a Japanese voice OpenAI lists for GPT-Live that the SDK's union
 * does not name yet (the wire field accepts any string).
 */
export const LIVE_VOICES = [
  'alloy', 'ash', 'ballad', 'beacon', 'bossa', 'cedar', 'cinder', 'coral', 'delta', 'echo', 'gleam', 'harema', 'marin',
  'meridian', 'quartz', 'ripple', 'sage', 'shida', 'shimmer', 'stone', 'tempo', 'verse', 'vesper', 'willow',
] as const;
/** GPT-Live voices made for Japanese: offered first when the language is Japanese. */
export const JAPANESE_LIVE_VOICES = ['harema', 'shida'] as const;
/** Every voice some protocol accepts; `voiceFor` picks the one the resolved protocol can use. */
export const VOICES = [...new Set([...REALTIME_VOICES, ...LIVE_VOICES])] as readonly string[];
export const DEFAULT_VOICE = 'marin';

/**
 * The problems this schema words itself (refinements), in English for logs and by key for people;
 * zod's own checks are keyed by their issue code (`settingProblem`).
 */
const OWN_PROBLEMS = {
  wsUrl: { english: 'must be a ws:// or wss:// URL', said: say('setting.notWsUrl') },
  voice: { english: `must be one of ${VOICES.join(', ')}`, said: say('setting.notOneOf', { values: VOICES.join(', ') }) },
  languageCode: { english: 'must be an ISO-639-1 language code such as ja or en', said: say('setting.notLanguageCode') },
  feedUrl: { english: 'must be an https:// URL (http:// only on 127.0.0.1)', said: say('setting.notFeedUrl') },
};

const hotkey = z.string().trim().min(1).max(64);

/**
 * Command-line metadata (zod meta), read by the CLI to make each setting a flag. 'flag' is the
 * catalogue key of the flag's help text, cli.flag.NAME, and NAME is the flag (cli.flag.vad-threshold
 * is --vad-threshold); false keeps a desktop-only setting off the command line; 'values' lists
 * what help shows for a free-form field. A setting without metadata still becomes a flag (its path
 * in kebab-case); the CLI's tests then ask for its help text.
 */
export type SettingFlagMeta = {
  flag: string | false;
  values?: readonly string[];
};
const flag = (key: string, values?: readonly string[]): SettingFlagMeta => (values ? { flag: key, values } : { flag: key });
const desktopOnly: SettingFlagMeta = { flag: false };

export const SettingsSchema = z.object({
  provider: z.enum(PROVIDERS).default('local').meta(flag('cli.flag.provider')),
  /** Custom provider: any Realtime-compatible ws:// or wss:// URL. */
  url: z.string().url().refine((u) => /^wss?:\/\//.test(u), OWN_PROBLEMS.wsUrl.english).optional().meta(flag('cli.flag.url')),
  /** Realtime only: the wire shape of the Realtime endpoint. */
  dialect: z.enum(DIALECTS).default('ga').meta(flag('cli.flag.dialect')),
  protocol: z.enum(PROTOCOLS).default('auto').meta(flag('cli.flag.protocol')),
  model: z.string().trim().min(1).max(128).default('gpt-realtime').meta(flag('cli.flag.model')),
  azure: z
    .object({
      /** e.g. https://my-resource.openai.azure.com */
      endpoint: z.string().url().optional().meta(flag('cli.flag.azure-endpoint')),
      deployment: z.string().trim().min(1).max(128).optional().meta(flag('cli.flag.azure-deployment')),
      /** Set for the preview (beta) endpoint `openai/realtime?api-version=...&deployment=...`. */
      apiVersion: z.string().trim().min(1).max(64).optional().meta(flag('cli.flag.azure-api-version')),
      /** `key`: the resource's API key; `entra`: Microsoft Entra ID tokens (`az login`, `azd auth login`, the window's Sign in). */
      auth: z.enum(AZURE_AUTHS).default('key').meta(flag('cli.flag.azure-auth')),
      /** The window's browser sign-in: the directory (tenant) and the app registration (client) it signs in with. */
      tenantId: z.string().trim().min(1).max(128).optional().meta(desktopOnly),
      clientId: z.string().trim().min(1).max(128).optional().meta(desktopOnly),
    })
    .default({ auth: 'key' }),
  voice: z
    .string()
    .refine((v) => VOICES.includes(v), { message: OWN_PROBLEMS.voice.english })
    .default(DEFAULT_VOICE)
    .meta(flag('cli.flag.voice', VOICES)),
  instructions: z
    .string()
    .max(8_000)
    .default('You are Kaiwa, a friendly voice assistant. Keep answers short. Answer in the language the user speaks.')
    .meta(flag('cli.flag.instructions')),
  /** Kaiwa's own words (labels, notices, the terminal's lines): the system's language, or one chosen. */
  language: z.enum(UI_LANGUAGES).default('system').meta(flag('cli.flag.language')),
  turnDetection: z
    .object({
      mode: z.enum(TURN_DETECTION_MODES).default('server_vad').meta(flag('cli.flag.turn-detection')),
      /** server_vad activation threshold, 0..1. */
      threshold: z.number().min(0).max(1).default(0.5).meta(flag('cli.flag.vad-threshold')),
      silenceDurationMs: z.number().int().min(100).max(5_000).default(500).meta(flag('cli.flag.silence-ms')),
      prefixPaddingMs: z.number().int().min(0).max(2_000).default(300).meta(flag('cli.flag.prefix-padding-ms')),
      eagerness: z.enum(['low', 'medium', 'high', 'auto']).default('auto').meta(flag('cli.flag.eagerness')),
    })
    .default({ mode: 'server_vad', threshold: 0.5, silenceDurationMs: 500, prefixPaddingMs: 300, eagerness: 'auto' }),
  interruption: z
    .object({
      mode: z.enum(INTERRUPTION_MODES).default('immediate').meta(flag('cli.flag.interruption')),
      /** pause-then-decide: speech longer than this is a real interruption. */
      minSpeechMs: z.number().int().min(50).max(3_000).default(400).meta(flag('cli.flag.min-speech-ms')),
      /**
       * Local voice detection on the microphone path: when it hears the user over a playing reply,
       * the reply ducks at once and the server's `speech_started` decides (issue 12).
       */
      localVad: z.boolean().default(true).meta(flag('cli.flag.local-vad')),
    })
    .default({ mode: 'immediate', minSpeechMs: 400, localVad: true }),
  transcriptionModel: z.string().trim().min(1).max(128).default('gpt-4o-mini-transcribe').meta(flag('cli.flag.transcription-model')),
  /**
   * The language the user speaks, as an ISO-639-1 code (`ja`, `en`): sent as
   * `audio.input.transcription.language` so the transcriber does not have to guess. Unset: detect.
   */
  transcriptionLanguage: z
    .string()
    .trim()
    .regex(/^[a-z]{2,3}$/, OWN_PROBLEMS.languageCode.english)
    .optional()
    .meta(flag('cli.flag.transcription-language')),
  /** Server-side noise reduction of the microphone audio: close-talking (headset) or far-field (laptop) microphones. */
  noiseReduction: z.enum(NOISE_REDUCTIONS).default('off').meta(flag('cli.flag.noise-reduction')),
  /** How fast the model speaks (Realtime `audio.output.speed`). */
  speed: z.number().min(0.25).max(1.5).default(1).meta(flag('cli.flag.speed')),
  /** Per conversation: when the estimated cost reaches this (US dollars), the microphone stops with a notice. Unset: no cap. */
  spendingCapUsd: z.number().min(0.01).max(10_000).optional().meta(flag('cli.flag.spending-cap')),
  /** Tools the model may call (issue 13). Names are the tools' own (`get_time`, `read_clipboard`, ...). */
  tools: z
    .object({
      enabled: z.boolean().default(true).meta(flag('cli.flag.tools')),
      /** Built-in tools turned off. */
      off: z.array(z.string().trim().min(1).max(64)).max(64).default([]).meta(desktopOnly),
      /** Tools that ask for consent but the user said "always allow" (names; MCP tools as `server/tool`). */
      alwaysAllow: z.array(z.string().trim().min(1).max(200)).max(256).default([]).meta(desktopOnly),
      /**
       * Remote MCP servers (Realtime GA `type: "mcp"` tools). Header *values* are secrets: they live
       * with the API key (`Credentials.mcpHeaders`, by label), only the header names are here.
       */
      mcpServers: z
        .array(
          z.object({
            label: z.string().trim().regex(/^[A-Za-z0-9_-]{1,64}$/),
            url: z.string().url().refine((u) => /^https?:\/\//.test(u)),
            allowedTools: z.array(z.string().trim().min(1).max(128)).max(128).optional(),
            requireApproval: z.enum(MCP_APPROVALS).default('always'),
            headerNames: z.array(z.string().trim().min(1).max(128)).max(16).default([]),
          }),
        )
        .max(16)
        .default([])
        .meta(desktopOnly),
      /**
       * GPT-Live: the Responses model (on Azure, its deployment) the Live session hands a task to
       * when it needs Kaiwa's tools (`delegation.responses.model`); it calls them, Kaiwa runs them.
       */
      liveBackendModel: z.string().trim().min(1).max(128).default('gpt-5-mini').meta(flag('cli.flag.live-backend-model')),
    })
    .default({ enabled: true, off: [], alwaysAllow: [], mcpServers: [], liveBackendModel: 'gpt-5-mini' }),
  inputDevice: z.string().max(256).optional().meta(flag('cli.flag.input-device')),
  outputDevice: z.string().max(256).optional().meta(flag('cli.flag.output-device')),
  /**
   * Off by default: with no acoustic echo (headphones) WebRTC AEC3 attenuates the user's speech
   * while it converges (measured 20-49 dB for the first 12-25 s), which delays barge-in. Turn it on
   * for laptop speakers.
   */
  echoCancellation: z.boolean().default(false).meta(flag('cli.flag.echo-cancellation')),
  hotkeys: z
    .object({
      talk: hotkey.default('CommandOrControl+Shift+Space'),
      interrupt: hotkey.default('CommandOrControl+Shift+X'),
      /** The talk key held down is talking, released answers; a short tap still toggles (issue 14). */
      holdToTalk: z.boolean().default(true),
      /** The play/pause media key (a headset's button) interrupts a reply, else toggles talking. Off: music players keep it. */
      mediaKey: z.boolean().default(false),
      /** Look at this: one picture of the active window or the screen (`pictures.lookTarget`) joins the conversation. */
      look: hotkey.default('CommandOrControl+Shift+L'),
    })
    .default({ talk: 'CommandOrControl+Shift+Space', interrupt: 'CommandOrControl+Shift+X', holdToTalk: true, mediaKey: false, look: 'CommandOrControl+Shift+L' })
    .meta(desktopOnly),
  /** Pictures shown to the model (issue 23): what is sent is downscaled and re-encoded; the original is kept only if asked. */
  pictures: z
    .object({
      /** The long side sent, at most (px); smaller pictures are not enlarged. */
      maxSide: z.number().int().min(256).max(2_048).default(1_024).meta(flag('cli.flag.picture-max-side')),
      format: z.enum(PICTURE_FORMATS).default('jpeg').meta(flag('cli.flag.picture-format')),
      /** Keep the full picture on disk beside the conversation's history (off: only a thumbnail is kept). */
      keepOriginals: z.boolean().default(false).meta(desktopOnly),
      lookTarget: z.enum(LOOK_TARGETS).default('window').meta(desktopOnly),
    })
    .default({ maxSide: 1_024, format: 'jpeg', keepOriginals: false, lookTarget: 'window' }),
  startAtLogin: z.boolean().default(false).meta(desktopOnly),
  /**
   * Kaiwa as a voice endpoint (`kaiwa serve`, or inside the desktop app when enabled): POST a
   * recording to http://127.0.0.1:PORT/v1/turn, get the spoken answer streamed back.
   */
  serve: z
    .object({
      enabled: z.boolean().default(false).meta(desktopOnly),
      port: z.number().int().min(1024).max(65_535).default(8788).meta(flag('cli.flag.serve-port')),
    })
    .default({ enabled: false, port: 8788 }),
  /** The desktop app updates itself from a release feed (issue 25); the terminal front end never does. */
  updates: z
    .object({
      enabled: z.boolean().default(true),
      channel: z.enum(UPDATE_CHANNELS).default('stable'),
      /** A self-hosted feed (electron-builder's `generic` provider); unset: the GitHub releases. */
      feed: z.string().url().refine((u) => FEED_URL.test(u), OWN_PROBLEMS.feedUrl.english).optional(),
    })
    .default({ enabled: true, channel: 'stable' })
    .meta(desktopOnly),
});

export type Settings = z.infer<typeof SettingsSchema>;
export type SettingsInput = z.input<typeof SettingsSchema>;

export interface Credentials {
  /** OpenAI key, Azure key, or a bearer token for a custom URL. Never logged, never sent to a renderer. */
  apiKey?: string;
  /** MCP servers' header values by server label, then header name. Secrets like the API key. */
  mcpHeaders?: Record<string, Record<string, string>>;
  /** Azure with `azure.auth` `entra`: where tokens come from (the app's browser sign-in); unset, the Azure CLI and azd. */
  azureTokens?: AccessTokenSource;
}

export const DEFAULT_SETTINGS: Settings = SettingsSchema.parse({});

/** One problem with one setting: its dotted path, what is wrong (a catalogue key), and zod's English. */
export interface SettingIssue {
  path: string;
  problem: EngineMessage;
  english: string;
}

/**
 * Settings that do not parse. `said` has one message per problem for people (`setting.issue`:
 * the setting's path and what is wrong); `issues` the same in English, for logs.
 */
export class SettingsError extends Error {
  readonly issues: string[];
  readonly said: EngineMessage[];

  constructor(readonly problems: SettingIssue[]) {
    const issues = problems.map((p) => `${p.path}: ${p.english}`);
    super(`Invalid settings: ${issues.join('; ')}`);
    this.name = 'SettingsError';
    this.issues = issues;
    this.said = problems.map((p) => say('setting.issue', { field: p.path, problem: p.problem }));
  }
}

/** zod's issues as SettingIssues. */
export function settingIssues(issues: readonly z.core.$ZodIssue[]): SettingIssue[] {
  return issues.map((issue) => ({ path: issue.path.join('.') || 'settings', problem: settingProblem(issue), english: issue.message }));
}

/** What is wrong, by zod's issue code (a refinement of this schema by its own words). */
export function settingProblem(issue: z.core.$ZodIssue): EngineMessage {
  const own = Object.values(OWN_PROBLEMS).find((p) => p.english === issue.message);
  if (own) return own.said;
  switch (issue.code) {
    case 'too_big':
      return issue.origin === 'string' ? say('setting.tooLong', { maximum: Number(issue.maximum) }) : say('setting.tooBig', { maximum: Number(issue.maximum) });
    case 'too_small':
      return issue.origin === 'string' ? say('setting.tooShort', { minimum: Number(issue.minimum) }) : say('setting.tooSmall', { minimum: Number(issue.minimum) });
    case 'invalid_value':
      return say('setting.notOneOf', { values: issue.values.map(String).join(', ') });
    case 'invalid_format':
      return issue.format === 'url' ? say('setting.notUrl') : say('setting.invalid');
    case 'invalid_type':
      return TYPE_PROBLEMS[issue.expected] ?? say('setting.invalid');
    default:
      return say('setting.invalid');
  }
}

const TYPE_PROBLEMS: Partial<Record<string, EngineMessage>> = {
  number: say('setting.notNumber'),
  int: say('setting.notInteger'),
  string: say('setting.notText'),
  boolean: say('setting.notBoolean'),
};

/** Parses untrusted settings; throws SettingsError with one readable line per problem. */
export function parseSettings(input: unknown): Settings {
  const result = SettingsSchema.safeParse(input ?? {});
  if (!result.success) throw new SettingsError(settingIssues(result.error.issues));
  return result.data;
}

/**
 * The protocol a session speaks. An explicit setting wins; 'auto' follows the model's name
 * (`gpt-live-*` is GPT-Live). Azure deployments carry names of their own, so on Azure 'auto' looks
 * at the deployment name the same way, and anything else is Realtime: set the protocol there.
 */
export function resolveProtocol(settings: Pick<Settings, 'protocol' | 'model' | 'provider' | 'azure'>): Protocol {
  if (settings.protocol !== 'auto') return settings.protocol;
  const name = settings.provider === 'azure' ? (settings.azure.deployment ?? settings.model) : settings.model;
  return /^gpt-live\b/i.test(name) ? 'live' : 'realtime';
}

/** The built-in voices of a protocol. */
export function voicesFor(protocol: Protocol): readonly string[] {
  return protocol === 'live' ? LIVE_VOICES : REALTIME_VOICES;
}

/** Every choice the settings form offers (the settings view's `options`), in one place for main and the tests. */
export function settingChoices() {
  return {
    providers: PROVIDERS,
    voices: VOICES,
    turnDetectionModes: TURN_DETECTION_MODES,
    interruptionModes: INTERRUPTION_MODES,
    dialects: DIALECTS,
    protocols: PROTOCOLS,
    voicesByProtocol: { realtime: voicesFor('realtime'), live: voicesFor('live') },
    japaneseVoices: JAPANESE_LIVE_VOICES,
    languages: UI_LANGUAGES,
    noiseReductions: NOISE_REDUCTIONS,
    mcpApprovals: MCP_APPROVALS,
    azureAuths: AZURE_AUTHS,
    pictureFormats: PICTURE_FORMATS,
    lookTargets: LOOK_TARGETS,
    updateChannels: UPDATE_CHANNELS,
  };
}

/** The voice a session uses: the chosen one when its protocol has it, else the default (which both have). */
export function voiceFor(settings: Pick<Settings, 'voice' | 'protocol' | 'model' | 'provider' | 'azure'>): string {
  return voicesFor(resolveProtocol(settings)).includes(settings.voice) ? settings.voice : DEFAULT_VOICE;
}

/**
 * Environment overrides (they win over stored settings):
 * OPENAI_API_KEY -> provider openai; AZURE_OPENAI_API_KEY + AZURE_OPENAI_ENDPOINT +
 * AZURE_OPENAI_DEPLOYMENT (+ AZURE_OPENAI_API_VERSION) -> provider azure; KAIWA_URL -> custom;
 * KAIWA_MODEL, KAIWA_VOICE, KAIWA_DIALECT, KAIWA_PROTOCOL. `overrides` names what the environment
 * set (dotted paths, plus `apiKey`): front ends show those fields read-only.
 */
export function applyEnvironment(
  settings: Settings,
  credentials: Credentials,
  env: Record<string, string | undefined>,
): { settings: Settings; credentials: Credentials; overrides: string[] } {
  const next: SettingsInput = structuredClone(settings);
  const overrides = new Set<string>();
  let apiKey = credentials.apiKey;
  if (env.AZURE_OPENAI_API_KEY && env.AZURE_OPENAI_ENDPOINT) {
    next.provider = 'azure';
    apiKey = env.AZURE_OPENAI_API_KEY;
    next.azure = {
      ...next.azure,
      endpoint: env.AZURE_OPENAI_ENDPOINT,
      ...(env.AZURE_OPENAI_DEPLOYMENT ? { deployment: env.AZURE_OPENAI_DEPLOYMENT } : {}),
      ...(env.AZURE_OPENAI_API_VERSION ? { apiVersion: env.AZURE_OPENAI_API_VERSION } : {}),
    };
    overrides.add('provider').add('apiKey').add('azure.endpoint');
    if (env.AZURE_OPENAI_DEPLOYMENT) overrides.add('azure.deployment');
    if (env.AZURE_OPENAI_API_VERSION) overrides.add('azure.apiVersion');
  } else if (env.OPENAI_API_KEY) {
    next.provider = 'openai';
    apiKey = env.OPENAI_API_KEY;
    overrides.add('provider').add('apiKey');
  }
  if (env.KAIWA_URL) {
    next.provider = 'custom';
    next.url = env.KAIWA_URL;
    overrides.add('provider').add('url');
  }
  const plain = { KAIWA_MODEL: 'model', KAIWA_VOICE: 'voice', KAIWA_DIALECT: 'dialect', KAIWA_PROTOCOL: 'protocol' } as const;
  for (const [name, field] of Object.entries(plain)) {
    const value = env[name];
    if (!value) continue;
    (next as Record<string, unknown>)[field] = value;
    overrides.add(field);
  }
  const { apiKey: _stored, ...otherSecrets } = credentials;
  return { settings: parseSettings(next), credentials: apiKey ? { ...otherSecrets, apiKey } : otherSecrets, overrides: [...overrides] };
}
