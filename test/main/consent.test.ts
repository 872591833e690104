import { describe, expect, it } from 'vitest';
import type { AssistantEvent } from '../../src/engine/events';
import type { ConsentAnswer } from '../../src/engine/tools/types';
import { ConsentBroker } from '../../src/main/consent';

const request = (id: string, timeoutMs = 30_000): Extract<AssistantEvent, { type: 'consent.request' }> => ({
  type: 'consent.request',
  id,
  tool: 'read_clipboard',
  arguments: '{}',
  said: { key: 'tool.read_clipboard.consent' },
  timeoutMs,
});

function broker() {
  let now = 1_000;
  const answers: Array<[string, ConsentAnswer]> = [];
  // The engine as the broker sees it: it takes the first answer of a question it still waits on.
  const waiting = new Set<string>();
  const consent = new ConsentBroker((id, answer) => {
    if (!waiting.delete(id)) return false;
    answers.push([id, answer]);
    return true;
  }, () => now);
  const ask = (id: string, timeoutMs?: number) => {
    waiting.add(id);
    return consent.observe(request(id, timeoutMs));
  };
  return { consent, answers, waiting, ask, advance: (ms: number) => (now += ms) };
}

describe('ConsentBroker', () => {
  it('passes an answer to an open question on to the engine', () => {
    const { consent, answers, ask } = broker();
    expect(ask('q1')).toMatchObject({ type: 'consent.request', id: 'q1' });
    expect(consent.answer('q1', 'allow-always')).toEqual({ accepted: true });
    expect(answers).toEqual([['q1', 'allow-always']]);
  });

  it('refuses, without reaching the engine, an id never asked, one settled, or one past its time', () => {
    const { consent, answers, ask, advance } = broker();
    expect(consent.answer('made-up', 'allow')).toEqual({ accepted: false });
    ask('q1');
    consent.observe({ type: 'consent.settled', id: 'q1', answer: 'deny' });
    expect(consent.answer('q1', 'allow')).toEqual({ accepted: false });
    ask('q2', 5_000);
    advance(5_000);
    expect(consent.answer('q2', 'allow')).toEqual({ accepted: false });
    expect(answers).toEqual([]);
  });

  it('a second answer to the same question (another window, a double click) is refused', () => {
    const { consent, answers, ask } = broker();
    ask('q1');
    expect(consent.answer('q1', 'deny')).toEqual({ accepted: true });
    expect(consent.answer('q1', 'allow')).toEqual({ accepted: false });
    expect(answers).toEqual([['q1', 'deny']]);
  });

  it('keeps the open questions for a window that loads late, each with the time left on it', () => {
    const { consent, ask, advance } = broker();
    ask('q1');
    advance(10_000);
    ask('q2', 20_000);
    advance(4_000);
    expect(consent.pending().map((r) => [r.id, r.timeoutMs])).toEqual([['q1', 16_000], ['q2', 16_000]]);
    advance(16_000);
    expect(consent.pending()).toEqual([]);
  });

  it('forgets every question when the assistant that asked them is gone', () => {
    const { consent, ask } = broker();
    ask('q1');
    consent.clear();
    expect(consent.pending()).toEqual([]);
    expect(consent.answer('q1', 'allow')).toEqual({ accepted: false });
  });

  it('ignores every other event', () => {
    const { consent } = broker();
    expect(consent.observe({ type: 'state', state: 'listening' })).toBeUndefined();
    expect(consent.pending()).toEqual([]);
  });
});
