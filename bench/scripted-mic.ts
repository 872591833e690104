import { ENGINE_FRAME_SAMPLES, type InputDevice } from '../src/engine/audio/devices/types';
import { FramePacer } from '../src/engine/audio/devices/pacer';

/**
 * The benchmarks' microphone: 10 ms frames on the (scaled) clock, silence or a voiced tone while
 * `speaking`. Its frame count is the simulated clock of an accelerated run.
 */

const FRAME = ENGINE_FRAME_SAMPLES;
const FRAME_MS = 10;

/** A voiced tone (harmonics of 150 Hz, about -12 dBFS) the simulator's VAD takes for speech. */
function voiceFrame(index: number, out: Int16Array): Int16Array {
  for (let i = 0; i < FRAME; i++) {
    const t = (index * FRAME + i) / 24_000;
    out[i] = Math.round(4000 * (Math.sin(2 * Math.PI * 150 * t) + 0.6 * Math.sin(2 * Math.PI * 300 * t) + 0.3 * Math.sin(2 * Math.PI * 450 * t)));
  }
  return out;
}

export class ScriptedMic implements InputDevice {
  readonly name = 'scripted mic';
  speaking = false;
  private pacer: FramePacer | null = null;
  private frames = 0;
  private readonly silence = new Int16Array(FRAME);
  private readonly voice = new Int16Array(FRAME);
  private onAudio: ((pcm: Int16Array) => void) | null = null;

  constructor(private readonly speed: number) {}

  get simulatedMs(): number {
    return this.frames * FRAME_MS;
  }

  async start(onAudio: (pcm: Int16Array) => void): Promise<void> {
    this.onAudio = onAudio;
    this.pacer = new FramePacer(FRAME_MS, this.speed, (due) => {
      for (let i = 0; i < due; i++) onAudio(this.speaking ? voiceFrame(this.frames++, this.voice) : (this.frames++, this.silence));
    });
    this.pacer.start();
  }

  /** Delivers `ms` of voice at once (push-to-talk trials). */
  burst(ms: number): void {
    for (let i = 0; i < ms / FRAME_MS; i++) this.onAudio?.(voiceFrame(this.frames++, this.voice));
  }

  async stop(): Promise<void> {
    this.pacer?.stop();
  }
}
