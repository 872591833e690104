import type { AssistantEvent } from '../../shared/ipc';

type LevelsEvent = Extract<AssistantEvent, { type: 'levels' }>;

/**
 * The latest input/output levels, outside React: written by the event subscription, read by the
 * pulse's animation loop each frame. Mutated in place so a 60 Hz stream allocates nothing.
 */
export class LevelStore {
  inputDb = -100;
  outputDb = -100;
  /** performance.now() of the last update; the pulse lets a stale level fall back to silence. */
  updatedAt = -Infinity;

  set(event: LevelsEvent, now: number = performance.now()): void {
    this.inputDb = event.input.rmsDb;
    this.outputDb = event.output.rmsDb;
    this.updatedAt = now;
  }
}
