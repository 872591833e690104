/**
 * The player: a queue of reply audio (24 kHz mono PCM16, per item) that an OutputDevice pulls in
 * frames of up to 10 ms at its own clock. It is the truth about what was *heard* (ARCHITECTURE.md, "Data
 * flow"): it counts what it hands out per item and subtracts what the device still holds
 * (`device.latencyMs()`), so played positions, events and the output level follow the speaker,
 * not the network (which delivers a 10 s reply in 1-2 s). A flush reports what was handed out:
 * the device plays out what it holds, so that is what the user ends up hearing.
 *
 * Bookkeeping is a ring with one entry per pull: where it starts on the output timeline, how long
 * it is, which item it carried, how far into the item, and its level. The "heard" cursor (samples
 * pulled minus device latency) walks that ring, so played positions stay right across pauses,
 * gaps between items and changing latency.
 *
 * Frames: `pull(samples)` returns a shared, all-zero frame when there is nothing to play (treat it
 * as read-only) and otherwise one of 8 rotating buffers: a frame stays valid for the next 7 pulls.
 * A device that pulls less than 10 ms at a time (the speaker: 2.5 ms, issue 12) gets a flush, a
 * pause or a resume that much sooner: what it pulls is decided when it pulls it. Nothing is
 * allocated per frame.
 *
 * Items: each frame carries audio of at most one item; when an item's queued audio ends mid-frame
 * the rest of the frame is silence (< one pull between replies, never inside one). Audio enqueued
 * for an item that is still queued is appended to it seamlessly.
 *
 * Events are emitted from `pull()` (the device clock) after the frame is ready:
 * - `item-started(itemId)` when the first audio of the item is heard (again after an underrun);
 * - `item-finished(itemId, playedMs)` when all audio queued for it so far has been heard and none
 *   is left (it may start again if more arrives: the reply may still be streaming);
 * - `idle` when everything handed out has been heard and nothing is queued.
 */
import { SILENCE_DB, type Level } from '../events';
import { ENGINE_FRAME_SAMPLES, ENGINE_SAMPLE_RATE, type FrameSource, type OutputDevice } from './devices/types';
import { measureLevel, silentLevel } from './meter';

const FRAME = ENGINE_FRAME_SAMPLES;
const SAMPLES_PER_MS = ENGINE_SAMPLE_RATE / 1000;
/** Pulls of history kept for the heard cursor: 10.24 s of 2.5 ms pulls, far more than any device buffer. */
const HISTORY_PULLS = 4096;
/** Device latency beyond this is not believed (the history could not follow it). */
const MAX_LATENCY_SAMPLES = 10 * ENGINE_SAMPLE_RATE;
const OUTPUT_BUFFERS = 8;
/** Finished items remembered for playedMs()/receivedMs() lookups. */
const MAX_REMEMBERED_ITEMS = 256;

export interface FlushedItem {
  itemId: string;
  /**
   * What the user hears of the item: everything handed to the device, since a flush takes nothing
   * back from it (what it holds still plays out). Exact whatever the device's latency; never more
   * than receivedMs.
   */
  playedMs: number;
  receivedMs: number;
}

export interface PlayerEvents {
  'item-started': [itemId: string];
  'item-finished': [itemId: string, playedMs: number];
  idle: [];
}

export interface PlayerOptions {
  /**
   * Fade length of pause()/resume(), in ms; default 5 (the duck of a barge-in is heard that much
   * sooner; still long enough not to click), at most 20.
   */
  fadeMs?: number;
  /** Called when an event listener throws (the device's pull must not). Default: console.error. */
  onListenerError?: (error: unknown, event: keyof PlayerEvents) => void;
}

interface ItemState {
  readonly id: string;
  chunks: Int16Array[];
  chunkIndex: number;
  chunkOffset: number;
  inQueue: boolean;
  /** Samples received / handed to the device / heard. */
  received: number;
  handedOut: number;
  heard: number;
  /** Samples queued, not yet handed out. */
  queued: number;
  /** Between item-started and item-finished. */
  playing: boolean;
}

type PendingEvent = { [K in keyof PlayerEvents]: [K, ...PlayerEvents[K]] }[keyof PlayerEvents];
type Listener<K extends keyof PlayerEvents> = (...args: PlayerEvents[K]) => void;

export class Player {
  private device: OutputDevice | null = null;
  private readonly items = new Map<string, ItemState>();
  private queue: ItemState[] = [];
  private queueHead = 0;
  /** The item whose audio was handed out last (the one a silent frame follows). */
  private lastItem: ItemState | null = null;
  /** Items between item-started and item-finished (usually one). */
  private readonly playing: ItemState[] = [];

  /** Pulls so far, and the samples they handed out (the output timeline). */
  private pulls = 0;
  private pulledSamples = 0;
  /** The first pull not yet heard to its end. */
  private creditCursor = 0;
  private heardSamples = 0;
  /** Timeline position (in samples) just after the last audio sample handed out. */
  private audioEnd = 0;
  private idle = true;

  // Per-pull history, indexed by pull number modulo HISTORY_PULLS.
  private readonly historyStart = new Float64Array(HISTORY_PULLS);
  private readonly historyLength = new Uint16Array(HISTORY_PULLS);
  private readonly historyItem: (ItemState | null)[] = new Array<ItemState | null>(HISTORY_PULLS).fill(null);
  private readonly historyBefore = new Float64Array(HISTORY_PULLS);
  private readonly historyCount = new Uint16Array(HISTORY_PULLS);
  private readonly historyRms = new Float32Array(HISTORY_PULLS).fill(SILENCE_DB);
  private readonly historyPeak = new Float32Array(HISTORY_PULLS).fill(SILENCE_DB);

  private readonly frameLevel = silentLevel();
  private readonly silence = new Int16Array(FRAME);
  private readonly buffers = Array.from({ length: OUTPUT_BUFFERS }, () => new Int16Array(FRAME));
  /** Views of `silence` and `buffers` at the length pulled last (a device pulls one length). */
  private viewLength = FRAME;
  private silenceView = this.silence;
  private bufferViews = this.buffers;

  /** Fade position in samples, 0 (silent) .. fadeSamples (full), and where it is heading. */
  private readonly fadeSamples: number;
  private gain: number;
  private targetGain: number;

  private readonly listeners: { [K in keyof PlayerEvents]: Set<Listener<K>> } = {
    'item-started': new Set(),
    'item-finished': new Set(),
    idle: new Set(),
  };
  private readonly pending: PendingEvent[] = [];
  private emitting = false;
  private readonly onListenerError: (error: unknown, event: keyof PlayerEvents) => void;

  constructor(options: PlayerOptions = {}) {
    const fadeMs = Math.min(20, Math.max(1, options.fadeMs ?? 5));
    this.fadeSamples = Math.round(fadeMs * SAMPLES_PER_MS);
    this.gain = this.fadeSamples;
    this.targetGain = this.fadeSamples;
    this.onListenerError =
      options.onListenerError ?? ((error, event) => console.error(`player: a '${event}' listener threw`, error));
  }

  on<K extends keyof PlayerEvents>(event: K, listener: Listener<K>): () => void {
    this.listeners[event].add(listener);
    return () => this.listeners[event].delete(listener);
  }

  /** Starts `device` pulling frames from this player; its latency is subtracted from now on. */
  attach(device: OutputDevice): Promise<void> {
    this.device = device;
    return device.start(this.pull);
  }

  /** Queues audio of `itemId` after everything queued before. The player keeps `pcm`: don't reuse it. */
  enqueue(itemId: string, pcm: Int16Array): void {
    if (pcm.length === 0) return;
    let item = this.items.get(itemId);
    if (!item) {
      item = { id: itemId, chunks: [], chunkIndex: 0, chunkOffset: 0, inQueue: false, received: 0, handedOut: 0, heard: 0, queued: 0, playing: false };
      this.items.set(itemId, item);
      this.forgetOldItems();
    }
    item.chunks.push(pcm);
    item.received += pcm.length;
    item.queued += pcm.length;
    if (!item.inQueue) {
      item.inQueue = true;
      this.queue.push(item);
    }
    this.idle = false;
  }

  /** The FrameSource for the device: the next `samples` (1 to 240, default 240: 10 ms) to play. */
  readonly pull: FrameSource = (samples = FRAME) => {
    if (!Number.isInteger(samples) || samples < 1 || samples > FRAME) throw new RangeError(`player: a pull is 1 to ${FRAME} samples, not ${samples}`);
    if (samples !== this.viewLength) this.setViewLength(samples);
    const index = this.pulls;
    const slot = index % HISTORY_PULLS;
    const start = this.pulledSamples;
    this.historyStart[slot] = start;
    this.historyLength[slot] = samples;
    let frame = this.silenceView;
    let item = this.nextItemWithAudio();
    if (item && !(this.gain === 0 && this.targetGain === 0)) {
      frame = this.bufferViews[index % OUTPUT_BUFFERS]!;
      const before = item.handedOut;
      const count = this.fill(frame, item);
      this.historyBefore[slot] = before;
      this.historyCount[slot] = count;
      this.measureInto(frame, slot);
      if (count > 0) this.audioEnd = start + count;
      if (item.queued === 0) this.dequeueHead();
    } else {
      item = this.lastItem;
      this.historyBefore[slot] = item ? item.handedOut : 0;
      this.historyCount[slot] = 0;
      this.historyRms[slot] = SILENCE_DB;
      this.historyPeak[slot] = SILENCE_DB;
    }
    this.historyItem[slot] = item;
    this.pulls = index + 1;
    this.pulledSamples = start + samples;
    this.advanceHeard();
    this.emitPending();
    return frame;
  };

  private setViewLength(samples: number): void {
    this.viewLength = samples;
    this.silenceView = this.silence.subarray(0, samples);
    this.bufferViews = this.buffers.map((b) => b.subarray(0, samples));
  }

  /**
   * Interrupt: drops everything queued (the next pull is silence) and reports what of the current
   * item the user hears. Audio already inside the device still plays out (within one device
   * buffer), so that is counted as heard: `device.latencyMs()` only says *when* it is heard.
   * Also cancels a pause. Returns null when nothing was playing.
   */
  flush(): FlushedItem | null {
    this.advanceHeard();
    const current = this.currentItem();
    const result = current
      ? { itemId: current.id, playedMs: current.handedOut / SAMPLES_PER_MS, receivedMs: current.received / SAMPLES_PER_MS }
      : null;
    for (let i = this.queueHead; i < this.queue.length; i++) {
      const item = this.queue[i]!;
      item.chunks = [];
      item.chunkIndex = 0;
      item.chunkOffset = 0;
      item.queued = 0;
      item.inQueue = false;
    }
    this.queue = [];
    this.queueHead = 0;
    this.gain = this.fadeSamples;
    this.targetGain = this.fadeSamples;
    this.emitPending();
    return result;
  }

  /** Fades out (fadeMs) and holds the queue position; new audio keeps queueing. */
  pause(): void {
    this.targetGain = 0;
  }

  /** Fades back in and continues where pause() stopped. */
  resume(): void {
    this.targetGain = this.fadeSamples;
  }

  get isPaused(): boolean {
    return this.targetGain === 0;
  }

  /** Audio is queued (paused included) or still inside the device. */
  get isPlaying(): boolean {
    this.advanceHeard();
    return this.queuedSamples() > 0 || this.heardSamples < this.audioEnd;
  }

  /**
   * The item being handed out (the head of the queue), else the last one while the device still
   * holds some of it; null when nothing is playing.
   */
  get currentItemId(): string | null {
    this.advanceHeard();
    return this.currentItem()?.id ?? null;
  }

  /** Milliseconds of the item heard so far (0 for an unknown item). */
  playedMs(itemId: string): number {
    this.advanceHeard();
    const item = this.items.get(itemId);
    return item ? item.heard / SAMPLES_PER_MS : 0;
  }

  /** Milliseconds of the item enqueued so far, flushed audio included (0 for an unknown item). */
  receivedMs(itemId: string): number {
    const item = this.items.get(itemId);
    return item ? item.received / SAMPLES_PER_MS : 0;
  }

  /** The level of the frame being heard now (handed out `latencyMs` ago). Fills `out` when given. */
  outputLevel(out: Level = { rmsDb: SILENCE_DB, peakDb: SILENCE_DB }): Level {
    this.advanceHeard();
    // The pull holding the last sample heard: the cursor's, or the one before it when the cursor's is not reached yet.
    let pull = this.creditCursor;
    if (pull >= this.pulls || this.historyStart[pull % HISTORY_PULLS]! >= this.heardSamples) pull--;
    if (this.heardSamples <= 0 || pull < 0 || pull < this.pulls - HISTORY_PULLS) {
      out.rmsDb = SILENCE_DB;
      out.peakDb = SILENCE_DB;
    } else {
      out.rmsDb = this.historyRms[pull % HISTORY_PULLS]!;
      out.peakDb = this.historyPeak[pull % HISTORY_PULLS]!;
    }
    return out;
  }

  private latencySamples(): number {
    const ms = this.device?.latencyMs() ?? 0;
    return ms > 0 ? Math.round(ms * SAMPLES_PER_MS) : 0;
  }

  /** Moves the heard cursor to (samples pulled - device latency), crediting items and queueing events. */
  private advanceHeard(): void {
    const latency = Math.min(this.latencySamples(), MAX_LATENCY_SAMPLES);
    const heard = this.pulledSamples - latency;
    if (heard <= this.heardSamples) return;
    let pull = Math.max(this.creditCursor, this.pulls - HISTORY_PULLS);
    for (; pull < this.pulls; pull++) {
      const slot = pull % HISTORY_PULLS;
      const start = this.historyStart[slot]!;
      if (start >= heard) break;
      const item = this.historyItem[slot];
      if (item) {
        const heardInPull = Math.min(heard - start, this.historyCount[slot]!);
        const position = this.historyBefore[slot]! + heardInPull;
        if (position > item.heard) item.heard = position;
        if (heardInPull > 0 && !item.playing) {
          item.playing = true;
          this.playing.push(item);
          this.pending.push(['item-started', item.id]);
        }
      }
      if (start + this.historyLength[slot]! > heard) break; // heard in part: the cursor stays on it
    }
    this.creditCursor = pull;
    this.heardSamples = heard;
    this.checkFinished();
  }

  private checkFinished(): void {
    for (let i = 0; i < this.playing.length; ) {
      const item = this.playing[i]!;
      if (item.queued === 0 && item.heard >= item.handedOut) {
        item.playing = false;
        this.playing.splice(i, 1);
        this.pending.push(['item-finished', item.id, item.heard / SAMPLES_PER_MS]);
      } else {
        i++;
      }
    }
    if (!this.idle && this.queuedSamples() === 0 && this.heardSamples >= this.audioEnd) {
      this.idle = true;
      this.pending.push(['idle']);
    }
  }

  private currentItem(): ItemState | null {
    const head = this.queueHead < this.queue.length ? this.queue[this.queueHead]! : null;
    if (head) return head;
    const last = this.lastItem;
    return last && last.heard < last.handedOut ? last : null;
  }

  private nextItemWithAudio(): ItemState | null {
    while (this.queueHead < this.queue.length) {
      const head = this.queue[this.queueHead]!;
      if (head.queued > 0) return head;
      this.dequeueHead();
    }
    return null;
  }

  private dequeueHead(): void {
    const head = this.queue[this.queueHead];
    if (head) {
      head.inQueue = false;
      head.chunks = [];
      head.chunkIndex = 0;
      head.chunkOffset = 0;
    }
    this.queueHead++;
    if (this.queueHead === this.queue.length) {
      this.queue.length = 0;
      this.queueHead = 0;
    } else if (this.queueHead > 64) {
      this.queue.splice(0, this.queueHead);
      this.queueHead = 0;
    }
  }

  /** Copies up to `frame.length` samples of `item` into `frame` (zero-filling the rest), applying the fade. */
  private fill(frame: Int16Array, item: ItemState): number {
    let written = 0;
    const length = frame.length;
    const full = this.fadeSamples;
    const ramping = this.gain !== full || this.targetGain !== full;
    while (written < length && item.chunkIndex < item.chunks.length) {
      if (ramping && this.gain === 0 && this.targetGain === 0) break;
      const chunk = item.chunks[item.chunkIndex]!;
      let offset = item.chunkOffset;
      const n = Math.min(length - written, chunk.length - offset);
      if (!ramping) {
        for (let i = 0; i < n; i++) frame[written + i] = chunk[offset + i]!;
        written += n;
        offset += n;
      } else {
        for (let i = 0; i < n; i++) {
          if (this.gain === 0 && this.targetGain === 0) break;
          this.stepGain();
          frame[written++] = Math.round((chunk[offset++]! * this.gain) / full);
        }
      }
      if (offset >= chunk.length) {
        item.chunks[item.chunkIndex] = EMPTY; // let the chunk be collected
        item.chunkIndex++;
        item.chunkOffset = 0;
      } else {
        item.chunkOffset = offset;
      }
    }
    frame.fill(0, written);
    item.handedOut += written;
    item.queued -= written;
    if (written > 0) this.lastItem = item;
    return written;
  }

  private stepGain(): void {
    if (this.gain < this.targetGain) this.gain++;
    else if (this.gain > this.targetGain) this.gain--;
  }

  private measureInto(frame: Int16Array, slot: number): void {
    const level = measureLevel(frame, this.frameLevel);
    this.historyRms[slot] = level.rmsDb;
    this.historyPeak[slot] = level.peakDb;
  }

  private queuedSamples(): number {
    let total = 0;
    for (let i = this.queueHead; i < this.queue.length; i++) total += this.queue[i]!.queued;
    return total;
  }

  private forgetOldItems(): void {
    if (this.items.size <= MAX_REMEMBERED_ITEMS) return;
    for (const [id, item] of this.items) {
      if (this.items.size <= MAX_REMEMBERED_ITEMS) break;
      if (!item.inQueue && !item.playing && item !== this.lastItem) this.items.delete(id);
    }
  }

  private emitPending(): void {
    if (this.emitting) return; // a listener called back into the player: the outer loop drains
    this.emitting = true;
    try {
      for (let event = this.pending.shift(); event; event = this.pending.shift()) {
        const [name, ...args] = event;
        for (const listener of this.listeners[name]) {
          try {
            (listener as (...a: unknown[]) => void)(...args);
          } catch (error) {
            this.onListenerError(error, name);
          }
        }
      }
    } finally {
      this.emitting = false;
    }
  }
}

const EMPTY = new Int16Array(0);
