import type {
  RealtimeAudioInputTurnDetection,
  RealtimeSessionCreateRequest,
  SessionUpdateEvent,
} from 'openai/resources/realtime/realtime';
import type { VadConfig } from '../vad';

/**
 * A Realtime session's configuration: what `session.created` reports, how `session.update` merges
 * into it, and the server's defaults for turn detection.
 */

/** The session object as `session.created` reports it. */
export type SimSessionConfig = RealtimeSessionCreateRequest & {
  id: string;
  object: 'realtime.session';
  expires_at: number;
  audio: {
    input: NonNullable<NonNullable<RealtimeSessionCreateRequest['audio']>['input']>;
    output: NonNullable<NonNullable<RealtimeSessionCreateRequest['audio']>['output']>;
  };
};

export const PCM = { type: 'audio/pcm', rate: 24000 } as const;
const SILENCE_BY_EAGERNESS = { low: 1000, medium: 600, high: 300, auto: 600 } as const;

export function initialConfig(id: string, model: string): SimSessionConfig {
  return {
    type: 'realtime',
    object: 'realtime.session',
    id,
    model,
    output_modalities: ['audio'],
    instructions: 'You are the Kaiwa simulator. You answer every turn with a few seconds of speech-like babble.',
    tools: [],
    tool_choice: 'auto',
    max_output_tokens: 'inf',
    tracing: null,
    expires_at: Math.floor(Date.now() / 1000) + 30 * 60,
    audio: {
      input: { format: { ...PCM }, turn_detection: normaliseTurnDetection({ type: 'server_vad' }) },
      output: { format: { ...PCM }, voice: 'marin', speed: 1 },
    },
  };
}

/**
 * Merges a `session.update` (of type `realtime`) into `config`. Returns whether turn detection
 * changed, in which case the VAD starts over.
 */
export function applySessionUpdate(config: SimSessionConfig, update: SessionUpdateEvent['session'] & { type: 'realtime' }): boolean {
  const { audio, type: _type, ...rest } = update;
  Object.assign(config, definedOnly(rest));
  if (audio?.output) Object.assign(config.audio.output, definedOnly(audio.output));
  const input = audio?.input;
  if (!input) return false;
  const { turn_detection, ...inputRest } = input;
  Object.assign(config.audio.input, definedOnly(inputRest));
  if (turn_detection === undefined) return false;
  const current = config.audio.input.turn_detection;
  const merged = turn_detection && current && current.type === turn_detection.type ? { ...current, ...turn_detection } : turn_detection;
  config.audio.input.turn_detection = merged ? normaliseTurnDetection(merged) : null;
  return true;
}

/** The config minus nulls the spec does not allow in a session object. */
export function sessionView(config: SimSessionConfig): SimSessionConfig {
  const input = { ...config.audio.input };
  for (const key of ['transcription', 'noise_reduction'] as const) if (input[key] === null) delete input[key];
  return { ...config, audio: { ...config.audio, input } };
}

export function normaliseTurnDetection(td: RealtimeAudioInputTurnDetection): RealtimeAudioInputTurnDetection {
  if (td.type === 'semantic_vad') {
    return { eagerness: 'auto', create_response: true, interrupt_response: true, ...td };
  }
  return {
    threshold: 0.5,
    prefix_padding_ms: 300,
    silence_duration_ms: 200,
    idle_timeout_ms: null,
    create_response: true,
    interrupt_response: true,
    ...td,
  };
}

/** semantic_vad behaves as server VAD with a longer silence, longer the less eager it is. */
export function vadConfig(td: RealtimeAudioInputTurnDetection): VadConfig {
  if (td.type === 'semantic_vad') {
    return { threshold: 0.5, prefixPaddingMs: 300, silenceDurationMs: SILENCE_BY_EAGERNESS[td.eagerness ?? 'auto'] };
  }
  return { threshold: td.threshold ?? 0.5, prefixPaddingMs: td.prefix_padding_ms ?? 300, silenceDurationMs: td.silence_duration_ms ?? 200 };
}

/** Custom voices are objects ({id}); a response reports their id. */
export function voiceName(voice: unknown): string {
  if (typeof voice === 'string') return voice;
  const id = (voice as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' ? id : 'marin';
}

function definedOnly<T extends object>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}
