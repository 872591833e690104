import { Conversation, type ConversationOptions } from '../engine';

/**
 * The conversations the endpoint keeps, by the client's `X-Kaiwa-Conversation` id, so a follow-up
 * question has the context of the ones before. A conversation idle for `idleMs` is closed, and at
 * most `max` are kept (the least recently used idle one makes room).
 */
export class Conversations {
  private readonly byId = new Map<string, Conversation>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly make: () => ConversationOptions,
    private readonly idleMs: number,
    private readonly max: number,
  ) {
    this.sweeper = setInterval(() => this.sweep(), Math.min(idleMs, 60_000));
    this.sweeper.unref();
  }

  get size(): number {
    return this.byId.size;
  }

  /** The conversation of `id` (made when new); one for this turn only when there is no id. */
  get(id: string | undefined): Conversation {
    if (id === undefined) return new Conversation(this.make());
    let conversation = this.byId.get(id);
    if (!conversation) {
      this.makeRoom();
      conversation = new Conversation(this.make());
      this.byId.set(id, conversation);
    }
    return conversation;
  }

  /** Whether `conversation` is one kept here (rather than made for one turn). */
  kept(conversation: Conversation): boolean {
    for (const kept of this.byId.values()) if (kept === conversation) return true;
    return false;
  }

  async closeAll(): Promise<void> {
    clearInterval(this.sweeper);
    const all = [...this.byId.values()];
    this.byId.clear();
    await Promise.allSettled(all.map((c) => c.close()));
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, conversation] of this.byId) {
      if (!conversation.busy && now - conversation.lastUsed >= this.idleMs) {
        this.byId.delete(id);
        void conversation.close();
      }
    }
  }

  private makeRoom(): void {
    if (this.byId.size < this.max) return;
    const idle = [...this.byId].filter(([, c]) => !c.busy).sort(([, a], [, b]) => a.lastUsed - b.lastUsed)[0];
    if (!idle) return;
    this.byId.delete(idle[0]);
    void idle[1].close();
  }
}
