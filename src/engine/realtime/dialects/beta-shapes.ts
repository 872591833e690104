import { hasOwn, isObject, type JsonObject } from './wire';

/**
 * The nested-object translations between the beta and GA protocols: sessions, responses,
 * response.create parameters and conversation items. Rule: translate the fields whose place or
 * name differs, pass every other field through untouched (so beta -> GA -> beta is lossless), and
 * never throw on the decode direction (`toGa*`). The encode direction (`toBeta*`) throws a clear
 * Error for engine input the beta protocol cannot express.
 */

const PCM_RATE = 24_000;

// ---- audio formats: beta names a format, GA describes it --------------------------------------

const FORMAT_TO_GA: Record<string, JsonObject> = {
  pcm16: { type: 'audio/pcm', rate: PCM_RATE },
  g711_ulaw: { type: 'audio/pcmu' },
  g711_alaw: { type: 'audio/pcma' },
};

function formatToGa(format: unknown): unknown {
  if (typeof format !== 'string' || !hasOwn(FORMAT_TO_GA, format)) return format;
  return { ...FORMAT_TO_GA[format] };
}

function formatToBeta(format: unknown): unknown {
  if (!isObject(format)) return format;
  switch (format.type) {
    case 'audio/pcm':
      if (format.rate !== undefined && format.rate !== PCM_RATE) {
        throw new Error(`The beta Realtime protocol supports PCM at ${PCM_RATE} Hz only, not ${String(format.rate)} Hz.`);
      }
      return 'pcm16';
    case 'audio/pcmu':
      return 'g711_ulaw';
    case 'audio/pcma':
      return 'g711_alaw';
    default:
      return format;
  }
}

// ---- modalities: beta ["text","audio"] is GA ["audio"] (audio always comes with its transcript) --

function modalitiesToGa(modalities: unknown): unknown {
  if (!Array.isArray(modalities) || modalities.length === 0) return modalities;
  if (modalities.includes('audio')) return ['audio'];
  return modalities.every((m) => m === 'text') ? ['text'] : modalities;
}

function modalitiesToBeta(modalities: unknown): unknown {
  if (!Array.isArray(modalities)) return modalities;
  return modalities.includes('audio') ? ['text', 'audio'] : [...modalities];
}

// ---- conversation items: only assistant content part types differ ------------------------------

const ASSISTANT_PART_TO_GA: Record<string, string> = { text: 'output_text', audio: 'output_audio' };
const ASSISTANT_PART_TO_BETA: Record<string, string> = { output_text: 'text', output_audio: 'audio' };
const GA_ONLY_ITEM_TYPES = new Set(['mcp_call', 'mcp_list_tools', 'mcp_approval_request', 'mcp_approval_response']);
const GA_ONLY_PART_TYPES = new Set(['input_image']);

function renameAssistantParts(item: unknown, names: Record<string, string>): unknown {
  if (!isObject(item) || item.type !== 'message' || item.role !== 'assistant' || !Array.isArray(item.content)) return item;
  let changed = false;
  const content = item.content.map((part: unknown) => {
    if (!isObject(part) || typeof part.type !== 'string' || !hasOwn(names, part.type)) return part;
    changed = true;
    return { ...part, type: names[part.type] };
  });
  return changed ? { ...item, content } : item;
}

export function itemToGa(item: unknown): unknown {
  return renameAssistantParts(item, ASSISTANT_PART_TO_GA);
}

/** `strict`: the engine is sending it, so refuse what beta cannot express instead of passing it on. */
export function itemToBeta(item: unknown, strict: boolean): unknown {
  if (strict && isObject(item)) {
    if (typeof item.type === 'string' && GA_ONLY_ITEM_TYPES.has(item.type)) {
      throw new Error(`Conversation items of type '${item.type}' are not supported by the beta Realtime protocol.`);
    }
    if (Array.isArray(item.content)) {
      for (const part of item.content) {
        if (isObject(part) && typeof part.type === 'string' && GA_ONLY_PART_TYPES.has(part.type)) {
          throw new Error(`Content of type '${part.type}' is not supported by the beta Realtime protocol.`);
        }
      }
    }
  }
  return renameAssistantParts(item, ASSISTANT_PART_TO_BETA);
}

function itemsTo(items: unknown, map: (item: unknown) => unknown): unknown {
  return Array.isArray(items) ? items.map(map) : items;
}

// ---- audio block: GA groups audio settings under `audio.{input,output}` -------------------------

interface AudioFields {
  input: JsonObject;
  output: JsonObject;
}

function audioBlock(fields: AudioFields): JsonObject | undefined {
  const audio: JsonObject = {};
  if (Object.keys(fields.input).length > 0) audio.input = fields.input;
  if (Object.keys(fields.output).length > 0) audio.output = fields.output;
  return Object.keys(audio).length > 0 ? audio : undefined;
}

/** beta flat key -> [GA audio side, GA key, value translation] */
const BETA_AUDIO_KEYS: Record<string, ['input' | 'output', string, ((v: unknown) => unknown)?]> = {
  input_audio_format: ['input', 'format', formatToGa],
  input_audio_transcription: ['input', 'transcription'],
  input_audio_noise_reduction: ['input', 'noise_reduction'],
  turn_detection: ['input', 'turn_detection'],
  output_audio_format: ['output', 'format', formatToGa],
  voice: ['output', 'voice'],
  speed: ['output', 'speed'],
};

const GA_AUDIO_TO_BETA: Record<'input' | 'output', Rename> = {
  input: {
    format: ['input_audio_format', formatToBeta],
    transcription: ['input_audio_transcription'],
    noise_reduction: ['input_audio_noise_reduction'],
    turn_detection: ['turn_detection'],
  },
  // `speed` is in the beta types of the openai package (`beta/realtime` session), not in the older beta schema.
  output: { format: ['output_audio_format', formatToBeta], voice: ['voice'], speed: ['speed'] },
};

/** A key that changes name, optionally translating its value on the way. */
type Rename = Record<string, readonly [string, ((v: unknown) => unknown)?]>;

function renamed(out: JsonObject, key: string, value: unknown, renames: Rename): boolean {
  const target = renames[key];
  if (!target || !hasOwn(renames, key)) return false;
  const [name, translate] = target;
  out[name] = translate ? translate(value) : value;
  return true;
}

/** Copies `src` into the GA shape: beta audio keys move under `audio`, `renames` apply, the rest passes. */
function flatToGa(src: JsonObject, renames: Rename, start: JsonObject = {}): JsonObject {
  const out: JsonObject = { ...start };
  const fields: AudioFields = { input: {}, output: {} };
  for (const key of Object.keys(src)) {
    if (hasOwn(start, key)) continue;
    const value = src[key];
    const audio = BETA_AUDIO_KEYS[key];
    if (audio && hasOwn(BETA_AUDIO_KEYS, key)) {
      const [side, name, translate] = audio;
      fields[side][name] = translate ? translate(value) : value;
    } else if (!renamed(out, key, value, renames)) {
      out[key] = value;
    }
  }
  const audio = audioBlock(fields);
  if (audio) out.audio = audio;
  return out;
}

/** The inverse: `audio.{input,output}.*` become flat beta keys, `drop` keys are left out. */
function gaToFlat(src: JsonObject, renames: Rename, drop: ReadonlySet<string>): JsonObject {
  const out: JsonObject = {};
  for (const key of Object.keys(src)) {
    if (drop.has(key)) continue;
    const value = src[key];
    if (key === 'audio' && isObject(value)) {
      for (const side of ['input', 'output'] as const) {
        const block = value[side];
        if (!isObject(block)) continue;
        // Fields without a beta equivalent (output.speed) are left out.
        for (const name of Object.keys(block)) renamed(out, name, block[name], GA_AUDIO_TO_BETA[side]);
      }
    } else if (!renamed(out, key, value, renames)) {
      out[key] = value;
    }
  }
  return out;
}

// GA-only settings a beta server would reject as unknown parameters.
const GA_ONLY_SESSION_KEYS = new Set(['type', 'include', 'tracing', 'prompt', 'truncation', 'reasoning', 'parallel_tool_calls']);
const GA_ONLY_RESPONSE_KEYS = new Set(['prompt', 'reasoning', 'parallel_tool_calls']);
const NONE = new Set<string>();

// ---- sessions ----------------------------------------------------------------------------------

const toGaModalities = ['output_modalities', modalitiesToGa] as const;
const toBetaModalities = ['modalities', modalitiesToBeta] as const;

export function sessionToGa(session: unknown): unknown {
  if (!isObject(session)) return session;
  return flatToGa(
    session,
    { modalities: toGaModalities, max_response_output_tokens: ['max_output_tokens'] },
    { type: 'realtime' },
  );
}

export function sessionToBeta(session: unknown): unknown {
  if (!isObject(session)) return session;
  if (session.type !== undefined && session.type !== 'realtime') {
    throw new Error(`Sessions of type '${String(session.type)}' are not supported by the beta Realtime protocol.`);
  }
  return gaToFlat(
    session,
    { output_modalities: toBetaModalities, max_output_tokens: ['max_response_output_tokens'] },
    GA_ONLY_SESSION_KEYS,
  );
}

/** A beta session field's dotted path (`speed`, `turn_detection.eagerness`) -> its place in the GA session. */
export function sessionParamPathToGa(param: string): string[] {
  const [head = '', ...rest] = param.split('.');
  const audio = hasOwn(BETA_AUDIO_KEYS, head) ? BETA_AUDIO_KEYS[head] : undefined;
  if (audio) return ['audio', audio[0], audio[1], ...rest];
  return [hasOwn(SESSION_KEYS_TO_GA, head) ? SESSION_KEYS_TO_GA[head]! : head, ...rest];
}

const SESSION_KEYS_TO_GA: Record<string, string> = { modalities: 'output_modalities', max_response_output_tokens: 'max_output_tokens' };

// ---- responses (server objects) and response.create parameters ---------------------------------

export function responseToGa(response: unknown): unknown {
  if (!isObject(response)) return response;
  return flatToGa(response, { modalities: toGaModalities, output: ['output', (v) => itemsTo(v, itemToGa)] });
}

export function responseToBeta(response: unknown): unknown {
  if (!isObject(response)) return response;
  return gaToFlat(
    response,
    { output_modalities: toBetaModalities, output: ['output', (v) => itemsTo(v, (i) => itemToBeta(i, false))] },
    NONE,
  );
}

export function responseParamsToGa(params: unknown): unknown {
  if (!isObject(params)) return params;
  return flatToGa(params, {
    modalities: toGaModalities,
    max_response_output_tokens: ['max_output_tokens'],
    input: ['input', (v) => itemsTo(v, itemToGa)],
  });
}

export function responseParamsToBeta(params: unknown): unknown {
  if (!isObject(params)) return params;
  return gaToFlat(
    params,
    {
      output_modalities: toBetaModalities,
      max_output_tokens: ['max_response_output_tokens'],
      input: ['input', (v) => itemsTo(v, (i) => itemToBeta(i, true))],
    },
    GA_ONLY_RESPONSE_KEYS,
  );
}
