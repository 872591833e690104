import { getDialect } from '../engine/realtime/dialects';
import type {
  DecodeResult,
  DialectName,
  RealtimeClientEvent,
  RealtimeServerEvent,
  WireEvent,
} from '../engine/realtime/dialects/types';
import { specValidator } from '../engine/realtime/spec/validator';

/**
 * The simulator's only door to the wire: it thinks in GA events and lets the dialect translate.
 * Server events with no counterpart in the connection's dialect (GA's `conversation.item.done` on a
 * beta connection, say) are not sent at all.
 */
export interface WireCodec {
  readonly dialect: DialectName;
  decodeClient(wire: unknown): DecodeResult<RealtimeClientEvent>;
  /** The wire object to send, or undefined when the dialect has no such event. */
  encodeServer(event: RealtimeServerEvent): WireEvent | undefined;
}

export function wireCodec(name: DialectName): WireCodec {
  const dialect = getDialect(name);
  const spec = specValidator(name);
  return {
    dialect: name,
    decodeClient: (wire) => dialect.decodeClient(wire),
    encodeServer: (event) => {
      const wire = dialect.encodeServer(event);
      if (!wire || !spec.schemaName('server', wire.type)) return undefined;
      return name === 'beta' ? conformToBetaSchema(wire) : wire;
    },
  };
}

/**
 * The beta schema is stricter than the beta server it describes (its own examples fail it): no
 * `in_progress` status on responses or items, no `audio` content part type, no null
 * `previous_item_id` (sent as ''). Real beta servers
 * send both; we leave out just those values so every event we send validates. Copies, never
 * mutates: the dialect may share objects with the session's own state.
 */
function conformToBetaSchema(wire: WireEvent): WireEvent {
  let out = wire;
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
