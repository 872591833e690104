import { getDialect } from '../../engine/realtime/dialects';
import type {
  DecodeResult,
  DialectName,
  RealtimeClientEvent,
  RealtimeServerEvent,
  WireEvent,
} from '../../engine/realtime/dialects/types';
import { specValidator } from './spec/validator';
import { conformToBetaSchema } from './spec-gaps';

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
