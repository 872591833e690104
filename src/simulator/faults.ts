/**
 * Fault injection for resilience tests: what a flaky network or a misbehaving server does.
 * Event counts are 1-based and count every server frame the session sends (`session.created` first
 * on Realtime; on GPT-Live, whatever answers the client's first event).
 */
export interface FaultPlan {
  /** Drop the TCP connection (no close frame) right after sending this many events. */
  dropAfterEvents?: number;
  /** Hold every server event back this many ms (order is kept). */
  delayMs?: number;
  /** Send a frame that is not valid JSON in place of event number N. */
  malformedAtEvent?: number;
  /** Send an event of a type no dialect knows just before event number N. */
  unknownEventAtEvent?: number;
  /**
   * After this many ms, end the session the way the service does at its time limit, then close:
   * Realtime sends the `session_expired` error; GPT-Live sends `session.closed` with reason `expired`
   * (counted from `session.started`).
   */
  sessionExpiredAfterMs?: number;
  /** GPT-Live: after this many ms from `session.started`, `session.closed` with reason `content` (a safety filter), then close. */
  contentCloseAfterMs?: number;
}

/** One plan for every connection, or a plan per connection (0-based connection index). */
export type FaultOption = FaultPlan | ((connectionIndex: number) => FaultPlan | undefined);

export function faultsFor(option: FaultOption | undefined, connectionIndex: number): FaultPlan {
  if (!option) return {};
  return (typeof option === 'function' ? option(connectionIndex) : option) ?? {};
}

export const MALFORMED_FRAME = '{"type":"response.output_audio.delta","delta":"AAAA';
export const UNKNOWN_EVENT_TYPE = 'simulator.unknown_event';
