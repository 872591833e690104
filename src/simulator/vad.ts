import { ENGINE_SAMPLE_RATE as SAMPLE_RATE } from '../engine/audio/devices/types';

/**
 * Energy-based voice activity detection on 10 ms frames, the way the server's VAD is documented to
 * report: `speech_started` at the onset less the prefix padding, `speech_stopped` once silence has
 * lasted `silence_duration_ms` (so `audio_end_ms` includes that silence). Positions are samples on the
 * session's input clock (every sample ever appended), which is what `audio_*_ms` count.
 */

export const FRAME_SAMPLES = SAMPLE_RATE / 100;
/** Consecutive loud frames needed to call it speech (rejects clicks). */
const MIN_SPEECH_FRAMES = 3;
/** Once speaking, a frame counts as silence only this far below the onset threshold. */
const HYSTERESIS_DB = 6;

export interface VadConfig {
  /** `turn_detection.threshold`, 0..1 (0.5 default). */
  threshold: number;
  prefixPaddingMs: number;
  silenceDurationMs: number;
}

export type VadEvent =
  | { type: 'start'; audioStartSample: number; onsetSample: number }
  | { type: 'stop'; audioEndSample: number };

/** 0 -> -70 dBFS (very sensitive), 0.5 -> -40 dBFS, 1 -> -10 dBFS (only loud speech). */
export function thresholdToDbfs(threshold: number): number {
  const t = Math.min(1, Math.max(0, threshold));
  return -70 + 60 * t;
}

export class EnergyVad {
  private readonly onPower: number;
  private readonly offPower: number;
  private readonly silenceFrames: number;
  private readonly prefixSamples: number;
  private readonly frame = new Int16Array(FRAME_SAMPLES);
  private frameFill = 0;
  /** Samples consumed so far (the input clock). */
  private clock = 0;
  private loudRun = 0;
  private quietRun = 0;
  private speaking = false;

  constructor(config: VadConfig, startSample = 0) {
    const onDb = thresholdToDbfs(config.threshold);
    this.onPower = dbToPower(onDb);
    this.offPower = dbToPower(onDb - HYSTERESIS_DB);
    this.silenceFrames = Math.max(1, Math.round(config.silenceDurationMs / 10));
    this.prefixSamples = Math.max(0, Math.round((config.prefixPaddingMs * SAMPLE_RATE) / 1000));
    this.clock = startSample;
  }

  get isSpeaking(): boolean {
    return this.speaking;
  }

  /** Feeds samples; returns the events they complete (at most one start and one stop per frame). */
  push(pcm: Int16Array): VadEvent[] {
    const events: VadEvent[] = [];
    let i = 0;
    while (i < pcm.length) {
      const take = Math.min(FRAME_SAMPLES - this.frameFill, pcm.length - i);
      this.frame.set(pcm.subarray(i, i + take), this.frameFill);
      this.frameFill += take;
      i += take;
      if (this.frameFill === FRAME_SAMPLES) {
        this.frameFill = 0;
        const event = this.onFrame(meanSquare(this.frame));
        this.clock += FRAME_SAMPLES;
        if (event) events.push(event);
      }
    }
    return events;
  }

  private onFrame(power: number): VadEvent | undefined {
    const frameEnd = this.clock + FRAME_SAMPLES;
    if (!this.speaking) {
      this.loudRun = power >= this.onPower ? this.loudRun + 1 : 0;
      if (this.loudRun < MIN_SPEECH_FRAMES) return undefined;
      this.speaking = true;
      this.quietRun = 0;
      const onsetSample = frameEnd - MIN_SPEECH_FRAMES * FRAME_SAMPLES;
      return { type: 'start', onsetSample, audioStartSample: Math.max(0, onsetSample - this.prefixSamples) };
    }
    this.quietRun = power < this.offPower ? this.quietRun + 1 : 0;
    if (this.quietRun < this.silenceFrames) return undefined;
    this.speaking = false;
    this.loudRun = 0;
    return { type: 'stop', audioEndSample: frameEnd };
  }
}

function dbToPower(db: number): number {
  return 10 ** (db / 10);
}

/** Mean square of a frame, normalised so a full-scale square wave is 1 (0 dBFS). */
function meanSquare(frame: Int16Array): number {
  let sum = 0;
  for (let i = 0; i < frame.length; i++) sum += frame[i]! * frame[i]!;
  return sum / frame.length / (32768 * 32768);
}
