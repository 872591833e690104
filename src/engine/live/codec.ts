import type { ClientEvent, ServerEvent } from 'openai/resources/live/live';
import type { DecodeResult } from '../realtime/dialects';
import { fail, isObject, parseWire, snippet, type JsonObject } from '../realtime/dialects/wire';

/**
 * The GPT-Live wire codec. Client events are the `openai` package's `ClientEvent` as they are
 * (encoding is JSON, done by the connection). Server frames are parsed and the fields Kaiwa reads are shape-checked (`typeof`
 * only: an audio delta is never scanned), so a malformed frame becomes one protocol error and a
 * well-formed event of a type Kaiwa does not use is ignored. Decoding never throws.
 */

export type { ClientEvent as LiveClientEvent, ServerEvent as LiveServerEvent };

type ServerType = ServerEvent['type'];

/** Per server event type Kaiwa acts on: what must hold of it, or a problem. */
const CHECKS: Partial<Record<ServerType, (e: JsonObject) => string | null>> = {
  'session.started': (e) => need(e, 'session', isObject, 'an object') ?? need(e.session as JsonObject, 'id', isString, 'a string', 'session.id'),
  'session.output_audio.delta': (e) => need(e, 'delta', isString, 'a string'),
  'session.input_transcript.delta': transcriptDelta,
  'session.output_transcript.delta': transcriptDelta,
  'session.usage.updated': (e) => usage(e),
  'session.closed': (e) => need(e, 'reason', isString, 'a string') ?? usage(e),
  error: (e) =>
    need(e, 'error', isObject, 'an object') ?? need(e.error as JsonObject, 'message', isString, 'a string', 'error.message'),
  info: (e) => need(e, 'code', isString, 'a string') ?? need(e, 'message', isString, 'a string'),
};

/** Every server event type of the `openai` package's Live `ServerEvent` union. */
const SERVER_TYPES: ReadonlySet<string> = new Set<ServerType>([
  'session.started',
  'session.updated',
  'session.input_audio.muted',
  'session.input_audio.unmuted',
  'session.output_audio.fixture.playing',
  'session.output_audio.fixture.played',
  'session.instructions.appended',
  'session.thinking.appended',
  'session.commentary.appended',
  'session.input_audio.append',
  'session.output_audio.delta',
  'session.input_transcript.delta',
  'session.output_transcript.delta',
  'session.delegation.created',
  'decision.event',
  'decision.item.created',
  'decision.item.deleted',
  'response.event',
  'session.usage.updated',
  'session.closed',
  'error',
  'info',
  'transport.dtmf.received',
  'transport.dtmf.send',
  'transport.dtmf.sent',
  'transport.ringing',
  'transport.answered',
  'transport.failed',
]);

export function decodeLiveServer(wire: string | unknown): DecodeResult<ServerEvent> {
  const parsed = parseWire(wire);
  if (!parsed.ok) return parsed;
  const { event } = parsed;
  if (!SERVER_TYPES.has(event.type)) return { ok: 'unknown', type: event.type };
  const problem = CHECKS[event.type as ServerType]?.(event) ?? null;
  if (problem) return fail(`'${event.type}': ${problem}`, snippet(wire));
  return { ok: true, event: event as unknown as ServerEvent };
}

function transcriptDelta(e: JsonObject): string | null {
  return need(e, 'delta', isString, 'a string') ?? optional(e, 'start_ms', isNumber, 'a number') ?? optional(e, 'end_ms', isNumber, 'a number');
}

function usage(e: JsonObject): string | null {
  return need(e, 'usage', isObject, 'an object') ?? need(e.usage as JsonObject, 'seconds', isNumber, 'a number', 'usage.seconds');
}

function need(obj: JsonObject, key: string, test: (v: unknown) => boolean, what: string, name = key): string | null {
  return test(obj[key]) ? null : `'${name}' must be ${what}`;
}

function optional(obj: JsonObject, key: string, test: (v: unknown) => boolean, what: string): string | null {
  return obj[key] === undefined || obj[key] === null ? null : need(obj, key, test, what);
}

function isString(v: unknown): boolean {
  return typeof v === 'string';
}

function isNumber(v: unknown): boolean {
  return typeof v === 'number' && Number.isFinite(v);
}
