import type { DecodeResult, Dialect, RealtimeClientEvent, RealtimeServerEvent, WireEvent } from './types';
import { checkClient, checkServer, fail, hasOwn, parseWire, snippet, untranslatable, type JsonObject } from './wire';
import {
  itemToBeta,
  itemToGa,
  responseParamsToBeta,
  responseParamsToGa,
  responseToBeta,
  responseToGa,
  sessionParamPathToGa,
  sessionToBeta,
  sessionToGa,
} from './beta-shapes';

/**
 * The beta protocol (`OpenAI-Beta: realtime=v1`, spoken by Azure preview deployments), translated
 * to and from the engine's GA events.
 *
 * Differences handled: event names (`response.audio.delta` = GA `response.output_audio.delta`,
 * `response.audio_transcript.*`, `response.text.*`; beta `conversation.item.created` = GA
 * `conversation.item.added`), flat session/response settings vs GA's `audio.{input,output}` block,
 * `pcm16` vs `{type:'audio/pcm',rate:24000}`, `modalities` vs `output_modalities`, and assistant
 * content parts `text`/`audio` vs `output_text`/`output_audio`.
 *
 * Normalisations (beta -> GA -> beta is otherwise lossless): `modalities` containing `audio`
 * come back as `["text","audio"]`; response.create's `max_output_tokens` (in OpenAI's example, not
 * in the beta schema) comes back as `max_response_output_tokens`.
 *
 * GA events beta cannot express: encodeClient throws (`output_audio_buffer.clear`, transcription
 * sessions, MCP items, image content); encodeServer returns null (`output_audio_buffer.*`,
 * `conversation.item.done`, MCP events, ...).
 */

/** Beta server event types with their GA names. Types absent here are not modelled (`unknown`). */
const SERVER_TO_GA: Record<string, string> = {
  'conversation.created': 'conversation.created',
  'conversation.item.created': 'conversation.item.added',
  'conversation.item.deleted': 'conversation.item.deleted',
  'conversation.item.retrieved': 'conversation.item.retrieved',
  'conversation.item.truncated': 'conversation.item.truncated',
  'conversation.item.input_audio_transcription.completed': 'conversation.item.input_audio_transcription.completed',
  'conversation.item.input_audio_transcription.delta': 'conversation.item.input_audio_transcription.delta',
  'conversation.item.input_audio_transcription.failed': 'conversation.item.input_audio_transcription.failed',
  error: 'error',
  'input_audio_buffer.cleared': 'input_audio_buffer.cleared',
  'input_audio_buffer.committed': 'input_audio_buffer.committed',
  'input_audio_buffer.speech_started': 'input_audio_buffer.speech_started',
  'input_audio_buffer.speech_stopped': 'input_audio_buffer.speech_stopped',
  'rate_limits.updated': 'rate_limits.updated',
  'response.created': 'response.created',
  'response.done': 'response.done',
  'response.output_item.added': 'response.output_item.added',
  'response.output_item.done': 'response.output_item.done',
  'response.content_part.added': 'response.content_part.added',
  'response.content_part.done': 'response.content_part.done',
  'response.audio.delta': 'response.output_audio.delta',
  'response.audio.done': 'response.output_audio.done',
  'response.audio_transcript.delta': 'response.output_audio_transcript.delta',
  'response.audio_transcript.done': 'response.output_audio_transcript.done',
  'response.text.delta': 'response.output_text.delta',
  'response.text.done': 'response.output_text.done',
  'response.function_call_arguments.delta': 'response.function_call_arguments.delta',
  'response.function_call_arguments.done': 'response.function_call_arguments.done',
  'session.created': 'session.created',
  'session.updated': 'session.updated',
};

const SERVER_TO_BETA: Record<string, string> = {
  ...Object.fromEntries(Object.entries(SERVER_TO_GA).map(([beta, ga]) => [ga, beta])),
  // GA still documents `conversation.item.created`; beta says the same thing with the same name.
  'conversation.item.created': 'conversation.item.created',
};

/** Beta client event types the engine's GA vocabulary can hold (same names in both). */
const CLIENT_TYPES = new Set([
  'conversation.item.create',
  'conversation.item.delete',
  'conversation.item.retrieve',
  'conversation.item.truncate',
  'input_audio_buffer.append',
  'input_audio_buffer.clear',
  'input_audio_buffer.commit',
  'response.cancel',
  'response.create',
  'session.update',
]);

type Translate = (value: unknown) => unknown;

/** The nested field each event type carries that needs translating. */
const SERVER_BODY_TO_GA: Record<string, [string, Translate]> = {
  'session.created': ['session', sessionToGa],
  'session.updated': ['session', sessionToGa],
  'response.created': ['response', responseToGa],
  'response.done': ['response', responseToGa],
  'conversation.item.added': ['item', itemToGa],
  'conversation.item.retrieved': ['item', itemToGa],
  'response.output_item.added': ['item', itemToGa],
  'response.output_item.done': ['item', itemToGa],
};

const toBetaItem: Translate = (item) => itemToBeta(item, false);
const SERVER_BODY_TO_BETA: Record<string, [string, Translate]> = {
  'session.created': ['session', sessionToBeta],
  'session.updated': ['session', sessionToBeta],
  'response.created': ['response', responseToBeta],
  'response.done': ['response', responseToBeta],
  'conversation.item.added': ['item', toBetaItem],
  'conversation.item.created': ['item', toBetaItem],
  'conversation.item.retrieved': ['item', toBetaItem],
  'response.output_item.added': ['item', toBetaItem],
  'response.output_item.done': ['item', toBetaItem],
};

const CLIENT_BODY_TO_GA: Record<string, [string, Translate]> = {
  'session.update': ['session', sessionToGa],
  'response.create': ['response', responseParamsToGa],
  'conversation.item.create': ['item', itemToGa],
};

const CLIENT_BODY_TO_BETA: Record<string, [string, Translate]> = {
  'session.update': ['session', sessionToBeta],
  'response.create': ['response', responseParamsToBeta],
  'conversation.item.create': ['item', (item) => itemToBeta(item, true)],
};

/**
 * The event under its other name with its body translated. Shallow: untouched fields (an audio
 * delta's base64 string) are shared, not copied. `owned` objects (parsed here) are reused.
 */
function translate(event: JsonObject, type: string, body: [string, Translate] | undefined, owned: boolean): WireEvent {
  const out: JsonObject = owned ? event : { ...event };
  out.type = type;
  if (body) {
    const [key, fn] = body;
    if (hasOwn(event, key)) out[key] = fn(event[key]);
  }
  return out as WireEvent;
}

function lookup<T>(map: Record<string, T>, key: string): T | undefined {
  return hasOwn(map, key) ? map[key] : undefined;
}

export const betaDialect: Dialect = {
  name: 'beta',
  handshakeHeaders: Object.freeze({ 'OpenAI-Beta': 'realtime=v1' }) as Record<string, string>,

  encodeClient(event: RealtimeClientEvent): WireEvent {
    if (!CLIENT_TYPES.has(event.type)) {
      throw new Error(`'${event.type}' cannot be sent over the beta Realtime protocol.`);
    }
    const body = lookup(CLIENT_BODY_TO_BETA, event.type);
    if (!body) return event as unknown as WireEvent;
    return translate(event as unknown as JsonObject, event.type, body, false);
  },

  decodeClient(wire: unknown): DecodeResult<RealtimeClientEvent> {
    const parsed = parseWire(wire);
    if (!parsed.ok) return parsed;
    const { event } = parsed;
    if (!CLIENT_TYPES.has(event.type)) return { ok: 'unknown', type: event.type };
    const problem = checkClient(event, event.type);
    if (problem) return fail(problem, snippet(wire));
    try {
      const body = lookup(CLIENT_BODY_TO_GA, event.type);
      const out = body ? translate(event, event.type, body, typeof wire === 'string') : event;
      return { ok: true, event: out as unknown as RealtimeClientEvent };
    } catch (err) {
      return fail(untranslatable(event.type, err), snippet(wire));
    }
  },

  encodeServer(event: RealtimeServerEvent): WireEvent | null {
    const type = lookup(SERVER_TO_BETA, event.type);
    if (!type) return null;
    const body = lookup(SERVER_BODY_TO_BETA, event.type);
    if (event.type === 'response.function_call_arguments.done') {
      // Beta does not name the function here (its output_item.done does).
      const { name: _name, ...rest } = event;
      return rest as unknown as WireEvent;
    }
    if (type === event.type && !body) return event as unknown as WireEvent;
    return translate(event as unknown as JsonObject, type, body, false);
  },

  decodeServer(wire: unknown): DecodeResult<RealtimeServerEvent> {
    const parsed = parseWire(wire);
    if (!parsed.ok) return parsed;
    const { event } = parsed;
    const wireType = event.type;
    const type = lookup(SERVER_TO_GA, wireType);
    if (!type) return { ok: 'unknown', type: wireType };
    const problem = checkServer(event, type, wireType);
    if (problem) return fail(problem, snippet(wire));
    const body = lookup(SERVER_BODY_TO_GA, type);
    if (type === wireType && !body) return { ok: true, event: event as unknown as RealtimeServerEvent };
    try {
      return { ok: true, event: translate(event, type, body, typeof wire === 'string') as unknown as RealtimeServerEvent };
    } catch (err) {
      // The translations do not throw on this direction; this guards the "never throws" promise.
      return fail(untranslatable(wireType, err), snippet(wire));
    }
  },

  sessionParamPath: sessionParamPathToGa,
};
