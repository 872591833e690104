import type { RealtimeClientEvent, RealtimeServerEvent } from 'openai/resources/realtime/realtime';
import type { EngineMessage } from '../../messages';

/**
 * A dialect translates between the engine's event shapes (always GA, typed by the `openai`
 * package) and one wire protocol. Both directions exist for both sides, so the simulator can speak
 * any dialect with the same code and round trips can be tested.
 */

export type DialectName = 'ga' | 'beta';

export type { RealtimeClientEvent, RealtimeServerEvent };

/** Wire JSON as sent or received: an object with a string `type`. */
export type WireEvent = { type: string; [key: string]: unknown };

export type DecodeResult<T> =
  | { ok: true; event: T }
  /**
   * Known to be malformed (bad JSON, no type, missing fields the engine depends on): `said` for
   * people (messages.ts; missing from a codec not on keys yet), `error` the same in English (logs,
   * the simulator's replies).
   */
  | { ok: false; error: string; said?: EngineMessage; raw?: unknown }
  /** Well-formed but a type this dialect does not model: ignore it, do not report it. */
  | { ok: 'unknown'; type: string };

export interface Dialect {
  readonly name: DialectName;
  /** Extra HTTP headers the handshake needs (beta: `OpenAI-Beta: realtime=v1`). */
  readonly handshakeHeaders: Record<string, string>;
  /** Engine (GA) client event -> wire JSON object. */
  encodeClient(event: RealtimeClientEvent): WireEvent;
  /** Wire text or object -> GA client event (the simulator's inbound side). */
  decodeClient(wire: string | unknown): DecodeResult<RealtimeClientEvent>;
  /**
   * GA server event -> wire JSON object (the simulator's outbound side). `null` when this dialect
   * has no way to express the event (e.g. `output_audio_buffer.started` in beta): skip it.
   */
  encodeServer(event: RealtimeServerEvent): WireEvent | null;
  /** Wire text or object -> GA server event (the engine's inbound side). Never throws. */
  decodeServer(wire: string | unknown): DecodeResult<RealtimeServerEvent>;
  /** A session field as an error's `param` names it (`speed`, without `session.`) -> its path in the GA session (`audio.output.speed`). */
  sessionParamPath(param: string): string[];
}
