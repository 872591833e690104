import { parseArgs } from 'node:util';
import {
  DEFAULT_SETTINGS,
  SettingsError,
  SettingsSchema,
  applyEnvironment,
  say,
  settingIssues,
  type EngineMessage,
  type Credentials,
  type Settings,
  type SettingsInput,
} from '../engine';
import { englishT, messageWords, type KeyedWords, type MessageKey, type Translate } from '../shared/i18n';
import { parseToolCallFlag, type ScriptedToolCall } from '../simulator';
import { FlagValueError, SETTING_FLAGS, assign, flagOfPath, flagValue, placeholder, type SettingFlag } from './setting-flags';

export interface CliFlags {
  help: boolean;
  /** `--version`: print it and exit. */
  version: boolean;
  settings: Settings;
  credentials: Credentials;
  input?: string;
  output?: string;
  /** Native (PortAudio) devices: a name, an id or 'default'. */
  inputDevice?: string;
  outputDevice?: string;
  listDevices: boolean;
  transcript?: string;
  durationMs?: number;
  /** provider 'local' with no --url: the CLI starts the simulator itself. */
  startSimulator: boolean;
  /** provider 'local' with --url: a simulator someone else runs. */
  localUrl?: string;
  /** The built-in simulator's model calls these tools, one per user turn (`--tool-call NAME[:JSON]`, repeatable). */
  toolCalls: ScriptedToolCall[];
  /** `--text`, in order: typed turns instead of a recording. */
  texts: string[];
  /** `--image`: picture files for the first turn. */
  images: string[];
}

/**
 * A bad command line. It carries a catalogue key, so the line is printed in the user's language;
 * its `message` is the English text (for logs and tests). A param may be something the engine
 * says (a setting's problem), or a list of them, put into words with the rest.
 */
export class UsageError extends Error {
  override name = 'UsageError';
  constructor(
    readonly key: MessageKey,
    readonly params: Record<string, string | KeyedWords | KeyedWords[]> = {},
  ) {
    super(describe(englishT(), key, params));
  }

  /** The error in the language of `t`. */
  describe(t: Translate): string {
    return describe(t, this.key, this.params);
  }
}

function describe(t: Translate, key: MessageKey, params: UsageError['params']): string {
  const words = (value: string | KeyedWords) => (typeof value === 'string' ? value : messageWords(t, value));
  const text = Object.fromEntries(
    Object.entries(params).map(([name, value]) => [name, Array.isArray(value) ? value.map(words).join('; ') : words(value)]),
  );
  return t(key as never, text);
}

/** node:util parseArgs's errors (English, by code) as catalogue keys. */
function commandLineError(error: Error & { code?: string }): UsageError {
  const named = /'(-[^' ]+)/.exec(error.message)?.[1] ?? /'([^']+)'/.exec(error.message)?.[1] ?? '';
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return new UsageError('cli.error.unknownFlag', { flag: named });
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      // "--duration -1": parseArgs takes -1 for a flag, and says the value is ambiguous.
      return new UsageError(/ambiguous/.test(error.message) ? 'cli.error.dashValue' : 'cli.error.flagNeedsValue', { flag: named });
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return new UsageError('cli.error.unexpectedArgument', { arg: named });
    default:
      return new UsageError('cli.error.commandLine', { detail: error.message.split('\n')[0]! });
  }
}

/** The flags of a run that are not settings. */
const RUN_FLAGS = [
  { name: 'input', value: 'FILE|-', helpKey: 'cli.flag.input' },
  { name: 'output', value: 'FILE.wav|-', helpKey: 'cli.flag.output' },
  { name: 'transcript', value: 'FILE.jsonl', helpKey: 'cli.flag.transcript' },
  { name: 'text', value: 'WORDS', helpKey: 'cli.flag.text', multiple: true },
  { name: 'image', value: 'FILE', helpKey: 'cli.flag.image', multiple: true },
  { name: 'duration', value: 'SECONDS', helpKey: 'cli.flag.duration' },
  { name: 'tool-call', value: 'NAME[:JSON]', helpKey: 'cli.flag.tool-call', multiple: true },
  { name: 'list-devices', helpKey: 'cli.flag.list-devices' },
  { name: 'help', helpKey: 'cli.flag.help' },
  { name: 'version', helpKey: 'cli.flag.version' },
] as const satisfies ReadonlyArray<{ name: string; value?: string; helpKey: MessageKey; multiple?: true }>;

/**
 * On the command line the provider is chosen by what is given: `--url` alone is a custom endpoint,
 * `--provider local --url` an external simulator. So `--provider` takes only these.
 */
const PROVIDER_FLAG_VALUES = ['openai', 'azure', 'local'] as const;
const cliFlag = (flag: SettingFlag): SettingFlag => (flag.name === 'provider' ? { ...flag, values: PROVIDER_FLAG_VALUES } : flag);
const FLAGS = SETTING_FLAGS.map(cliFlag);

/** `--help`, in the reader's language. */
export function usage(t: Translate): string {
  const line = (flag: string, text: string) => {
    const head = `  ${flag}`;
    return head.length < 34 ? `${head.padEnd(34)}${text}` : `${head}\n${' '.repeat(34)}${text}`;
  };
  const settingLines = FLAGS.map((flag) =>
    line(`--${flag.name} ${placeholder(flag)}`, t(flag.helpKey as MessageKey, { values: (flag.values ?? []).join(', ') })),
  );
  const runLines = RUN_FLAGS.map((flag) => line(`--${flag.name}${'value' in flag ? ` ${flag.value}` : ''}`, t(flag.helpKey)));
  return [
    'Usage: kaiwa [options]',
    '',
    t('cli.usage.about'),
    '',
    t('cli.usage.settings'),
    ...settingLines,
    '',
    t('cli.usage.run'),
    ...runLines,
    '',
    t('cli.usage.keys'),
    '',
    t('cli.usage.environment'),
    '',
  ].join('\n');
}

export function parseFlags(argv: string[], env: Record<string, string | undefined>): CliFlags {
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        ...Object.fromEntries(FLAGS.map((flag) => [flag.name, { type: 'string' as const }])),
        ...Object.fromEntries(
          RUN_FLAGS.map((flag) => [flag.name, { type: 'value' in flag ? ('string' as const) : ('boolean' as const), multiple: 'multiple' in flag }]),
        ),
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw commandLineError(error as Error);
  }
  const text = (name: string) => values[name] as string | undefined;
  const list = (name: string) => (values[name] as string[] | undefined) ?? [];

  let durationMs: number | undefined;
  const duration = text('duration');
  if (duration !== undefined) {
    const seconds = Number(duration);
    if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError('cli.error.duration', { value: duration });
    durationMs = seconds * 1000;
  }
  if (text('input') !== undefined && text('input-device') !== undefined) throw new UsageError('cli.error.inputTwice');
  if (text('output') !== undefined && text('output-device') !== undefined) throw new UsageError('cli.error.outputTwice');
  const texts = list('text');
  if (texts.length > 0 && text('input') !== undefined) throw new UsageError('cli.error.textAndInput');
  if (texts.some((words) => words.trim() === '')) throw new UsageError('cli.error.flagNeedsValue', { flag: '--text' });
  const url = text('url');
  if (url !== undefined && !/^wss?:\/\/[^\s]+$/.test(url)) throw new UsageError('cli.error.url', { value: url });

  let fromEnv: ReturnType<typeof applyEnvironment>;
  try {
    fromEnv = applyEnvironment(DEFAULT_SETTINGS, {}, env);
  } catch (error) {
    if (error instanceof SettingsError) throw new UsageError('cli.error.environment', { detail: error.said });
    throw error;
  }
  const next: SettingsInput = structuredClone(fromEnv.settings);
  for (const flag of FLAGS) {
    const raw = text(flag.name);
    if (raw === undefined) continue;
    try {
      assign(next, flag, flagValue(flag, raw));
    } catch (error) {
      if (error instanceof FlagValueError) throw new UsageError('cli.error.setting', { detail: flagProblem(error.flag, error.problem, error.value) });
      throw error;
    }
  }
  // The provider follows what is given: --url alone is a custom endpoint; with --provider local it
  // is a simulator someone else runs (not a setting).
  let localUrl: string | undefined;
  const provider = text('provider');
  if (provider === 'local' && url !== undefined) {
    localUrl = url;
    next.url = fromEnv.settings.url;
  } else if (provider === undefined && url !== undefined) {
    next.provider = 'custom';
  }

  const parsed = SettingsSchema.safeParse(next);
  if (!parsed.success) {
    throw new UsageError('cli.error.setting', {
      detail: settingIssues(parsed.error.issues).map(({ path, problem }) => {
        const flag = flagOfPath(path.split('.'));
        const raw = flag ? text(flag.name) : undefined;
        // A problem with a value from the environment or the defaults names the setting instead.
        return flag && raw !== undefined ? flagProblem(flag.name, problem, raw) : say('setting.issue', { field: path, problem });
      }),
    });
  }
  const settings = parsed.data;
  const startSimulator = settings.provider === 'local' && !localUrl;
  const toolCallFlags = list('tool-call');
  if (toolCallFlags.length > 0 && !startSimulator) throw new UsageError('cli.error.toolCallNeedsSimulator');
  let toolCalls: ScriptedToolCall[];
  try {
    toolCalls = toolCallFlags.map(parseToolCallFlag);
  } catch (error) {
    throw new UsageError('cli.error.commandLine', { detail: (error as Error).message });
  }
  return {
    help: (values.help as boolean | undefined) ?? false,
    version: (values.version as boolean | undefined) ?? false,
    settings,
    credentials: fromEnv.credentials,
    ...(text('input') !== undefined ? { input: text('input') } : {}),
    ...(text('output') !== undefined ? { output: text('output') } : {}),
    ...(settings.inputDevice !== undefined ? { inputDevice: settings.inputDevice } : {}),
    ...(settings.outputDevice !== undefined ? { outputDevice: settings.outputDevice } : {}),
    listDevices: (values['list-devices'] as boolean | undefined) ?? false,
    ...(text('transcript') !== undefined ? { transcript: text('transcript') } : {}),
    ...(durationMs !== undefined ? { durationMs } : {}),
    startSimulator,
    ...(localUrl ? { localUrl } : {}),
    toolCalls,
    texts,
    images: list('image'),
  };
}

/** A flag's value and what is wrong with it. */
function flagProblem(flag: string, problem: EngineMessage, value: string): KeyedWords {
  return { key: 'cli.error.flagProblem' satisfies MessageKey, params: { flag, problem, value } };
}

