import { parseArgs } from 'node:util';
import {
  DEFAULT_SETTINGS,
  DIALECTS,
  TURN_DETECTION_MODES,
  VOICES,
  applyEnvironment,
  parseSettings,
  SettingsError,
  type Credentials,
  type Settings,
  type SettingsInput,
} from '../engine';

export const USAGE = `Usage: kaiwa [options]

Talk to a Realtime voice model from the terminal. With no API key and no --provider/--url it talks
to the built-in simulator.

Options:
  --provider openai|azure|local   which service (default: from the environment, else local)
  --url URL                       a Realtime-compatible ws:// or wss:// URL (custom provider)
  --dialect ga|beta               wire protocol (default ga)
  --model NAME                    model or deployment name
  --voice NAME                    ${VOICES.join(', ')}
  --instructions TEXT             system instructions
  --turn-detection MODE           server_vad | semantic_vad | manual (push-to-talk)
  --input FILE.wav                speak this file instead of the microphone; exit when done
  --output FILE.wav               record what is played to this file
  --input-device NAME|ID|default  listen to this microphone (PortAudio; name is a substring)
  --output-device NAME|ID|default play to this speaker (PortAudio); either falls back to the
                                  system default if the device goes away
  --list-devices                  list the audio devices and exit
  --transcript FILE.jsonl         write transcripts, interruptions and errors as JSON lines
  --duration SECONDS              stop after this many seconds
  --help                          show this help

Keys (terminal): space interrupts, t toggles talking (manual mode), q quits.

Environment: OPENAI_API_KEY, or AZURE_OPENAI_API_KEY + AZURE_OPENAI_ENDPOINT + AZURE_OPENAI_DEPLOYMENT.
`;

export interface CliFlags {
  help: boolean;
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
}

/** A bad command line: `message` is the one line shown to the user. */
export class UsageError extends Error {
  override name = 'UsageError';
}

const PROVIDER_FLAGS = ['openai', 'azure', 'local'] as const;

export function parseFlags(argv: string[], env: Record<string, string | undefined>): CliFlags {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        provider: { type: 'string' },
        url: { type: 'string' },
        dialect: { type: 'string' },
        model: { type: 'string' },
        voice: { type: 'string' },
        instructions: { type: 'string' },
        'turn-detection': { type: 'string' },
        input: { type: 'string' },
        output: { type: 'string' },
        'input-device': { type: 'string' },
        'output-device': { type: 'string' },
        'list-devices': { type: 'boolean' },
        transcript: { type: 'string' },
        duration: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message.split('\n')[0]} (see --help)`);
  }

  const oneOf = <T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T | undefined => {
    if (value === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--${flag} must be one of ${allowed.join(', ')} (got '${value}')`);
    return value as T;
  };
  const provider = oneOf('provider', values.provider, PROVIDER_FLAGS);
  const dialect = oneOf('dialect', values.dialect, DIALECTS);
  const voice = oneOf('voice', values.voice, VOICES);
  const turnDetection = oneOf('turn-detection', values['turn-detection'], TURN_DETECTION_MODES);

  let durationMs: number | undefined;
  if (values.duration !== undefined) {
    const seconds = Number(values.duration);
    if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError(`--duration must be a positive number of seconds (got '${values.duration}')`);
    durationMs = seconds * 1000;
  }
  if (values.input !== undefined && values['input-device'] !== undefined) throw new UsageError('use --input or --input-device, not both');
  if (values.output !== undefined && values['output-device'] !== undefined) throw new UsageError('use --output or --output-device, not both');
  if (values.url !== undefined && !/^wss?:\/\/[^\s]+$/.test(values.url)) {
    throw new UsageError(`--url must be a ws:// or wss:// URL (got '${values.url}')`);
  }

  const fromEnv = applyEnvironment(DEFAULT_SETTINGS, {}, env);
  const next: SettingsInput = structuredClone(fromEnv.settings);
  let localUrl: string | undefined;
  if (provider === 'local') {
    next.provider = 'local';
    localUrl = values.url;
  } else if (provider) {
    next.provider = provider;
    if (values.url) next.url = values.url;
  } else if (values.url) {
    next.provider = 'custom';
    next.url = values.url;
  }
  if (dialect) next.dialect = dialect;
  if (values.model) next.model = values.model;
  if (voice) next.voice = voice;
  if (values.instructions !== undefined) next.instructions = values.instructions;
  if (turnDetection) next.turnDetection = { ...fromEnv.settings.turnDetection, mode: turnDetection };

  let settings: Settings;
  try {
    settings = parseSettings(next);
  } catch (error) {
    if (error instanceof SettingsError) throw new UsageError(error.issues.join('; '));
    throw error;
  }
  return {
    help: values.help ?? false,
    settings,
    credentials: fromEnv.credentials,
    ...(values.input !== undefined ? { input: values.input } : {}),
    ...(values.output !== undefined ? { output: values.output } : {}),
    ...(values['input-device'] !== undefined ? { inputDevice: values['input-device'] } : {}),
    ...(values['output-device'] !== undefined ? { outputDevice: values['output-device'] } : {}),
    listDevices: values['list-devices'] ?? false,
    ...(values.transcript !== undefined ? { transcript: values.transcript } : {}),
    ...(durationMs !== undefined ? { durationMs } : {}),
    startSimulator: settings.provider === 'local' && !localUrl,
    ...(localUrl ? { localUrl } : {}),
  };
}
