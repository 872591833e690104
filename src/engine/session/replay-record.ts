import type { AssistantEvent, Speaker } from '../events';
import type { PreparedPicture } from '../input/types';
import { cutReply, heardFraction } from '../text/cut';

/**
 * The record of what was said, kept on our side so a new session (after a reconnect, a renewal, or
 * a switch of protocol) can be told the conversation so far. User and assistant transcripts in
 * conversation order; an interrupted reply keeps only what the user heard of it, the same cut the
 * server gets in `conversation.item.truncate`. Protocol-neutral: each session kind maps `replay()`
 * to its own wire shape (Realtime: session/realtime/replay.ts).
 *
 * Order is the order items were first seen (`reserve`, a delta, or a final), not the order finals
 * arrive: a user's transcription often completes after the reply to it has started.
 *
 * Typed turns are user turns like spoken ones (their `transcript.final` carries the words).
 * Pictures (issue 23) keep their place and size; only the newest keeps its data URL, so a new
 * session can be shown the picture the conversation is most likely about ("what is this?" after a
 * renewal) without paying again for every picture of the run. Earlier ones, and every picture
 * where the protocol takes none back (beta, GPT-Live's start history), replay as a one-line note.
 */

export interface ReplayEntry {
  readonly itemId: string;
  readonly speaker: Speaker;
  /** The final transcript, or what has streamed so far; for an interrupted reply, what was heard. */
  readonly text: string;
  /** The transcript is complete (a final arrived, or the reply was cut). */
  readonly final: boolean;
  readonly interrupted: boolean;
  /** A picture the user showed (text ''). */
  readonly picture?: ReplayPicture;
}

/** A picture in the record: its size, and for the newest one the data URL that was sent. */
export interface ReplayPicture {
  width: number;
  height: number;
  dataUrl?: string;
}

export interface ReplayRecordOptions {
  /** Entries kept; the oldest go first. Default 1000. */
  maxEntries?: number;
  /** Characters replayed to a new session, newest first. Default 12 000 (~3 000 tokens). */
  maxReplayChars?: number;
  /** Items replayed to a new session. Default 60. */
  maxReplayItems?: number;
}

export const DEFAULT_REPLAY_RECORD = { maxEntries: 1000, maxReplayChars: 12_000, maxReplayItems: 60 } as const;

interface MutableEntry {
  itemId: string;
  speaker: Speaker;
  text: string;
  final: boolean;
  interrupted: boolean;
  /** Fraction of the reply heard, once interrupted: applied to a final that arrives later. */
  heard?: number;
  /** A final was given for it (by the server, or by `settle`). */
  reported: boolean;
  picture?: ReplayPicture;
}

/** One turn as a new session is told it: who spoke, and the words (of a cut reply, those heard). */
export interface ReplayTurn {
  speaker: Speaker;
  text: string;
  /** A picture the user showed here (`text` is then the note that stands for it where it cannot be shown). */
  picture?: ReplayPicture;
}

/** What a new session is told where a picture cannot be shown again. Words to the model, not to people. */
export function pictureNote({ width, height }: ReplayPicture): string {
  return `(The user showed a picture here, ${width}×${height} px; it is not shown again in this session.)`;
}

export class ReplayRecord {
  private readonly options: Required<ReplayRecordOptions>;
  private readonly byId = new Map<string, MutableEntry>();
  private readonly order: MutableEntry[] = [];

  constructor(options: ReplayRecordOptions = {}) {
    this.options = {
      maxEntries: options.maxEntries ?? DEFAULT_REPLAY_RECORD.maxEntries,
      maxReplayChars: options.maxReplayChars ?? DEFAULT_REPLAY_RECORD.maxReplayChars,
      maxReplayItems: options.maxReplayItems ?? DEFAULT_REPLAY_RECORD.maxReplayItems,
    };
    for (const [name, value] of Object.entries(this.options)) {
      if (!Number.isInteger(value) || value < 1) throw new RangeError(`replay record ${name} must be a positive integer, got ${value}`);
    }
  }

  get entries(): readonly ReplayEntry[] {
    return this.order;
  }

  /** Entries with something said, in order. */
  get said(): ReplayEntry[] {
    return this.order.filter((e) => e.text !== '');
  }

  get size(): number {
    return this.order.length;
  }

  /** Holds `itemId`'s place in the conversation before its transcript is known. */
  reserve(itemId: string, speaker: Speaker): void {
    this.entry(itemId, speaker);
  }

  /** The user showed a picture (it joined the conversation as `itemId`): the newest keeps its data URL. */
  picture(itemId: string, picture: Pick<PreparedPicture, 'width' | 'height' | 'dataUrl'>): void {
    for (const entry of this.order) if (entry.picture?.dataUrl) delete entry.picture.dataUrl;
    const entry = this.entry(itemId, 'user');
    entry.picture = { width: picture.width, height: picture.height, dataUrl: picture.dataUrl };
    entry.final = true;
    entry.reported = true;
  }

  delta(itemId: string, speaker: Speaker, delta: string): void {
    const entry = this.entry(itemId, speaker);
    if (!entry.final) entry.text += delta;
  }

  final(itemId: string, speaker: Speaker, text: string): void {
    const entry = this.entry(itemId, speaker);
    entry.reported = true;
    if (entry.heard !== undefined) {
      // Interrupted before the final arrived: keep only what was heard of it.
      if (entry.text === '' && text !== '') entry.text = cutReply(text, entry.heard).heard;
      entry.final = true;
      return;
    }
    entry.text = text;
    entry.final = true;
  }

  /** A reply was cut after `playedMs` of `receivedMs` were heard. */
  interrupted(itemId: string, playedMs: number, receivedMs: number): void {
    const entry = this.entry(itemId, 'assistant');
    if (entry.interrupted) return;
    const heard = heardFraction(playedMs, receivedMs);
    entry.interrupted = true;
    entry.heard = heard;
    entry.text = cutReply(entry.text, heard).heard;
    entry.final = entry.text !== '';
  }

  /**
   * The session is gone and no more finals will come for what was in flight: every entry without
   * one becomes final with what it has (the words that streamed; for a cut reply, those heard).
   * A user turn with no words yet stays open (it may never have been transcribed). Returns the
   * entries with words, for front ends to show as finals.
   */
  settle(): ReplayEntry[] {
    const settled: ReplayEntry[] = [];
    for (const entry of this.order) {
      if (entry.reported || (entry.speaker === 'user' && entry.text === '')) continue;
      // What streamed may end mid-way between words: the final keeps the words.
      entry.text = entry.text.trimEnd();
      entry.final = true;
      entry.reported = true;
      if (entry.text !== '') settled.push({ ...entry });
    }
    return settled;
  }

  /** Feeds the AssistantEvents that carry words: transcripts and interruptions. */
  observe(event: AssistantEvent): void {
    switch (event.type) {
      case 'transcript.delta':
        this.delta(event.itemId, event.speaker, event.delta);
        break;
      case 'transcript.final':
        this.final(event.itemId, event.speaker, event.text);
        break;
      case 'interrupted':
        this.interrupted(event.itemId, event.playedMs, event.receivedMs);
        break;
      default:
        break;
    }
  }

  /**
   * The conversation to tell a new session: the newest turns that fit `maxReplayChars` and
   * `maxReplayItems`, oldest first; a turn too long on its own keeps its end.
   */
  replay(): ReplayTurn[] {
    const picked: ReplayTurn[] = [];
    let budget = this.options.maxReplayChars;
    for (let i = this.order.length - 1; i >= 0 && picked.length < this.options.maxReplayItems && budget > 0; i--) {
      const entry = this.order[i]!;
      if (entry.picture) {
        const note = pictureNote(entry.picture);
        budget -= note.length;
        picked.push({ speaker: 'user', text: note, picture: { ...entry.picture } });
        continue;
      }
      const text = entry.text.trim();
      if (text === '') continue;
      const kept = text.length <= budget ? text : `…${text.slice(text.length - budget + 1)}`;
      budget -= kept.length;
      picked.push({ speaker: entry.speaker, text: kept });
    }
    return picked.reverse();
  }

  clear(): void {
    this.byId.clear();
    this.order.length = 0;
  }

  private entry(itemId: string, speaker: Speaker): MutableEntry {
    let entry = this.byId.get(itemId);
    if (!entry) {
      entry = { itemId, speaker, text: '', final: false, interrupted: false, reported: false };
      this.byId.set(itemId, entry);
      this.order.push(entry);
      if (this.order.length > this.options.maxEntries) {
        const dropped = this.order.splice(0, this.order.length - this.options.maxEntries);
        for (const old of dropped) this.byId.delete(old.itemId);
      }
    }
    return entry;
  }
}
