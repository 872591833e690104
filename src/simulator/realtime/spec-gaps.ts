import type { WireEvent } from '../../engine/realtime/dialects/types';

/**
 * Where the vendored schemas and the servers they describe disagree, and what the simulator does
 * about it. Outgoing: it sends only schema-valid events, leaving out values the real server sends but
 * the schema forbids. Incoming: it accepts what the schema's own descriptions allow.
 */

/**
 * Session fields whose schema descriptions say "can be set to `null` to turn off" while the schema
 * has them non-nullable (beta: all three; GA: transcription and noise_reduction; GA turn_detection
 * is properly nullable). Clients send these nulls (manual turns, transcription off).
 */
const DOCUMENTED_NULLS = ['turn_detection', 'input_audio_transcription', 'input_audio_noise_reduction', 'transcription', 'noise_reduction'];

/** A copy of a client event to validate, without the documented-nullable fields that are null. */
export function withoutDocumentedNulls(event: unknown): unknown {
  const e = event as { type?: unknown; session?: unknown };
  if (e?.type !== 'session.update' || typeof e.session !== 'object' || e.session === null) return event;
  const session = dropNulls(e.session as Record<string, unknown>);
  const audio = session.audio as { input?: unknown } | undefined;
  if (audio && typeof audio.input === 'object' && audio.input !== null) {
    session.audio = { ...audio, input: dropNulls(audio.input as Record<string, unknown>) };
  }
  return { ...e, session };
}

function dropNulls(obj: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(obj).filter(([k, v]) => !(v === null && DOCUMENTED_NULLS.includes(k))));
}

/**
 * The beta schema is stricter than the beta server it describes (its own examples fail it): no
 * `in_progress` status on responses or items, no `audio` content part type, no null
 * `previous_item_id` (sent as ''), no null `turn_detection` or transcription settings (left out). Real beta servers
 * send both; we leave out just those values so every event we send validates. Copies, never
 * mutates: the dialect may share objects with the session's own state.
 */
export function conformToBetaSchema(wire: WireEvent): WireEvent {
  let out = wire;
  // A session with VAD or transcription off: the beta schema has no null for them; leave them out.
  if (typeof wire.session === 'object' && wire.session !== null) {
    out = { ...out, session: dropNulls(wire.session as Record<string, unknown>) };
  }
  // Required and string-typed in the beta schema; the real server sends null for the first item.
  if (wire.previous_item_id === null) out = { ...out, previous_item_id: '' };
  const response = wire.response as { status?: string; output?: unknown[] } | undefined;
  if (response && typeof response === 'object') {
    const { status, output, ...rest } = response;
    out = {
      ...out,
      response: {
        ...rest,
        ...(status !== undefined && status !== 'in_progress' ? { status } : {}),
        ...(output ? { output: output.map(conformItem) } : {}),
      },
    };
  }
  if (wire.item && typeof wire.item === 'object') out = { ...out, item: conformItem(wire.item) };
  return out;
}

function conformItem(item: unknown): unknown {
  const { status, content, ...rest } = item as { status?: string; content?: Array<{ type?: string }> };
  return {
    ...rest,
    ...(status !== undefined && status !== 'in_progress' ? { status } : {}),
    ...(content ? { content: content.map(({ type, ...part }) => (type === 'audio' ? part : { type, ...part })) } : {}),
  };
}
