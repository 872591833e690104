import type { PlayerEvents } from '../audio/player';
import { ENGINE_SAMPLE_RATE } from '../audio/devices/types';
import type { FlushedAudio, SessionPlayer } from '../session/types';

type Listeners = { [K in keyof PlayerEvents]: Set<(...args: PlayerEvents[K]) => void> };

/**
 * A `SessionPlayer` with no speaker: a reply's audio goes to `sink` the moment it arrives, so a
 * caller (an HTTP response, a pipe) gets it as the model speaks rather than at the pace of speech.
 * Audio handed on counts as heard: a flush (the client went away) reports all of it as played.
 */
export class CapturePlayer implements SessionPlayer {
  /** Where replies go; null drops them. */
  sink: ((itemId: string, pcm: Int16Array) => void) | null = null;
  readonly isPlaying = false;
  readonly isPaused = false;
  private item: { id: string; receivedMs: number } | null = null;
  private readonly listeners: Listeners = { 'item-started': new Set(), 'item-finished': new Set(), idle: new Set() };

  enqueue(itemId: string, pcm: Int16Array): void {
    if (this.item?.id !== itemId) {
      this.item = { id: itemId, receivedMs: 0 };
      this.fire('item-started', itemId);
    }
    this.item.receivedMs += (pcm.length * 1000) / ENGINE_SAMPLE_RATE;
    this.sink?.(itemId, pcm);
    this.fire('item-finished', itemId, this.item.receivedMs);
    this.fire('idle');
  }

  flush(): FlushedAudio | null {
    const item = this.item;
    this.item = null;
    return item ? { itemId: item.id, playedMs: item.receivedMs, receivedMs: item.receivedMs } : null;
  }

  pause(): void {}
  resume(): void {}

  on<K extends keyof PlayerEvents>(event: K, listener: (...args: PlayerEvents[K]) => void): () => void {
    const set = this.listeners[event] as Set<(...args: PlayerEvents[K]) => void>;
    set.add(listener);
    return () => set.delete(listener);
  }

  private fire<K extends keyof PlayerEvents>(event: K, ...args: PlayerEvents[K]): void {
    for (const listener of [...this.listeners[event]] as Array<(...args: PlayerEvents[K]) => void>) listener(...args);
  }
}
