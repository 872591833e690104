import { say, type EngineMessage } from '../../messages';
import type { DecodeResult, RealtimeClientEvent, RealtimeServerEvent, WireEvent } from './types';

/**
 * Shared plumbing of the dialects: parsing wire text into an object with a `type`, the GA event
 * types the engine models (those of the `openai` package's unions), and the cheap shape checks of
 * the fields the engine depends on. Checks look at `typeof` only: a 100 kB audio delta is never
 * scanned.
 */

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function hasOwn(obj: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}

const SNIPPET = 200;

/** At most 200 characters of what arrived, for error reports. */
export function snippet(wire: unknown): string {
  let text: string;
  if (typeof wire === 'string') text = wire;
  else {
    try {
      text = JSON.stringify(wire) ?? String(wire);
    } catch {
      text = String(wire);
    }
  }
  return text.length > SNIPPET ? `${text.slice(0, SNIPPET - 1)}…` : text;
}

/** What is wrong with an event: for people by key, in English for logs and the simulator's replies. */
export interface Problem {
  english: string;
  said: EngineMessage;
}

export type Parsed = { ok: true; event: WireEvent } | { ok: false; error: string; said: EngineMessage; raw?: unknown };

/** Text or object -> an object with a string `type`. Never throws. */
export function parseWire(wire: unknown): Parsed {
  let value: unknown = wire;
  if (typeof wire === 'string') {
    try {
      value = JSON.parse(wire);
    } catch (err) {
      const detail = (err as Error).message;
      return { ok: false, error: `Invalid JSON: ${detail}`, said: say('protocol.invalidJson', { detail }), raw: snippet(wire) };
    }
  } else if (wire instanceof Uint8Array) {
    return { ok: false, error: 'Binary frames are not part of the Realtime protocol.', said: say('protocol.binaryFrame', { bytes: wire.byteLength }) };
  }
  if (!isObject(value)) return { ok: false, error: 'The event is not a JSON object.', said: say('protocol.notObject'), raw: snippet(wire) };
  if (typeof value.type !== 'string') return { ok: false, error: "The event has no string 'type'.", said: say('protocol.noType'), raw: snippet(wire) };
  return { ok: true, event: value as WireEvent };
}

type ServerType = RealtimeServerEvent['type'];
type ClientType = RealtimeClientEvent['type'];

const GA_SERVER_TYPE_LIST = [
  'conversation.created',
  'conversation.item.created',
  'conversation.item.added',
  'conversation.item.done',
  'conversation.item.deleted',
  'conversation.item.retrieved',
  'conversation.item.truncated',
  'conversation.item.input_audio_transcription.completed',
  'conversation.item.input_audio_transcription.delta',
  'conversation.item.input_audio_transcription.failed',
  'conversation.item.input_audio_transcription.segment',
  'error',
  'input_audio_buffer.cleared',
  'input_audio_buffer.committed',
  'input_audio_buffer.dtmf_event_received',
  'input_audio_buffer.speech_started',
  'input_audio_buffer.speech_stopped',
  'input_audio_buffer.timeout_triggered',
  'output_audio_buffer.started',
  'output_audio_buffer.stopped',
  'output_audio_buffer.cleared',
  'rate_limits.updated',
  'response.created',
  'response.done',
  'response.output_item.added',
  'response.output_item.done',
  'response.content_part.added',
  'response.content_part.done',
  'response.output_audio.delta',
  'response.output_audio.done',
  'response.output_audio_transcript.delta',
  'response.output_audio_transcript.done',
  'response.output_text.delta',
  'response.output_text.done',
  'response.function_call_arguments.delta',
  'response.function_call_arguments.done',
  'response.mcp_call_arguments.delta',
  'response.mcp_call_arguments.done',
  'response.mcp_call.in_progress',
  'response.mcp_call.completed',
  'response.mcp_call.failed',
  'mcp_list_tools.in_progress',
  'mcp_list_tools.completed',
  'mcp_list_tools.failed',
  'session.created',
  'session.updated',
] as const satisfies readonly ServerType[];

const GA_CLIENT_TYPE_LIST = [
  'session.update',
  'input_audio_buffer.append',
  'input_audio_buffer.commit',
  'input_audio_buffer.clear',
  'output_audio_buffer.clear',
  'conversation.item.create',
  'conversation.item.retrieve',
  'conversation.item.truncate',
  'conversation.item.delete',
  'response.create',
  'response.cancel',
] as const satisfies readonly ClientType[];

// Compile-time proof the lists cover the `openai` unions: a new event type there breaks the build.
type Missing<All, Listed> = Exclude<All, Listed> extends never ? true : Exclude<All, Listed>;
const _serverComplete: Missing<ServerType, (typeof GA_SERVER_TYPE_LIST)[number]> = true;
const _clientComplete: Missing<ClientType, (typeof GA_CLIENT_TYPE_LIST)[number]> = true;
void _serverComplete;
void _clientComplete;

export const GA_SERVER_TYPES: ReadonlySet<string> = new Set(GA_SERVER_TYPE_LIST);
export const GA_CLIENT_TYPES: ReadonlySet<string> = new Set(GA_CLIENT_TYPE_LIST);

export type Kind = 'string' | 'number' | 'object' | 'array';
type Shape = Readonly<Record<string, Kind>>;

const str = 'string';
const num = 'number';
const obj = 'object';

const item = { item: obj } as const;
const audioPart = { response_id: str, item_id: str } as const;

/** Fields the engine (server side) or the simulator (client side) reads, by GA type. */
const SERVER_SHAPES: Partial<Record<ServerType, Shape>> = {
  error: { error: obj },
  'session.created': { session: obj },
  'session.updated': { session: obj },
  'conversation.item.created': item,
  'conversation.item.added': item,
  'conversation.item.done': item,
  'conversation.item.retrieved': item,
  'conversation.item.deleted': { item_id: str },
  'conversation.item.truncated': { item_id: str, audio_end_ms: num },
  'conversation.item.input_audio_transcription.completed': { item_id: str, transcript: str },
  'conversation.item.input_audio_transcription.delta': { item_id: str },
  'conversation.item.input_audio_transcription.failed': { item_id: str, error: obj },
  'input_audio_buffer.committed': { item_id: str },
  'input_audio_buffer.speech_started': { item_id: str, audio_start_ms: num },
  'input_audio_buffer.speech_stopped': { item_id: str, audio_end_ms: num },
  'output_audio_buffer.started': { response_id: str },
  'output_audio_buffer.stopped': { response_id: str },
  'output_audio_buffer.cleared': { response_id: str },
  'rate_limits.updated': { rate_limits: 'array' },
  'response.created': { response: obj },
  'response.done': { response: obj },
  'response.output_item.added': { response_id: str, ...item },
  'response.output_item.done': { response_id: str, ...item },
  'response.content_part.added': { ...audioPart, part: obj },
  'response.content_part.done': { ...audioPart, part: obj },
  'response.output_audio.delta': { ...audioPart, delta: str },
  'response.output_audio.done': audioPart,
  'response.output_audio_transcript.delta': { ...audioPart, delta: str },
  'response.output_audio_transcript.done': { ...audioPart, transcript: str },
  'response.output_text.delta': { ...audioPart, delta: str },
  'response.output_text.done': { ...audioPart, text: str },
  'response.function_call_arguments.delta': { call_id: str, delta: str },
  'response.function_call_arguments.done': { call_id: str, arguments: str },
};

const CLIENT_SHAPES: Partial<Record<ClientType, Shape>> = {
  'session.update': { session: obj },
  'input_audio_buffer.append': { audio: str },
  'conversation.item.create': item,
  'conversation.item.retrieve': { item_id: str },
  'conversation.item.delete': { item_id: str },
  'conversation.item.truncate': { item_id: str, content_index: num, audio_end_ms: num },
};

function kindOf(value: unknown): Kind | 'other' {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return Number.isFinite(value) ? 'number' : 'other';
  if (Array.isArray(value)) return 'array';
  if (isObject(value)) return 'object';
  return 'other';
}

function checkShape(event: WireEvent, wireType: string, shape: Shape | undefined): Problem | undefined {
  if (!shape) return undefined;
  for (const key in shape) {
    const want = shape[key]!;
    const got = kindOf(event[key]);
    if (got !== want) return fieldProblem(wireType, key, want, hasOwn(event, key));
  }
  return undefined;
}

/** A field of a server or client event that is missing (`present` false) or not of the kind expected. */
export function fieldProblem(wireType: string, field: string, want: Kind, present: boolean): Problem {
  return present
    ? {
        english: `'${wireType}' has an invalid '${field}': expected ${want === 'array' || want === 'object' ? 'an' : 'a'} ${want}.`,
        said: say('protocol.fieldInvalid', { event: wireType, field, expected: want }),
      }
    : { english: `'${wireType}' is missing '${field}'.`, said: say('protocol.fieldMissing', { event: wireType, field }) };
}

/** `undefined` when the GA-typed event carries what the engine reads; else what is wrong. */
export function checkServer(event: WireEvent, gaType: string, wireType = gaType): Problem | undefined {
  return checkShape(event, wireType, SERVER_SHAPES[gaType as ServerType]);
}

export function checkClient(event: WireEvent, gaType: string, wireType = gaType): Problem | undefined {
  return checkShape(event, wireType, CLIENT_SHAPES[gaType as ClientType]);
}

/** A translation between shapes that threw. */
export function untranslatable(wireType: string, error: unknown): Problem {
  const detail = (error as Error).message;
  return { english: `Could not translate '${wireType}': ${detail}`, said: say('protocol.untranslatable', { event: wireType, detail }) };
}

/** A malformed event; a bare string is a problem from a codec not on keys yet (English only). */
export function fail<T>(problem: Problem | string, raw?: unknown): DecodeResult<T> {
  const failure = typeof problem === 'string' ? { ok: false as const, error: problem } : { ok: false as const, error: problem.english, said: problem.said };
  return raw === undefined ? failure : { ...failure, raw };
}
