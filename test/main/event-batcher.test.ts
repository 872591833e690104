import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AssistantEvent } from '../../src/shared/ipc';
import { EventBatcher } from '../../src/main/event-batcher';

const level = (db: number): AssistantEvent => ({ type: 'levels', input: { rmsDb: db, peakDb: db }, output: { rmsDb: -100, peakDb: -100 } });

describe('EventBatcher', () => {
  afterEach(() => vi.useRealTimers());

  it('1000 level events in 100 ms become at most 7 messages, the last carrying the latest level', () => {
    vi.useFakeTimers();
    const messages: AssistantEvent[][] = [];
    const batcher = new EventBatcher((events) => messages.push(events));
    for (let i = 0; i < 1000; i += 1) {
      batcher.push(level(-60 + (i % 50)));
      vi.advanceTimersByTime(0.1);
    }
    vi.advanceTimersByTime(20);
    expect(messages.length).toBeGreaterThanOrEqual(6);
    expect(messages.length).toBeLessThanOrEqual(7);
    for (const message of messages) expect(message.filter((e) => e.type === 'levels')).toHaveLength(1);
    expect(messages.at(-1)?.at(-1)).toEqual(level(-60 + (999 % 50)));
  });

  it('keeps every other event, in order, in the same batch as the levels', () => {
    vi.useFakeTimers();
    const messages: AssistantEvent[][] = [];
    const batcher = new EventBatcher((events) => messages.push(events));
    const events: AssistantEvent[] = [
      { type: 'state', state: 'listening' },
      { type: 'transcript.delta', speaker: 'user', itemId: 'a', delta: 'he' },
      { type: 'transcript.delta', speaker: 'user', itemId: 'a', delta: 'llo' },
      { type: 'state', state: 'thinking' },
    ];
    batcher.push(events[0] as AssistantEvent);
    batcher.push(level(-30));
    batcher.push(events[1] as AssistantEvent);
    batcher.push(level(-20));
    batcher.push(events[2] as AssistantEvent);
    batcher.push(events[3] as AssistantEvent);
    expect(messages).toHaveLength(0);
    vi.advanceTimersByTime(16);
    expect(messages).toEqual([[...events, level(-20)]]);
  });

  it('sends nothing and keeps no timer while idle', () => {
    vi.useFakeTimers();
    const send = vi.fn();
    const batcher = new EventBatcher(send);
    vi.advanceTimersByTime(1000);
    expect(send).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
    batcher.push(level(-10));
    vi.advanceTimersByTime(16);
    expect(send).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(0);
  });
});
