import type { Assistant } from '../../../src/engine/assistant';
import type { AssistantEvent } from '../../../src/engine/events';

/** The first event from now on that `pick` maps to a value (events already past are not looked at). */
export function until<T>(assistant: Assistant, pick: (event: AssistantEvent) => T | undefined, timeoutMs = 15_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out waiting for an event')), timeoutMs);
    const off = assistant.subscribe((event) => {
      const found = pick(event);
      if (found === undefined) return;
      clearTimeout(timer);
      off();
      resolve(found);
    });
  });
}
