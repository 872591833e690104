/**
 * WAV files as devices, for tests, benchmarks and the CLI: an input that plays a file into the
 * engine like a microphone would (real-time pace, 10 ms chunks), and an output that records
 * exactly what would be heard, silences included, on its own clock.
 *
 * Both pace themselves by wall time scaled by `speed` (> 1 runs faster than real time) with
 * drift correction: the frames due are computed from elapsed time, not by counting timer ticks.
 */
import { ENGINE_FRAME_SAMPLES, ENGINE_SAMPLE_RATE, type DeviceErrorInfo, type FrameSource, type InputDevice, type OutputDevice } from './types';
import { FramePacer } from './pacer';
import { WavError, WavFileWriter } from '../wav';
import { readRecordingAsEngineAudio } from '../decode';
import { createResampler, type Resampler } from '../resample';

const FRAME = ENGINE_FRAME_SAMPLES;
const FRAME_MS = (FRAME * 1000) / ENGINE_SAMPLE_RATE;

export interface WavFileInputOptions {
  /** Wall-clock speed-up; default 1 (real time). */
  speed?: number;
  /** Silence delivered after the file, in ms; default: silence until stopped. */
  tailSilenceMs?: number;
  /** Audio already decoded (24 kHz mono), e.g. a recording read from stdin: the path is then only its name. */
  audio?: Int16Array;
}

/**
 * Delivers a recording (WAV, or any format audio/decode.ts reads, converted to 24 kHz mono) in 10 ms chunks, then
 * silence. The last chunk of the file is zero-padded to 10 ms. Silent chunks are one shared,
 * all-zero array: read-only.
 */
export class WavFileInput implements InputDevice {
  readonly name: string;
  onError?: (error: DeviceErrorInfo) => void;
  /** Resolves once the whole file has been delivered. */
  readonly exhausted: Promise<void>;
  /** Resolves once the file and the tail silence have been delivered (never without tailSilenceMs). */
  readonly ended: Promise<void>;
  private markExhausted!: () => void;
  private markEnded!: () => void;
  private pacer: FramePacer | null = null;
  private audio: Int16Array | null = null;
  private delivered = 0;
  private readonly silence = new Int16Array(FRAME);

  constructor(
    readonly path: string,
    private readonly options: WavFileInputOptions = {},
  ) {
    this.name = `wav file input (${path})`;
    this.exhausted = new Promise((resolve) => (this.markExhausted = resolve));
    this.ended = new Promise((resolve) => (this.markEnded = resolve));
    if (options.tailSilenceMs !== undefined && !(options.tailSilenceMs >= 0)) {
      throw new RangeError(`invalid tailSilenceMs: ${options.tailSilenceMs}`);
    }
  }

  /** Length of the file's audio in ms (0 before start). */
  get durationMs(): number {
    return this.audio ? (this.audio.length * 1000) / ENGINE_SAMPLE_RATE : 0;
  }

  /** Milliseconds delivered so far (file and silence). */
  positionMs(): number {
    return this.delivered * FRAME_MS;
  }

  async start(onAudio: (pcm: Int16Array) => void): Promise<void> {
    if (this.pacer?.running) throw new Error(`${this.name}: already started`);
    const audio = this.options.audio ?? (await readRecordingAsEngineAudio(this.path)); // the error names the path
    this.audio = audio;
    this.delivered = 0;
    const fileFrames = Math.ceil(audio.length / FRAME);
    const tailFrames = this.options.tailSilenceMs === undefined ? Infinity : Math.round(this.options.tailSilenceMs / FRAME_MS);
    const totalFrames = fileFrames + tailFrames;
    if (fileFrames === 0) this.markExhausted();
    if (totalFrames === 0) this.markEnded();
    const pacer = new FramePacer(FRAME_MS, this.options.speed ?? 1, (due) => {
      for (let i = 0; i < due && this.delivered < totalFrames; i++) {
        const chunk = this.delivered < fileFrames ? this.fileChunk(audio, this.delivered) : this.silence;
        this.delivered++;
        try {
          onAudio(chunk);
        } catch (error) {
          this.onError?.({ message: `audio consumer failed: ${(error as Error).message}`, lost: false });
        }
        if (this.delivered === fileFrames) this.markExhausted();
      }
      if (this.delivered >= totalFrames) {
        pacer.stop();
        this.markEnded();
      }
    });
    this.pacer = pacer;
    pacer.start();
  }

  async stop(): Promise<void> {
    this.pacer?.stop();
  }

  private fileChunk(audio: Int16Array, frame: number): Int16Array {
    const start = frame * FRAME;
    if (start + FRAME <= audio.length) return audio.subarray(start, start + FRAME);
    const padded = new Int16Array(FRAME);
    padded.set(audio.subarray(start));
    return padded;
  }
}

export interface WavFileOutputOptions {
  /** Wall-clock speed-up; default 1 (real time). */
  speed?: number;
  /** Rate of the recorded file; default 24000 (the engine's). Other rates are resampled. */
  sampleRate?: number;
}

/**
 * Pulls one 10 ms frame per 10 ms of (scaled) wall time and records it to a 16-bit mono WAV file,
 * so the file's timeline is what a listener would have heard. `stop()` finalises the file.
 */
export class WavFileOutput implements OutputDevice {
  readonly name: string;
  onError?: (error: DeviceErrorInfo) => void;
  private pacer: FramePacer | null = null;
  private writer: WavFileWriter | null = null;
  private resampler: Resampler | null = null;
  private frames = 0;
  private stopping: Promise<void> | null = null;

  constructor(
    readonly path: string,
    private readonly options: WavFileOutputOptions = {},
  ) {
    this.name = `wav file output (${path})`;
  }

  async start(pull: FrameSource): Promise<void> {
    if (this.writer) throw new Error(`${this.name}: records once; create a new WavFileOutput to record again`);
    const sampleRate = this.options.sampleRate ?? ENGINE_SAMPLE_RATE;
    this.resampler = sampleRate === ENGINE_SAMPLE_RATE ? null : await createResampler({ from: ENGINE_SAMPLE_RATE, to: sampleRate });
    const writer = await WavFileWriter.create(this.path, { sampleRate });
    this.writer = writer;
    this.frames = 0;
    this.stopping = null;
    const pacer = new FramePacer(FRAME_MS, this.options.speed ?? 1, (due) => {
      try {
        for (let i = 0; i < due; i++) {
          const frame = pull();
          writer.write(this.resampler ? this.resampler.processInt16(frame) : frame);
          this.frames++;
        }
      } catch (error) {
        pacer.stop();
        const message = error instanceof WavError ? error.message : `${this.name}: ${(error as Error).message}`;
        this.onError?.({ message, lost: true });
      }
    });
    this.pacer = pacer;
    pacer.start();
  }

  /** Stops pulling and finalises the file (sizes patched). Safe to call more than once. */
  stop(): Promise<void> {
    if (this.stopping) return this.stopping;
    this.pacer?.stop();
    const writer = this.writer;
    const resampler = this.resampler;
    this.stopping = (async () => {
      if (!writer) return;
      try {
        if (resampler) writer.write(resampler.flushInt16());
      } finally {
        resampler?.destroy();
        await writer.close();
      }
    })();
    return this.stopping;
  }

  latencyMs(): number {
    return 0;
  }

  /** Milliseconds recorded so far: the position in the file's timeline. */
  positionMs(): number {
    return this.frames * FRAME_MS;
  }
}
