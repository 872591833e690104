import type { ErrorCode } from '../events';
import type { CloseInfo } from './connection';
import { say, type EngineMessage, type EngineMessageKey } from '../messages';
import { BETA_RETIRED_CLOSE_CODE, BETA_RETIRED_CODE, BETA_RETIRED_MESSAGE } from './server-notices';

/**
 * When and how soon to reconnect. Pure: no timers, no sockets. The session keeper asks
 * `ReconnectPolicy.next(failure)` after every lost or refused connection and either waits the
 * returned delay or gives up with a message.
 *
 * Retry on what a later attempt can fix (network loss, a server close, 5xx, 429); never on what it
 * cannot (401/403 key, 404 model or deployment, a refused configuration): retrying those would only
 * hammer the server with the same bad request.
 */

/** What ended (or refused) a connection. */
export type Failure =
  /** The handshake failed: a `ConnectionError`'s code, HTTP status and Retry-After when known. */
  | { kind: 'handshake'; code: ErrorCode; status?: number; retryAfterMs?: number; message: string; said?: EngineMessage }
  /** An open connection closed. */
  | { kind: 'close'; close: CloseInfo };

export interface BackoffOptions {
  /** First delay's ceiling; doubles per attempt. Default 500 ms. */
  baseMs?: number;
  /** Ceiling of any delay. Default 30 s. */
  maxMs?: number;
  /** First delay's ceiling after a 429. Default 5 s. */
  rateLimitBaseMs?: number;
  /** Ceiling of any delay after a 429 (Retry-After may ask for more, up to 5 min). Default 60 s. */
  rateLimitMaxMs?: number;
  /** Attempts before giving up. Default 12 (about five minutes of network loss). */
  maxAttempts?: number;
  /** [0, 1). Injected so tests can pin the jitter. */
  random?: () => number;
}

export type RetryDecision =
  | { retry: true; attempt: number; delayMs: number }
  | { retry: false; attempt: number; code: ErrorCode; message: string; said: EngineMessage };

export const DEFAULT_BACKOFF = {
  baseMs: 500,
  maxMs: 30_000,
  rateLimitBaseMs: 5_000,
  rateLimitMaxMs: 60_000,
  maxAttempts: 12,
} as const;

const RETRY_AFTER_CAP_MS = 5 * 60_000;

/**
 * "Full jitter" (AWS Architecture Blog, "Exponential Backoff and Jitter"): a uniform delay in
 * [0, min(max, base * 2^(attempt-1))). Clients that lost the same server at the same moment spread
 * out instead of returning together.
 */
export function fullJitter(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(attempt - 1, 30)));
  return Math.floor(clamp01(random()) * ceiling);
}

/** WebSocket close codes after which a new connection cannot do better (RFC 6455 section 7.4.1). */
const FINAL_CLOSE_CODES: ReadonlyMap<number, [english: string, key: Extract<EngineMessageKey, `failure.closed${string}`>]> = new Map([
  [1002, ['the server reported a protocol error', 'failure.closedProtocolError']],
  [1003, ['the server refused data it cannot accept', 'failure.closedUnacceptable']],
  [1007, ['the server refused malformed data', 'failure.closedMalformed']],
  [1008, ['the server closed the connection for a policy violation', 'failure.closedPolicy']],
  [1009, ['a message was too big for the server', 'failure.closedTooBig']],
]);

export interface Classification {
  retryable: boolean;
  code: ErrorCode;
  rateLimited: boolean;
}

export function classify(failure: Failure): Classification {
  if (failure.kind === 'close') {
    if (isBetaRetired(failure.close)) return { retryable: false, code: 'config', rateLimited: false };
    const final = FINAL_CLOSE_CODES.has(failure.close.code);
    return { retryable: !final, code: final ? 'protocol' : 'network', rateLimited: false };
  }
  switch (failure.code) {
    case 'network':
    case 'server':
      return { retryable: true, code: failure.code, rateLimited: false };
    case 'rate-limit':
      return { retryable: true, code: 'rate-limit', rateLimited: true };
    default:
      // auth (401/403), not-found (404), config (other 4xx), internal: the same request fails again.
      return { retryable: false, code: failure.code, rateLimited: false };
  }
}

/**
 * OpenAI's close after `beta_api_shape_disabled` (the error event before it is the main signal).
 * Code 4000 alone is an application code other servers use for other things: it must name the cause.
 */
function isBetaRetired(close: CloseInfo): boolean {
  return close.code === BETA_RETIRED_CLOSE_CODE && close.reason.includes(BETA_RETIRED_CODE);
}

/** The failure in English, for logs (`failureSaid` is the same for people). */
export function describeFailure(failure: Failure): string {
  if (failure.kind === 'handshake') return failure.message;
  const { code, reason } = failure.close;
  if (isBetaRetired(failure.close)) return BETA_RETIRED_MESSAGE;
  const why = FINAL_CLOSE_CODES.get(code)?.[0];
  const said = reason ? `: ${reason}` : '';
  return why ? `The connection closed because ${why} (${code})${said}.` : `The connection closed (${code})${said}.`;
}

/** The failure for front ends to put into words; a close reason is the server's own text, passed on. */
export function failureSaid(failure: Failure): EngineMessage {
  if (failure.kind === 'handshake') return failure.said ?? say('error.connectionFailed', { detail: failure.message });
  const { code, reason } = failure.close;
  if (isBetaRetired(failure.close)) return say('error.betaRetired');
  const key = FINAL_CLOSE_CODES.get(code)?.[1];
  const closed = key ? say(key, { code }) : say('failure.closed', { code });
  return reason ? say('failure.serverSaid', { failure: closed, detail: reason }) : closed;
}

export class ReconnectPolicy {
  private readonly options: Required<BackoffOptions>;
  private attempts = 0;

  constructor(options: BackoffOptions = {}) {
    this.options = { ...DEFAULT_BACKOFF, random: Math.random, ...definedOnly(options) };
    const { baseMs, maxMs, rateLimitBaseMs, rateLimitMaxMs, maxAttempts } = this.options;
    for (const [name, value] of Object.entries({ baseMs, maxMs, rateLimitBaseMs, rateLimitMaxMs })) {
      if (!(value >= 0) || !Number.isFinite(value)) throw new RangeError(`backoff ${name} must be a finite number >= 0, got ${value}`);
    }
    if (!(maxAttempts >= 1)) throw new RangeError(`backoff maxAttempts must be >= 1, got ${maxAttempts}`);
  }

  /** Attempts made since the last `reset()` (the `n` of "reconnecting (attempt n)"). */
  get attempt(): number {
    return this.attempts;
  }

  /** A connection proved healthy: the next failure starts again at attempt 1. */
  reset(): void {
    this.attempts = 0;
  }

  /** Counts one more attempt and says whether and when to make it. */
  next(failure: Failure): RetryDecision {
    const { retryable, code, rateLimited } = classify(failure);
    const o = this.options;
    if (!retryable) return { retry: false, attempt: this.attempts, code, message: describeFailure(failure), said: failureSaid(failure) };
    if (this.attempts >= o.maxAttempts) {
      return {
        retry: false,
        attempt: this.attempts,
        code,
        message: `Could not reconnect after ${this.attempts} attempt${this.attempts === 1 ? '' : 's'}. ${describeFailure(failure)}`,
        said: say('failure.gaveUp', { attempts: this.attempts, failure: failureSaid(failure) }),
      };
    }
    const attempt = ++this.attempts;
    let delayMs = rateLimited
      ? fullJitter(attempt, o.rateLimitBaseMs, o.rateLimitMaxMs, o.random)
      : fullJitter(attempt, o.baseMs, o.maxMs, o.random);
    const retryAfter = failure.kind === 'handshake' ? failure.retryAfterMs : undefined;
    if (retryAfter !== undefined && retryAfter > 0) {
      // The server said when: wait at least that long (a little spread on top), never forever.
      delayMs = Math.min(RETRY_AFTER_CAP_MS, retryAfter + Math.floor(clamp01(o.random()) * o.baseMs));
    }
    return { retry: true, attempt, delayMs };
  }
}

/**
 * `Retry-After` (RFC 9110 section 10.2.3): delay-seconds or an HTTP date. Milliseconds from `now`,
 * or undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An IMF-fixdate names the weekday and month; Date.parse would also take '-5' or '1.5' as years.
  if (!/^[a-z]{3},/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/** OpenAI ends a Realtime session after 60 minutes (`session_expired`). */
export const SESSION_LIMIT_MS = 60 * 60_000;

export interface RolloverOptions {
  /** Renew the session this long after it opened. Default 55 min: five minutes to find a pause. */
  afterMs?: number;
  /** Renew even mid-turn once the session is this old. Default `afterMs * 59 / 55` (59 min). */
  forceAfterMs?: number;
}

export const DEFAULT_ROLLOVER = { afterMs: 55 * 60_000, forceAfterMs: 59 * 60_000 } as const;

export function rolloverTimes(options: RolloverOptions = {}): { afterMs: number; forceAfterMs: number } {
  const afterMs = options.afterMs ?? DEFAULT_ROLLOVER.afterMs;
  const forceAfterMs = Math.max(afterMs, options.forceAfterMs ?? Math.round((afterMs * 59) / 55));
  if (!(afterMs > 0) || !Number.isFinite(afterMs)) throw new RangeError(`rollover afterMs must be a positive number, got ${afterMs}`);
  return { afterMs, forceAfterMs };
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(Math.max(x, 0), 1 - Number.EPSILON) : 0;
}

function definedOnly<T extends object>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}
