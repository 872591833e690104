import type { RateLimitsUpdatedEvent, RealtimeErrorEvent } from 'openai/resources/realtime/realtime';
import type { ErrorCode } from '../events';
import { say, type EngineMessage } from '../messages';

/**
 * What the server's in-session `error` and `rate_limits.updated` events mean for the user: one
 * clear line each, with an ErrorCode front ends can act on. Pure: no state beyond RateLimitWatch's
 * memory of what it already said.
 */

export interface ServerErrorInfo {
  code: ErrorCode;
  message: string;
  /** The same for front ends to put into words. */
  said: EngineMessage;
}

/** A notice about the rate limits: the English line (logs) and its catalogue key. */
export interface RateLimitNotice {
  message: string;
  said: EngineMessage;
}

const MESSAGE_LIMIT = 300;

/** Error codes that say the key or its access is the problem, not this request. */
const AUTH_CODES = new Set(['invalid_api_key', 'insufficient_quota_for_model', 'unauthorized', 'forbidden']);
const RATE_CODES = new Set(['rate_limit_exceeded', 'insufficient_quota', 'too_many_requests']);
const NOT_FOUND_CODES = new Set(['model_not_found', 'deployment_not_found', 'DeploymentNotFound']);

/**
 * Since 2026-05-12 OpenAI answers the beta Realtime shape (`OpenAI-Beta: realtime=v1`) with this
 * error and closes with code 4000; Azure's preview API is deprecated. No retry can fix it: the
 * settings must change.
 */
export const BETA_RETIRED_CODE = 'beta_api_shape_disabled';
export const BETA_RETIRED_CLOSE_CODE = 4000;
export const BETA_RETIRED_MESSAGE =
  'This server no longer accepts the beta Realtime API shape (beta_api_shape_disabled). Set the Realtime dialect to GA; on Azure, also clear the API version so Kaiwa uses the /openai/v1 endpoint.';

export function describeServerError(event: RealtimeErrorEvent): ServerErrorInfo {
  const error = (event.error ?? {}) as Partial<RealtimeErrorEvent['error']>;
  const code = typeof error.code === 'string' ? error.code : undefined;
  if (code === BETA_RETIRED_CODE) return { code: 'config', message: BETA_RETIRED_MESSAGE, said: say('error.betaRetired') };
  const type = typeof error.type === 'string' ? error.type : undefined;
  const text = typeof error.message === 'string' && error.message.trim() !== '' ? oneLine(error.message) : 'The server reported an error.';
  const tag = code ?? type;
  const message = tag && !text.includes(tag) ? `${text} (${tag})` : text;
  return { code: errorCode(code, type), message: clip(message), said: say('error.serverSaid', { detail: clip(message) }) };
}

function errorCode(code: string | undefined, type: string | undefined): ErrorCode {
  if (code === 'session_expired') return 'session-expired';
  if (code && AUTH_CODES.has(code)) return 'auth';
  if ((code && RATE_CODES.has(code)) || type === 'rate_limit_error' || type === 'insufficient_quota') return 'rate-limit';
  if (code && NOT_FOUND_CODES.has(code)) return 'not-found';
  if (type === 'authentication_error' || type === 'permission_error') return 'auth';
  return 'server';
}

/**
 * Watches `rate_limits.updated` and speaks up once when a limit runs out ("Rate limit reached
 * for tokens; it resets in 12 s.") and once when it is available again, not on every update.
 */
export class RateLimitWatch {
  private readonly exhausted = new Set<string>();

  update(event: RateLimitsUpdatedEvent): RateLimitNotice | null {
    const limits = Array.isArray(event.rate_limits) ? event.rate_limits : [];
    const now: { name: string; reset?: number }[] = [];
    const seen = new Set<string>();
    for (const limit of limits) {
      if (typeof limit !== 'object' || limit === null) continue;
      const name = typeof limit.name === 'string' ? limit.name : 'requests';
      seen.add(name);
      if (typeof limit.remaining === 'number' && limit.remaining <= 0) {
        now.push({ name, ...(typeof limit.reset_seconds === 'number' && limit.reset_seconds >= 0 ? { reset: limit.reset_seconds } : {}) });
      }
    }
    const fresh = now.filter((l) => !this.exhausted.has(l.name));
    const recovered = [...this.exhausted].filter((name) => seen.has(name) && !now.some((l) => l.name === name));
    for (const l of fresh) this.exhausted.add(l.name);
    for (const name of recovered) this.exhausted.delete(name);
    if (fresh.length > 0) {
      const names = fresh.map((l) => l.name).join(' and ');
      const reset = Math.max(...fresh.map((l) => l.reset ?? 0));
      return reset > 0
        ? { message: `Rate limit reached for ${names}; it resets in ${formatSeconds(reset)}.`, said: say('notice.rateLimitReachedResets', { limits: names, resetMs: Math.ceil(reset) * 1000 }) }
        : { message: `Rate limit reached for ${names}.`, said: say('notice.rateLimitReached', { limits: names }) };
    }
    if (recovered.length > 0 && this.exhausted.size === 0) return { message: 'The rate limit has reset.', said: say('notice.rateLimitReset') };
    return null;
  }

  /** A limit is used up right now. */
  get limited(): boolean {
    return this.exhausted.size > 0;
  }
}

function formatSeconds(s: number): string {
  if (s < 60) return `${Math.ceil(s)} s`;
  const minutes = Math.ceil(s / 60);
  return `${minutes} min`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function clip(text: string): string {
  return text.length > MESSAGE_LIMIT ? `${text.slice(0, MESSAGE_LIMIT - 1)}…` : text;
}
