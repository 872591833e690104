import { describe, expect, it } from 'vitest';
import {
  DEFAULT_BACKOFF,
  ReconnectPolicy,
  classify,
  fullJitter,
  parseRetryAfter,
  failureSaid,
  rolloverTimes,
  type Failure,
} from '../../../src/engine/realtime/reconnect';
import type { ErrorCode } from '../../../src/engine/events';

const handshake = (code: ErrorCode, status?: number, retryAfterMs?: number): Failure => ({
  kind: 'handshake',
  code,
  message: `refused (${status ?? code})`,
  ...(status !== undefined ? { status } : {}),
  ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
});
const closed = (code: number, reason = ''): Failure => ({ kind: 'close', close: { code, reason, wasClean: code !== 1006 } });

describe('fullJitter', () => {
  it('is uniform below a ceiling that doubles per attempt and stops at the maximum', () => {
    expect(fullJitter(1, 500, 30_000, () => 0)).toBe(0);
    expect(fullJitter(1, 500, 30_000, () => 0.999999)).toBe(499);
    expect(fullJitter(3, 500, 30_000, () => 0.5)).toBe(1000);
    expect(fullJitter(10, 500, 30_000, () => 0.5)).toBe(15_000);
    expect(fullJitter(1000, 500, 30_000, () => 0.999999)).toBeLessThan(30_000);
  });

  it('survives a broken random source', () => {
    expect(fullJitter(2, 500, 30_000, () => NaN)).toBe(0);
    expect(fullJitter(2, 500, 30_000, () => 7)).toBeLessThan(1000);
  });
});

describe('classify', () => {
  it.each([
    ['auth', 401],
    ['auth', 403],
    ['not-found', 404],
    ['config', 400],
    ['internal', undefined],
  ] as const)('never retries %s (%s)', (code, status) => {
    expect(classify(handshake(code, status))).toMatchObject({ retryable: false, code });
  });

  it.each([
    ['network', undefined],
    ['server', 500],
    ['server', 503],
    ['rate-limit', 429],
  ] as const)('retries %s (%s)', (code, status) => {
    expect(classify(handshake(code, status))).toMatchObject({ retryable: true, code, rateLimited: code === 'rate-limit' });
  });

  it('retries a dropped or closed connection, not a protocol or policy close', () => {
    for (const code of [1000, 1001, 1006, 1011, 1012, 1013, 4000]) expect(classify(closed(code)).retryable).toBe(true);
    for (const code of [1002, 1003, 1007, 1008, 1009]) expect(classify(closed(code))).toMatchObject({ retryable: false, code: 'protocol' });
  });
});

describe('ReconnectPolicy', () => {
  it('counts attempts, backs off exponentially with jitter, and gives up after maxAttempts', () => {
    const policy = new ReconnectPolicy({ baseMs: 100, maxMs: 1000, maxAttempts: 5, random: () => 0.999 });
    const delays: number[] = [];
    for (let i = 1; i <= 5; i++) {
      const d = policy.next(closed(1006));
      expect(d).toMatchObject({ retry: true, attempt: i });
      if (d.retry) delays.push(d.delayMs);
    }
    expect(delays).toEqual([99, 199, 399, 799, 999]);
    const last = policy.next(closed(1006));
    expect(last).toMatchObject({ retry: false, attempt: 5, code: 'network' });
    expect(last.retry === false && last.message).toMatch(/Could not reconnect after 5 attempts\. The connection closed \(1006\)/);
    expect(last.retry === false && last.said).toEqual({ key: 'failure.gaveUp', params: { attempts: 5, failure: { key: 'failure.closed', params: { code: 1006 } } } });
  });

  it('starts over at attempt 1 after reset()', () => {
    const policy = new ReconnectPolicy({ random: () => 0 });
    policy.next(closed(1006));
    policy.next(closed(1006));
    expect(policy.attempt).toBe(2);
    policy.reset();
    expect(policy.next(closed(1006))).toMatchObject({ retry: true, attempt: 1 });
  });

  it('does not count or delay a refusal it will not retry', () => {
    const policy = new ReconnectPolicy();
    const d = policy.next(handshake('auth', 401));
    // A failure without a key of its own (none of ours) says its English line inside one.
    expect(d).toEqual({ retry: false, attempt: 0, code: 'auth', message: 'refused (401)', said: { key: 'error.connectionFailed', params: { detail: 'refused (401)' } } });
    expect(policy.attempt).toBe(0);
  });

  it('waits longer after a 429, and at least what Retry-After asks', () => {
    const policy = new ReconnectPolicy({ random: () => 0.5 });
    const rateLimited = policy.next(handshake('rate-limit', 429));
    expect(rateLimited).toMatchObject({ retry: true, delayMs: DEFAULT_BACKOFF.rateLimitBaseMs / 2 });
    const told = new ReconnectPolicy({ random: () => 0.5 }).next(handshake('rate-limit', 429, 20_000));
    expect(told.retry && told.delayMs).toBe(20_000 + DEFAULT_BACKOFF.baseMs / 2);
    const absurd = new ReconnectPolicy({ random: () => 0 }).next(handshake('rate-limit', 429, 86_400_000));
    expect(absurd.retry && absurd.delayMs).toBe(5 * 60_000);
  });

  it('rejects nonsense options', () => {
    expect(() => new ReconnectPolicy({ baseMs: -1 })).toThrow(RangeError);
    expect(() => new ReconnectPolicy({ maxAttempts: 0 })).toThrow(RangeError);
    expect(() => new ReconnectPolicy({ maxMs: Infinity })).toThrow(RangeError);
  });
});

describe('parseRetryAfter', () => {
  it('reads delay-seconds and HTTP dates', () => {
    expect(parseRetryAfter('7')).toBe(7000);
    expect(parseRetryAfter(['3', '9'])).toBe(3000);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
  });

  it('ignores what it cannot read', () => {
    for (const v of [undefined, '', '  ', 'soon', '-5', '1.5']) expect(parseRetryAfter(v)).toBeUndefined();
  });
});

describe('rolloverTimes', () => {
  it('renews at 55 minutes by default, forced by 59, ahead of the 60-minute limit', () => {
    expect(rolloverTimes()).toEqual({ afterMs: 55 * 60_000, forceAfterMs: 59 * 60_000 });
    expect(rolloverTimes({ afterMs: 550 })).toEqual({ afterMs: 550, forceAfterMs: 590 });
    expect(rolloverTimes({ afterMs: 500, forceAfterMs: 100 })).toEqual({ afterMs: 500, forceAfterMs: 500 });
    expect(() => rolloverTimes({ afterMs: 0 })).toThrow(RangeError);
  });
});

describe('failureSaid', () => {
  it('names a close by its code, a final code by why, passes the server\'s reason on, and keys the beta retirement', () => {
    expect(failureSaid(closed(1006))).toEqual({ key: 'failure.closed', params: { code: 1006 } });
    expect(failureSaid(closed(1008, 'policy'))).toEqual({
      key: 'failure.serverSaid',
      params: { failure: { key: 'failure.closedPolicy', params: { code: 1008 } }, detail: 'policy' },
    });
    expect(failureSaid(closed(4000, 'beta_api_shape_disabled'))).toEqual({ key: 'error.betaRetired' });
    const said = { key: 'failure.refused', params: { host: 'h:1' } } as const;
    expect(failureSaid({ kind: 'handshake', code: 'network', message: 'x', said })).toBe(said);
  });
});
