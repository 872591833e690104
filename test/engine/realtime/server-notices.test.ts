import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RateLimitsUpdatedEvent, RealtimeErrorEvent } from 'openai/resources/realtime/realtime';
import { RateLimitWatch, describeServerError } from '../../../src/engine/realtime/server-notices';

const error = (e: Partial<RealtimeErrorEvent['error']>): RealtimeErrorEvent => ({ type: 'error', event_id: 'e', error: e as RealtimeErrorEvent['error'] });
const limits = (...l: RateLimitsUpdatedEvent['rate_limits']): RateLimitsUpdatedEvent => ({ type: 'rate_limits.updated', event_id: 'e', rate_limits: l });

describe('describeServerError', () => {
  it('gives each kind of server error event its code and one readable line', () => {
    expect(describeServerError(error({ type: 'invalid_request_error', code: 'session_expired', message: 'Your session hit the maximum duration of 60 minutes.' }))).toEqual({
      code: 'session-expired',
      message: 'Your session hit the maximum duration of 60 minutes. (session_expired)',
      said: { key: 'error.serverSaid', params: { detail: 'Your session hit the maximum duration of 60 minutes. (session_expired)' } },
    });
    expect(describeServerError(error({ type: 'invalid_request_error', code: 'invalid_api_key', message: 'Incorrect API key provided.' })).code).toBe('auth');
    expect(describeServerError(error({ type: 'rate_limit_error', message: 'Slow down.' })).code).toBe('rate-limit');
    expect(describeServerError(error({ type: 'invalid_request_error', code: 'rate_limit_exceeded', message: 'x' })).code).toBe('rate-limit');
    expect(describeServerError(error({ type: 'invalid_request_error', code: 'model_not_found', message: 'x' })).code).toBe('not-found');
    expect(describeServerError(error({ type: 'server_error', message: 'The server had an error\n while processing.' }))).toEqual({
      code: 'server',
      message: 'The server had an error while processing. (server_error)',
      said: { key: 'error.serverSaid', params: { detail: 'The server had an error while processing. (server_error)' } },
    });
  });

  it('copes with whatever the error object holds', () => {
    fc.assert(
      fc.property(fc.anything(), (e) => {
        const info = describeServerError({ type: 'error', event_id: 'e', error: e } as unknown as RealtimeErrorEvent);
        expect(info.message.length).toBeGreaterThan(0);
        expect(info.message.length).toBeLessThanOrEqual(300);
        expect(info.message).not.toMatch(/\n/);
      }),
      { numRuns: 500 },
    );
  });
});

describe('RateLimitWatch', () => {
  it('speaks once when a limit runs out and once when it is back', () => {
    const w = new RateLimitWatch();
    expect(w.update(limits({ name: 'requests', limit: 100, remaining: 50, reset_seconds: 10 }))).toBeNull();
    expect(w.update(limits({ name: 'tokens', limit: 1000, remaining: 0, reset_seconds: 12.2 }))).toMatchObject({ message: 'Rate limit reached for tokens; it resets in 13 s.' });
    expect(w.limited).toBe(true);
    expect(w.update(limits({ name: 'tokens', limit: 1000, remaining: 0, reset_seconds: 5 }))).toBeNull();
    expect(w.update(limits({ name: 'requests', remaining: 0, reset_seconds: 90 }), )).toMatchObject({ message: 'Rate limit reached for requests; it resets in 2 min.' });
    expect(w.update(limits({ name: 'tokens', remaining: 10 }))).toBeNull(); // requests still out
    expect(w.update(limits({ name: 'requests', remaining: 3 }))).toMatchObject({ message: 'The rate limit has reset.' });
    expect(w.limited).toBe(false);
  });

  it('ignores malformed lists', () => {
    const w = new RateLimitWatch();
    expect(w.update({ type: 'rate_limits.updated', event_id: 'e', rate_limits: [null, 7, {}] } as unknown as RateLimitsUpdatedEvent)).toBeNull();
    expect(w.update({ type: 'rate_limits.updated', event_id: 'e' } as unknown as RateLimitsUpdatedEvent)).toBeNull();
  });
});
