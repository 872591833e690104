import type { AssistantEvent } from '../engine/events';
import type { ConsentAnswer, ConsentRequest } from '../engine/tools/types';

export type ConsentRequestEvent = Extract<AssistantEvent, { type: 'consent.request' }>;

/** Hands an answer to the engine; false when the engine no longer waits for it. */
export type ConsentAnswerer = (id: string, answer: ConsentAnswer) => boolean;

/**
 * The window's side of the consent round trip. The question reaches the windows with the other
 * engine events; the answer comes back by IPC (`consent:answer`) and is only passed on while the
 * question is open, so a late click, a second window's click or a made-up id is refused cleanly
 * (the engine's timer, not this, turns silence into Deny).
 *
 * It also keeps the open questions for a window that loads after they were asked, with the time
 * that is left on each.
 */
export class ConsentBroker {
  private readonly open = new Map<string, { request: ConsentRequest; askedAt: number }>();

  constructor(
    private readonly answerer: ConsentAnswerer,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Follows the event stream; returns the request when this event asks a new question. */
  observe(event: AssistantEvent): ConsentRequestEvent | undefined {
    if (event.type === 'consent.request') {
      const { type: _type, ...request } = event;
      this.open.set(request.id, { request, askedAt: this.now() });
      return event;
    }
    if (event.type === 'consent.settled') this.open.delete(event.id);
    return undefined;
  }

  /** Passes the answer on if the question is open. */
  answer(id: string, answer: ConsentAnswer): { accepted: boolean } {
    const entry = this.open.get(id);
    if (!entry || this.remaining(entry) <= 0) return { accepted: false };
    const accepted = this.answerer(id, answer);
    // The engine settles it (and says so with `consent.settled`); a refused answer means it already had.
    if (!accepted) this.open.delete(id);
    return { accepted };
  }

  /** The open questions, each with the time left on it as its timeout, oldest first. */
  pending(): ConsentRequestEvent[] {
    const open: ConsentRequestEvent[] = [];
    for (const [id, entry] of this.open) {
      const left = this.remaining(entry);
      if (left <= 0) this.open.delete(id);
      else open.push({ type: 'consent.request', ...entry.request, timeoutMs: left });
    }
    return open;
  }

  /** Every question is dropped (the assistant that asked them is gone). */
  clear(): void {
    this.open.clear();
  }

  private remaining(entry: { request: ConsentRequest; askedAt: number }): number {
    return entry.request.timeoutMs - (this.now() - entry.askedAt);
  }
}
