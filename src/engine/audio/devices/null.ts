/**
 * Devices that stand for no hardware: for headless runs (CI, benchmarks, the CLI with --no-audio).
 */
import { ENGINE_FRAME_SAMPLES, ENGINE_SAMPLE_RATE, type DeviceErrorInfo, type FrameSource, type InputDevice, type OutputDevice } from './types';
import { FramePacer } from './pacer';

const FRAME_MS = (ENGINE_FRAME_SAMPLES * 1000) / ENGINE_SAMPLE_RATE;

/** A microphone that never delivers audio (not even silence): the engine simply hears nothing. */
export class NullInput implements InputDevice {
  readonly name = 'null input';
  onError?: (error: DeviceErrorInfo) => void;

  async start(_onAudio: (pcm: Int16Array) => void): Promise<void> {}

  async stop(): Promise<void> {}
}

/** A speaker that pulls one frame per 10 ms of (scaled) wall time and discards it. */
export class NullOutput implements OutputDevice {
  readonly name = 'null output';
  onError?: (error: DeviceErrorInfo) => void;
  private pacer: FramePacer | null = null;

  constructor(private readonly options: { speed?: number } = {}) {}

  async start(pull: FrameSource): Promise<void> {
    if (this.pacer?.running) throw new Error('null output: already started');
    this.pacer = new FramePacer(FRAME_MS, this.options.speed ?? 1, (due) => {
      for (let i = 0; i < due; i++) pull();
    });
    this.pacer.start();
  }

  async stop(): Promise<void> {
    this.pacer?.stop();
  }

  latencyMs(): number {
    return 0;
  }

  positionMs(): number {
    return (this.pacer?.frames ?? 0) * FRAME_MS;
  }
}
