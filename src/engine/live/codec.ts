import type { ClientEvent, ServerEvent } from 'openai/resources/live/live';
import type { DecodeResult } from '../realtime/dialects';
import { fail, fieldProblem, isObject, parseWire, snippet, type JsonObject, type Kind, type Problem } from '../realtime/dialects/wire';

/**
 * The GPT-Live wire codec. Client events are the `openai` package's `ClientEvent` as they are
 * (encoding is JSON, done by the connection). Server frames are parsed and the fields Kaiwa reads are shape-checked (`typeof`
 * only: an audio delta is never scanned), so a malformed frame becomes one protocol error and a
 * well-formed event of a type Kaiwa does not use is ignored. Decoding never throws.
 */

export type { ClientEvent as LiveClientEvent, ServerEvent as LiveServerEvent };

type ServerType = ServerEvent['type'];

/** Per server event type Kaiwa acts on: what must hold of it, or a problem. */
const CHECKS: Partial<Record<ServerType, (e: JsonObject, type: string) => Problem | null>> = {
  'session.started': (e, t) => need(t, e, 'session', 'object') ?? need(t, e.session as JsonObject, 'id', 'string', 'session.id'),
  'session.output_audio.delta': (e, t) => need(t, e, 'delta', 'string'),
  'session.input_transcript.delta': transcriptDelta,
  'session.output_transcript.delta': transcriptDelta,
  'session.usage.updated': usage,
  'session.closed': (e, t) => need(t, e, 'reason', 'string') ?? usage(e, t),
  'session.delegation.created': (e, t) =>
    need(t, e, 'delegation', 'object') ??
    need(t, e.delegation as JsonObject, 'id', 'string', 'delegation.id') ??
    need(t, e.delegation as JsonObject, 'target', 'string', 'delegation.target'),
  // The nested Responses event is read field by field where it is used (session/live/delegations.ts).
  'response.event': (e, t) => need(t, e, 'event', 'object') ?? optional(t, e, 'delegation_id', 'string'),
  error: (e, t) => need(t, e, 'error', 'object') ?? need(t, e.error as JsonObject, 'message', 'string', 'error.message'),
  info: (e, t) => need(t, e, 'code', 'string') ?? need(t, e, 'message', 'string'),
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
  const problem = CHECKS[event.type as ServerType]?.(event, event.type) ?? null;
  if (problem) return fail(problem, snippet(wire));
  return { ok: true, event: event as unknown as ServerEvent };
}

function transcriptDelta(e: JsonObject, t: string): Problem | null {
  return need(t, e, 'delta', 'string') ?? optional(t, e, 'start_ms', 'number') ?? optional(t, e, 'end_ms', 'number');
}

function usage(e: JsonObject, t: string): Problem | null {
  return need(t, e, 'usage', 'object') ?? need(t, e.usage as JsonObject, 'seconds', 'number', 'usage.seconds');
}

const IS: Record<Exclude<Kind, 'array'>, (v: unknown) => boolean> = {
  string: (v) => typeof v === 'string',
  number: (v) => typeof v === 'number' && Number.isFinite(v),
  object: isObject,
};

function need(type: string, obj: JsonObject, key: string, kind: Exclude<Kind, 'array'>, name = key): Problem | null {
  return IS[kind](obj[key]) ? null : fieldProblem(type, name, kind, obj[key] !== undefined);
}

function optional(type: string, obj: JsonObject, key: string, kind: Exclude<Kind, 'array'>): Problem | null {
  return obj[key] === undefined || obj[key] === null ? null : need(type, obj, key, kind);
}
