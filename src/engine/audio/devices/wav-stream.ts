/**
 * An output device that streams what would be heard as a WAV to a pipe (stdout), as it is played:
 * one 10 ms frame per 10 ms of wall time, after a header that needs no seeking (sizes "unknown",
 * as sox and ffmpeg write to pipes). `kaiwa --output - | aplay` plays the reply while it streams.
 *
 * A reader that goes away (EPIPE: `| head`, a closed player) is not a failure of Kaiwa's: the
 * device stops and `closed` resolves, so the front end can end the run cleanly.
 */
import type { Writable } from 'node:stream';
import { ENGINE_FRAME_SAMPLES, ENGINE_SAMPLE_RATE, type DeviceErrorInfo, type FrameSource, type OutputDevice } from './types';
import { FramePacer } from './pacer';
import { streamingWavHeader } from '../wav';
import { pcm16ToBytes } from '../pcm';

const FRAME_MS = (ENGINE_FRAME_SAMPLES * 1000) / ENGINE_SAMPLE_RATE;

export interface WavStreamOutputOptions {
  /** Wall-clock speed-up; default 1 (real time). */
  speed?: number;
}

export class WavStreamOutput implements OutputDevice {
  readonly name: string;
  onError?: (error: DeviceErrorInfo) => void;
  /** Resolves when the reader has gone away (or the stream failed); the device has stopped. */
  readonly closed: Promise<void>;
  private markClosed!: () => void;
  private pacer: FramePacer | null = null;
  private frames = 0;
  private gone = false;
  private readonly onStreamError = (error: NodeJS.ErrnoException) => this.readerGone(error);

  constructor(
    private readonly stream: Writable,
    private readonly options: WavStreamOutputOptions & { name?: string } = {},
  ) {
    this.name = options.name ?? 'wav stream output';
    this.closed = new Promise((resolve) => (this.markClosed = resolve));
  }

  async start(pull: FrameSource): Promise<void> {
    if (this.pacer) throw new Error(`${this.name}: streams once`);
    this.stream.on('error', this.onStreamError);
    this.write(streamingWavHeader(ENGINE_SAMPLE_RATE));
    const pacer = new FramePacer(FRAME_MS, this.options.speed ?? 1, (due) => {
      for (let i = 0; i < due && !this.gone; i++) {
        this.write(pcm16ToBytes(pull()));
        this.frames++;
      }
    });
    this.pacer = pacer;
    pacer.start();
  }

  async stop(): Promise<void> {
    this.pacer?.stop();
    this.stream.off('error', this.onStreamError);
    // Errors after this point (a reader that leaves while the process exits) are nobody's concern.
    this.stream.on('error', () => {});
  }

  latencyMs(): number {
    return 0;
  }

  positionMs(): number {
    return this.frames * FRAME_MS;
  }

  private write(bytes: Uint8Array): void {
    if (this.gone) return;
    try {
      // Copied: pcm16ToBytes may view a buffer the player reuses.
      this.stream.write(Buffer.from(bytes));
    } catch (error) {
      this.readerGone(error as NodeJS.ErrnoException);
    }
  }

  private readerGone(error: NodeJS.ErrnoException): void {
    if (this.gone) return;
    this.gone = true;
    this.pacer?.stop();
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') {
      this.onError?.({ message: `${this.name}: ${error.message}`, lost: false });
    }
    this.markClosed();
  }
}
