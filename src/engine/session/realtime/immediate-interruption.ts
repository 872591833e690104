import type { BargeInPolicy, BargeInTarget } from './barge-in';

/**
 * 'immediate': the server has already cancelled (interrupt_response) and will answer the new turn
 * itself (create_response); the reply is cut the moment the user starts speaking.
 */
export class ImmediateInterruption implements BargeInPolicy {
  constructor(private readonly target: BargeInTarget) {}

  speechStarted(): void {
    this.target.cut('barge-in');
  }

  speechStopped(): boolean {
    return false;
  }

  transcript(): void {}

  committed(): void {}

  interrupted(): void {}

  reset(): void {}
}
