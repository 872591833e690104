import type { Assistant, AssistantEvent, AssistantState } from '../src/engine';

/**
 * The Assistant's events as they come, and ways to await one: the one watcher the engine-level
 * tests share. `next` and `state` look at what already came (from index `after`) before waiting;
 * with `timeoutMs`, a wait that outlives it fails with the event types seen so far (without, the
 * test's own timeout ends it).
 */
export function watchAssistant(assistant: Pick<Assistant, 'subscribe'>, timeoutMs?: number) {
  const events: AssistantEvent[] = [];
  const waiters = new Set<{ test: (e: AssistantEvent) => boolean; resolve: (e: AssistantEvent) => void }>();
  assistant.subscribe((event) => {
    events.push(event);
    for (const w of [...waiters]) {
      if (w.test(event)) {
        waiters.delete(w);
        w.resolve(event);
      }
    }
  });
  function next<T extends AssistantEvent>(test: (e: AssistantEvent) => e is T, after?: number): Promise<T>;
  function next(test: (e: AssistantEvent) => boolean, after?: number): Promise<AssistantEvent>;
  function next(test: (e: AssistantEvent) => boolean, after = 0): Promise<AssistantEvent> {
    return new Promise((resolve, reject) => {
      const seen = events.slice(after).find(test);
      if (seen) return resolve(seen);
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              waiters.delete(waiter);
              reject(new Error(`no such event; had ${events.map((e) => e.type).join(' ')}`));
            }, timeoutMs);
      const waiter = { test, resolve: (e: AssistantEvent) => (clearTimeout(timer), resolve(e)) };
      waiters.add(waiter);
    });
  }
  const state = (s: AssistantState, after = 0) => next((e) => e.type === 'state' && e.state === s, after).then(() => {});
  const states = () => events.flatMap((e) => (e.type === 'state' ? [e.state] : []));
  const of = <T extends AssistantEvent['type']>(type: T) => events.filter((e) => e.type === type) as Extract<AssistantEvent, { type: T }>[];
  return { events, next, state, states, of };
}
