import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CHECK_EVERY_MS, CheckSchedule, FIRST_CHECK_AFTER_MS } from '../../src/main/updates/schedule';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('the update schedule', () => {
  it('checks shortly after start, then every six hours, and never more often (a failure waits too)', () => {
    const check = vi.fn();
    const schedule = new CheckSchedule(check, () => false);
    schedule.start();
    schedule.start(); // a second start (settings applied again) does not add a timer
    vi.advanceTimersByTime(FIRST_CHECK_AFTER_MS - 1);
    expect(check).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(check).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(CHECK_EVERY_MS - 1);
    expect(check).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1);
    expect(check).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(2 * CHECK_EVERY_MS);
    expect(check).toHaveBeenCalledTimes(4);
    schedule.stop();
  });

  it('a check due during a conversation runs when it ends, once', () => {
    const check = vi.fn();
    let busy = true;
    const schedule = new CheckSchedule(check, () => busy);
    schedule.start();
    vi.advanceTimersByTime(FIRST_CHECK_AFTER_MS + CHECK_EVERY_MS);
    expect(check).not.toHaveBeenCalled();
    schedule.idle(); // still busy
    expect(check).not.toHaveBeenCalled();
    busy = false;
    schedule.idle();
    schedule.idle();
    expect(check).toHaveBeenCalledTimes(1);
    schedule.stop();
  });

  it('stopped (updates turned off): nothing runs, and nothing is left due', () => {
    const check = vi.fn();
    let busy = true;
    const schedule = new CheckSchedule(check, () => busy);
    schedule.start();
    vi.advanceTimersByTime(FIRST_CHECK_AFTER_MS);
    schedule.stop();
    busy = false;
    schedule.idle();
    vi.advanceTimersByTime(10 * CHECK_EVERY_MS);
    expect(check).not.toHaveBeenCalled();
    expect(schedule.running).toBe(false);
  });
});
