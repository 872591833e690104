/**
 * The real microphone and speaker: PortAudio through naudiodon2, at the device's own rate and
 * channels, converted to and from the engine's 24 kHz mono PCM16.
 *
 * Output keeps one stream open all session. The player is pulled 2.5 ms at a time, each pull
 * written to naudiodon as it is made, one write outstanding: the next pull only when the previous
 * write entered naudiodon's queue (`maxQueue` chunks, default 2). So ~5 ms sit between the player
 * and PortAudio's host buffer (~20 ms with whole 10 ms frames, ~10 with 10 ms frames written in
 * four pieces), and a flush or a fade, applied by the player as it is pulled, is heard that much
 * sooner. Two queued chunks (5 ms) cover one PortAudio callback (256 frames at 48 kHz), so the
 * callback does not wait on our event loop in the middle of a buffer. (quit() and abort() drain or
 * stop the stream; they are for stop(), never for barge-in.)
 *
 * naudiodon traps handled here: `sampleFormat` 16 explicitly (the default is 8-bit),
 * `closeOnError: false` (an underflow would otherwise end the stream), an explicit host buffer
 * (see defaultFramesPerBuffer, defaultInputFramesPerBuffer), a small read size for capture (the
 * default 16 KiB is ~90 ms).
 *
 * A device that goes away shows no error in naudiodon: PortAudio's callback thread stops and
 * writes/reads simply never complete. A watchdog notices (the stream reports inactive, or nothing
 * moved for `stallMs`) and reports `onError({lost: true})`; see ResilientOutput/ResilientInput.
 */
import type { IoStreamRead, IoStreamWrite, StreamInfo } from 'naudiodon2';
import { downmixToMono } from '../pcm';
import { createResampler, type Resampler } from '../resample';
import {
  chooseDevice,
  closesSettled,
  defaultFramesPerBuffer,
  defaultInputFramesPerBuffer,
  serialClose,
  listAudioDevices,
  loadNaudiodon,
  streamChannels,
  type AudioDeviceInfo,
  type DeviceSelector,
} from './native-portaudio';
import { ENGINE_FRAME_SAMPLES, ENGINE_SAMPLE_RATE, type DeviceErrorInfo, type FrameSource, type InputDevice, type OutputDevice } from './types';

export { listAudioDevices, chooseDevice, DeviceNotFoundError, type AudioDeviceInfo, type DeviceSelector } from './native-portaudio';

const WATCHDOG_INTERVAL_MS = 100;
/** What naudiodon may hold of captured audio while our event loop is busy. */
const INPUT_QUEUE_MS = 340;
const WRITE_RING = 64;
const EMPTY = new Int16Array(0);

export interface NaudiodonOptions {
  /** PortAudio id, or a name (exact, else case-insensitive substring); the system default otherwise. */
  device?: DeviceSelector;
  /** PortAudio host buffer in frames; default ~5 ms for output, ~2.5 ms for capture (see defaultFramesPerBuffer). */
  framesPerBuffer?: number;
  /** Output: chunks naudiodon may queue (default 2). Input: captured buffers it may queue (default: ~340 ms of them). */
  maxQueue?: number;
  /**
   * Output: each 10 ms is pulled from the player and written to naudiodon in this many pieces, the
   * next one only when the previous one entered its queue (default 4: 2.5 ms). Smaller pieces keep
   * less audio between the player and the speaker, so a flush or a fade is heard sooner.
   */
  writesPerFrame?: number;
  /** No progress for this long while running means the device is gone (default 1000 ms). */
  stallMs?: number;
}

/** What PortAudio and our bookkeeping say about an open stream. */
export interface NativeStreamStats {
  device: string;
  sampleRate: number;
  channels: number;
  framesPerBuffer: number;
  /** PortAudio's reported stream latency (its host buffer), ms. */
  portAudioLatencyMs: number;
  underflows: number;
  overflows: number;
}

abstract class NaudiodonDevice {
  onError?: (error: DeviceErrorInfo) => void;
  protected info: AudioDeviceInfo | null = null;
  protected rate = 0;
  protected channels = 0;
  protected framesPerBuffer = 0;
  protected running = false;
  protected lastProgress = 0;
  private watchdog: ReturnType<typeof setInterval> | null = null;
  private failed = false;

  constructor(
    protected readonly options: NaudiodonOptions = {},
    private readonly direction: 'input' | 'output',
  ) {}

  get name(): string {
    return this.info ? `${this.info.name} (${this.info.hostApi})` : `${this.direction} ${String(this.options.device ?? 'default')}`;
  }

  /** The PortAudio device this stream opened (null before start). */
  get deviceInfo(): AudioDeviceInfo | null {
    return this.info;
  }

  protected async open(): Promise<AudioDeviceInfo> {
    const info = chooseDevice(await listAudioDevices(), this.direction, this.options.device);
    this.info = info;
    this.rate = Math.round(info.defaultSampleRate);
    this.channels = streamChannels(this.direction === 'input' ? info.maxInputChannels : info.maxOutputChannels);
    this.framesPerBuffer = this.options.framesPerBuffer ?? (this.direction === 'input' ? defaultInputFramesPerBuffer : defaultFramesPerBuffer)(this.rate);
    return info;
  }

  /**
   * What every stream of ours opens with: the device's own rate, 16-bit (naudiodon defaults to
   * 8-bit), and `closeOnError: false` (by default one output gap kills the stream).
   */
  protected streamOptions(info: AudioDeviceInfo) {
    return {
      deviceId: info.id,
      sampleRate: this.rate,
      channelCount: this.channels,
      sampleFormat: 16 as const,
      closeOnError: false,
      framesPerBuffer: this.framesPerBuffer,
    };
  }

  protected abstract stream(): { streamInfo(): { active: boolean } } | null;

  protected startWatchdog(): void {
    this.failed = false;
    this.lastProgress = performance.now();
    const stallMs = this.options.stallMs ?? 1000;
    let lastTick = performance.now();
    this.watchdog = setInterval(() => {
      if (!this.running) return;
      const now = performance.now();
      // A late tick means our own event loop was blocked, not the device: start a fresh window.
      if (now - lastTick > 3 * WATCHDOG_INTERVAL_MS) this.lastProgress = now;
      lastTick = now;
      const stream = this.stream();
      if (stream && !stream.streamInfo().active) this.fail('the audio stream stopped (device gone?)');
      else if (now - this.lastProgress > stallMs) this.fail(`no audio moved for ${stallMs} ms (device gone?)`);
    }, WATCHDOG_INTERVAL_MS);
    this.watchdog.unref?.();
  }

  protected stopWatchdog(): void {
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = null;
  }

  /**
   * Reports a failure once and stops using the stream (without waiting on it: it may be dead).
   * `lost`: the device is gone (the default one may work); otherwise our own side failed.
   */
  protected fail(message: string, lost = true): void {
    if (this.failed || !this.running) return;
    this.failed = true;
    this.running = false;
    this.stopWatchdog();
    this.abandon();
    this.onError?.({ message: `${this.name}: ${message}`, lost });
  }

  protected abstract abandon(): void;

  stats(): NativeStreamStats | null {
    const stream = this.stream() as { streamInfo(): StreamInfo } | null;
    if (!stream || !this.info) return null;
    const s = stream.streamInfo();
    return {
      device: this.name,
      sampleRate: this.rate,
      channels: this.channels,
      framesPerBuffer: this.framesPerBuffer,
      portAudioLatencyMs: (this.direction === 'input' ? s.inputLatency : s.outputLatency) * 1000,
      underflows: s.outputUnderflows,
      overflows: s.inputOverflows,
    };
  }
}

/** Closes a stream in the background: abort() runs on libuv's pool; a dead stream must not block us. */
function closeQuietly(io: IoStreamRead | IoStreamWrite): Promise<void> {
  const destroy = () => void (io as unknown as { destroy(): void }).destroy();
  return serialClose(() => io.abort().then(destroy, destroy));
}

export class NaudiodonOutput extends NaudiodonDevice implements OutputDevice {
  private io: IoStreamWrite | null = null;
  private resampler: Resampler | null = null;
  private pull: FrameSource | null = null;
  /** The piece pulled last, in device format (interleaved), and its bytes (a view, made once per size). */
  private piece = new Int16Array(0);
  private pieceBytes = Buffer.alloc(0);
  /** Engine samples per pull, and pulls per 10 ms (their sizes spread the remainder). */
  private readonly pullsPerFrame: number;
  private pullInFrame = 0;
  /** Where each write ends in device frames (a ring indexed by write number). */
  private readonly writeEnds = new Float64Array(WRITE_RING);
  private issuedWrites = 0;
  private writtenFrames = 0;
  private completedWrites = 0;
  private lastCompletionAt = 0;
  private pulledFrames = 0;
  private portAudioLatencyMs = 0;
  private lastUnderflows = 0;
  private readonly maxQueue: number;

  constructor(options: NaudiodonOptions = {}) {
    super(options, 'output');
    this.maxQueue = Math.max(1, options.maxQueue ?? 2);
    this.pullsPerFrame = Math.max(1, Math.min(8, Math.round(options.writesPerFrame ?? 4)));
  }

  async start(pull: FrameSource): Promise<void> {
    if (this.running) throw new Error(`${this.name}: already started`);
    const pa = await loadNaudiodon();
    const info = await this.open();
    this.resampler = await createResampler({ from: ENGINE_SAMPLE_RATE, to: this.rate });
    await closesSettled(); // from here to start() nothing awaits: no close can overlap the open
    try {
      this.io = pa.AudioIO({
        // highwaterMark: one write is outstanding at a time anyway (writeNext waits for its callback).
        outOptions: { ...this.streamOptions(info), maxQueue: this.maxQueue, highwaterMark: 1024 },
      });
    } catch (error) {
      this.resampler.destroy();
      this.resampler = null;
      throw new Error(`${this.name}: cannot open for playback: ${(error as Error).message}`);
    }
    this.portAudioLatencyMs = this.io.streamInfo().outputLatency * 1000;
    this.io.on('error', (error: Error) => this.fail(error.message));
    this.pull = pull;
    this.issuedWrites = 0;
    this.writtenFrames = 0;
    this.completedWrites = 0;
    this.pulledFrames = 0;
    this.lastUnderflows = 0;
    this.pullInFrame = 0;
    this.running = true;
    this.io.start();
    this.startWatchdog();
    this.writeNext();
  }

  /** Output underflows PortAudio counted on the last stream opened (kept after stop()). */
  get underflows(): number {
    this.noteUnderflows();
    return this.lastUnderflows;
  }

  private noteUnderflows(): void {
    if (this.io) this.lastUnderflows = this.io.streamInfo().outputUnderflows;
  }

  private readonly onWritten = (error?: Error | null): void => {
    if (!this.running) return;
    if (error) return this.fail(error.message);
    this.completedWrites++;
    this.lastCompletionAt = performance.now();
    this.lastProgress = this.lastCompletionAt;
    this.writeNext();
  };

  /** Pulls the next piece from the player (as late as it can be) and hands it to naudiodon. */
  private writeNext(): void {
    const io = this.io;
    if (!io) return;
    const frames = this.pullPiece();
    if (frames === 0) return;
    this.writtenFrames += frames;
    this.writeEnds[this.issuedWrites++ % WRITE_RING] = this.writtenFrames;
    // naudiodon copies the bytes synchronously (Chunk constructor), so the piece buffer is reusable.
    io.write(this.pieceBytes.subarray(0, frames * this.channels * 2), this.onWritten);
  }

  /** Pulls the next piece from the player into `piece` in the device format: its frames (0 on failure). */
  private pullPiece(): number {
    const resampler = this.resampler;
    if (!resampler) return 0;
    let mono: Int16Array = EMPTY;
    // A resampler may hold back the first pieces' few samples: pull again rather than write nothing.
    for (let attempt = 0; attempt < 8 && mono.length === 0; attempt++) {
      if (!this.pull) return 0;
      const k = this.pullInFrame;
      const samples = Math.round((ENGINE_FRAME_SAMPLES * (k + 1)) / this.pullsPerFrame) - Math.round((ENGINE_FRAME_SAMPLES * k) / this.pullsPerFrame);
      this.pullInFrame = (k + 1) % this.pullsPerFrame;
      let pulled: Int16Array;
      try {
        pulled = this.pull(samples);
        mono = resampler.processInt16(pulled);
      } catch (error) {
        this.fail(`the player failed: ${(error as Error).message}`, false);
        return 0;
      }
      // What came back, not what was asked: a source that always hands out 10 ms is played as it is.
      this.pulledFrames += pulled.length;
    }
    const length = mono.length * this.channels;
    if (this.piece.length < length) {
      this.piece = new Int16Array(length * 2);
      this.pieceBytes = Buffer.from(this.piece.buffer, this.piece.byteOffset, this.piece.byteLength);
    }
    const out = this.piece;
    for (let i = 0, j = 0; i < mono.length; i++) {
      const v = mono[i]!;
      for (let c = 0; c < this.channels; c++) out[j++] = v;
    }
    return mono.length;
  }

  /**
   * Audio pulled but not yet heard: what naudiodon still holds (every piece is written as it is
   * pulled), and PortAudio's reported latency.
   * When write k enters naudiodon's full queue, the callback has just taken chunk k - maxQueue;
   * from then on it consumes at the device rate. Frames written minus frames so consumed is what
   * the queue (and the write in flight) holds.
   */
  latencyMs(): number {
    if (!this.running || this.rate === 0) return 0;
    const taken = this.completedWrites - 1 - this.maxQueue; // the chunk the callback took last
    let consumed = 0;
    if (taken >= 0) {
      const takenStart = taken > 0 ? this.writeEnds[(taken - 1) % WRITE_RING]! : 0;
      const takenEnd = this.writeEnds[taken % WRITE_RING]!;
      const elapsedFrames = ((performance.now() - this.lastCompletionAt) / 1000) * this.rate;
      consumed = Math.min(takenEnd, takenStart + elapsedFrames);
    }
    return ((this.writtenFrames - consumed) / this.rate) * 1000 + this.portAudioLatencyMs;
  }

  positionMs(): number {
    return Math.max(0, (this.pulledFrames / ENGINE_SAMPLE_RATE) * 1000 - this.latencyMs());
  }

  protected stream(): IoStreamWrite | null {
    return this.io;
  }

  protected abandon(): void {
    this.noteUnderflows();
    const io = this.io;
    this.io = null;
    this.pull = null;
    this.resampler?.destroy();
    this.resampler = null;
    if (io) void closeQuietly(io);
  }

  async stop(): Promise<void> {
    this.running = false;
    this.stopWatchdog();
    this.noteUnderflows();
    const io = this.io;
    this.io = null;
    this.pull = null;
    this.resampler?.destroy();
    this.resampler = null;
    if (io) await closeQuietly(io);
  }
}

export class NaudiodonInput extends NaudiodonDevice implements InputDevice {
  /** A real microphone may hear the speaker: echo cancellation applies (when enabled). */
  readonly hearsOutput = true;
  private io: IoStreamRead | null = null;
  private resampler: Resampler | null = null;
  private mono = new Int16Array(0);

  constructor(options: NaudiodonOptions = {}) {
    super(options, 'input');
  }

  async start(onAudio: (pcm: Int16Array) => void): Promise<void> {
    if (this.running) throw new Error(`${this.name}: already started`);
    const pa = await loadNaudiodon();
    const info = await this.open();
    const resampler = await createResampler({ from: this.rate, to: ENGINE_SAMPLE_RATE });
    this.resampler = resampler;
    // One read = 2.5 ms of device audio (the Readable asks for highwaterMark bytes at a time): about
    // one PortAudio buffer, so captured audio does not wait for a second one before it moves on.
    const readBytes = Math.round(this.rate / 400) * this.channels * 2;
    // A stalled event loop (a GC, a module loading) must not drop the microphone: ~340 ms of buffers.
    const maxQueue = this.options.maxQueue ?? Math.ceil((INPUT_QUEUE_MS * this.rate) / 1000 / this.framesPerBuffer);
    await closesSettled();
    try {
      this.io = pa.AudioIO({
        inOptions: { ...this.streamOptions(info), maxQueue, highwaterMark: readBytes },
      });
    } catch (error) {
      resampler.destroy();
      this.resampler = null;
      throw new Error(`${this.name}: cannot open for capture: ${(error as Error).message}`);
    }
    const channels = this.channels;
    this.io.on('data', (chunk: Buffer) => {
      if (!this.running || chunk.length < 2) return;
      this.lastProgress = performance.now();
      const samples = chunk.length >> 1;
      const pcm =
        chunk.byteOffset % 2 === 0
          ? new Int16Array(chunk.buffer, chunk.byteOffset, samples)
          : new Int16Array(new Uint8Array(chunk).buffer, 0, samples);
      let mono = pcm;
      if (channels > 1) {
        const frames = Math.floor(samples / channels);
        if (this.mono.length < frames) this.mono = new Int16Array(frames * 2);
        mono = downmixToMono(pcm.subarray(0, frames * channels), channels, this.mono.subarray(0, frames));
      }
      const converted = resampler.processInt16(mono);
      if (converted.length > 0) onAudio(converted.slice());
    });
    this.io.on('error', (error: Error) => this.fail(error.message));
    this.io.on('end', () => this.fail('the capture stream ended'));
    this.running = true;
    this.io.start();
    this.startWatchdog();
  }

  protected stream(): IoStreamRead | null {
    return this.io;
  }

  protected abandon(): void {
    const io = this.io;
    this.io = null;
    this.resampler?.destroy();
    this.resampler = null;
    if (io) {
      io.removeAllListeners('data');
      void closeQuietly(io);
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    this.stopWatchdog();
    const io = this.io;
    this.io = null;
    if (io) {
      io.removeAllListeners('data');
      await closeQuietly(io);
    }
    this.resampler?.destroy();
    this.resampler = null;
  }
}
