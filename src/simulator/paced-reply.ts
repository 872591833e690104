import { msToSamples, samplesToMs } from '../engine/audio/pcm';
import type { AudioSource } from './audio-source';
import { withBed, type ReplyBed } from './reply-bed';
import { ReplyVoice } from './voice';
import { splitWords } from './words';

/**
 * One reply streamed at a pace: audio chunks of the babble voice, and the reply's words, each
 * released once the audio has reached it. Without audio (a text-only reply) one word goes out per
 * chunk's worth of time. `realtimeFactor` 1 is real time (GPT-Live); Infinity sends everything
 * as fast as timers allow. The audio is the babble voice, or any other source (a GPT-Live fixture).
 */

export type PacedReplyOptions = {
  text: string;
  chunkMs: number;
  realtimeFactor: number;
  /** false: words only (default true). */
  audio?: boolean;
} & (
  | {
      durationMs: number;
      /** Seeds the voice, so each reply sounds different and every run the same. */
      seed: number;
      /** What sounds under the voice (default none). */
      bed?: ReplyBed;
    }
  | { source: AudioSource }
);

export interface PacedReplySink {
  /** A chunk of audio starting `offsetMs` into the reply; `pcm` is reused after the call returns. */
  audio(pcm: Int16Array, offsetMs: number): void;
  /** A word spanning `startMs`-`endMs` of the reply's audio. */
  word(text: string, startMs: number, endMs: number): void;
  /** All audio and words are out (not called after `stop()`). */
  end(): void;
}

export class PacedReply {
  readonly words: string[];
  private readonly voice: AudioSource;
  private readonly chunk: Int16Array;
  private wordsSent = 0;
  private samplesSent = 0;
  private chunksSent = 0;
  private startedAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly options: PacedReplyOptions,
    private readonly sink: PacedReplySink,
  ) {
    this.words = splitWords(options.text);
    this.voice = 'source' in options ? options.source : withBed(new ReplyVoice(options.durationMs, options.seed), options.bed ?? 'none');
    this.chunk = new Int16Array(Math.max(1, msToSamples(options.chunkMs)));
  }

  /** Milliseconds of audio sent so far. */
  get sentMs(): number {
    return samplesToMs(this.samplesSent);
  }

  get wordCount(): number {
    return this.wordsSent;
  }

  /** The words sent so far, joined. */
  get spokenText(): string {
    return this.words.slice(0, this.wordsSent).join('');
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Starts streaming; the first chunk goes out on the next turn of the event loop. */
  start(): void {
    this.running = true;
    this.startedAt = performance.now();
    this.timer = setTimeout(() => this.tick(), 0);
  }

  /** Stops at once: no further audio or words. */
  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    if (!this.running) return;
    if (this.options.audio === false) return this.tickText();
    const n = this.voice.render(this.chunk);
    if (n > 0) {
      const offsetMs = samplesToMs(this.samplesSent);
      this.samplesSent += n;
      this.chunksSent++;
      this.sink.audio(n === this.chunk.length ? this.chunk : this.chunk.subarray(0, n), offsetMs);
      if (!this.running) return;
      this.releaseWords(Math.ceil((this.samplesSent / this.voice.totalSamples) * this.words.length));
    }
    if (!this.running) return;
    if (this.voice.remaining > 0) return this.schedule();
    this.releaseWords(this.words.length);
    this.finish();
  }

  private tickText(): void {
    this.chunksSent++;
    this.releaseWords(this.wordsSent + 1);
    if (!this.running) return;
    if (this.wordsSent < this.words.length) return this.schedule();
    this.finish();
  }

  private schedule(): void {
    const due = this.startedAt + (this.chunksSent * this.options.chunkMs) / this.options.realtimeFactor;
    const delay = Number.isFinite(due) ? Math.max(0, due - performance.now()) : 0;
    this.timer = setTimeout(() => this.tick(), delay);
  }

  private finish(): void {
    this.running = false;
    this.timer = undefined;
    this.sink.end();
  }

  private releaseWords(upTo: number): void {
    const totalMs = samplesToMs(this.voice.totalSamples);
    const span = totalMs / Math.max(1, this.words.length);
    while (this.running && this.wordsSent < Math.min(upTo, this.words.length)) {
      const i = this.wordsSent++;
      this.sink.word(this.words[i]!, Math.round(i * span), Math.round((i + 1) * span));
    }
  }
}
