import type { DecodeResult, Dialect, RealtimeClientEvent, RealtimeServerEvent, WireEvent } from './types';
import { GA_CLIENT_TYPES, GA_SERVER_TYPES, checkClient, checkServer, fail, parseWire, snippet } from './wire';

/**
 * The GA protocol is the engine's own vocabulary: encoding is the identity, decoding is parsing
 * plus the shape checks of the fields the engine reads. No copies are made.
 */
export const gaDialect: Dialect = {
  name: 'ga',
  handshakeHeaders: Object.freeze({}) as Record<string, string>,

  encodeClient(event: RealtimeClientEvent): WireEvent {
    return event as unknown as WireEvent;
  },

  decodeClient(wire: unknown): DecodeResult<RealtimeClientEvent> {
    const parsed = parseWire(wire);
    if (!parsed.ok) return parsed;
    const { event } = parsed;
    if (!GA_CLIENT_TYPES.has(event.type)) return { ok: 'unknown', type: event.type };
    const problem = checkClient(event, event.type);
    if (problem) return fail(problem, snippet(wire));
    return { ok: true, event: event as unknown as RealtimeClientEvent };
  },

  encodeServer(event: RealtimeServerEvent): WireEvent {
    return event as unknown as WireEvent;
  },

  decodeServer(wire: unknown): DecodeResult<RealtimeServerEvent> {
    const parsed = parseWire(wire);
    if (!parsed.ok) return parsed;
    const { event } = parsed;
    if (!GA_SERVER_TYPES.has(event.type)) return { ok: 'unknown', type: event.type };
    const problem = checkServer(event, event.type);
    if (problem) return fail(problem, snippet(wire));
    return { ok: true, event: event as unknown as RealtimeServerEvent };
  },

  sessionParamPath(param: string): string[] {
    return param.split('.');
  },
};
