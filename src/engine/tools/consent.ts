import type { AssistantEvent } from '../events';
import type { ConsentAnswer, ConsentRequest } from './types';

type Settled = ConsentAnswer | 'timeout';

interface Pending {
  settle(answer: Settled): void;
}

/**
 * The questions to the user in flight: each is a `consent.request` event, answered by
 * `answer(id, ...)` from any front end (the first answer wins) or Deny when `timeoutMs` passes.
 * Every question ends with one `consent.settled`, so every front end closes its prompt.
 */
export class ConsentQuestions {
  private readonly pending = new Map<string, Pending>();
  private next = 0;

  constructor(private readonly emit: (event: AssistantEvent) => void) {}

  ask(question: Omit<ConsentRequest, 'id'>): Promise<Settled> {
    const id = `consent_${++this.next}`;
    return new Promise<Settled>((resolve) => {
      const timer = setTimeout(() => settle('timeout'), question.timeoutMs);
      const settle = (answer: Settled) => {
        if (!this.pending.delete(id)) return;
        clearTimeout(timer);
        this.emit({ type: 'consent.settled', id, answer });
        resolve(answer);
      };
      this.pending.set(id, { settle });
      this.emit({ type: 'consent.request', id, ...question });
    });
  }

  /** False when the question is unknown or already settled (a second window answering late). */
  answer(id: string, answer: ConsentAnswer): boolean {
    const question = this.pending.get(id);
    if (!question) return false;
    question.settle(answer);
    return true;
  }

  get open(): string[] {
    return [...this.pending.keys()];
  }

  /** Every open question is denied (the Toolbox closes). */
  denyAll(): void {
    for (const question of [...this.pending.values()]) question.settle('deny');
  }
}
