import { ENGINE_SAMPLE_RATE } from '../devices/types';
import { Framer } from '../framer';
import { rmsDb } from '../meter';
import { createResampler, type Resampler } from '../resample';
import { VAD_FRAME_SAMPLES, VAD_SAMPLE_RATE, WebRtcVad, type VadMode } from './webrtc-vad';

export interface VoiceOnsetOptions {
  /** Voiced audio in a row that makes an onset; default `ONSET_MS`. */
  onsetMs?: number;
  /** Unvoiced audio in a row after which a new onset may be reported; default `RELEASE_MS`. */
  releaseMs?: number;
  mode?: VadMode;
  /** A frame quieter than this (dBFS RMS) is not voice, whatever the VAD says; default `MIN_VOICE_DB`. */
  minVoiceDb?: number;
}

/**
 * 30 ms of voice in a row: one 10 ms voiced frame is often a click or a breath, three are
 * rarely anything but a voice or a real noise (which the server then judges). WebRTC's VAD
 * itself needs about as long to call a frame voiced, so the onset comes 30-40 ms after the voice
 * reaches the microphone (bench/vad.ts).
 */
export const ONSET_MS = 30;
/**
 * WebRTC's VAD judges the shape of a sound, hardly its level: it calls a faint voice voice. What
 * AEC3 leaves of the reply's echo (bursts at vowel onsets, measured on the rig at up to -43 dBFS
 * with the speaker 20 dB down at the microphone) ducked the reply now and then; the server's VAD
 * would not take sound that faint for the user either (the simulator's threshold 0.5 is -40 dBFS).
 */
export const MIN_VOICE_DB = -40;
/** A pause this long ends the voice: the next voiced run is a new onset. */
export const RELEASE_MS = 300;
/**
 * Frames judged but not reported when listening starts: WebRTC's VAD calls the first ~70 ms of
 * any steady noise voiced while its noise model settles (measured: 7 frames of white noise from
 * -60 to -24 dBFS after a reset).
 */
export const SETTLE_FRAMES = 10;

/**
 * Voice onsets on the microphone path (local voice activity detection, issue 12): 24 kHz engine
 * audio of any chunk length in, resampled to 16 kHz 10 ms frames for WebRTC's VAD, and a
 * verdict per push: did a voice start in it? After an onset the voice must pause for
 * `releaseMs` before the next one, so a long utterance is one onset, not many.
 */
export class VoiceOnsetDetector {
  private readonly onsetFrames: number;
  private readonly releaseFrames: number;
  private readonly minVoiceDb: number;
  private voicedRun = 0;
  private unvoicedRun = 0;
  private inVoice = false;
  private onsetInPush = false;
  private settling = SETTLE_FRAMES;
  private readonly toFrames = new Framer(VAD_FRAME_SAMPLES, (frame) => this.onFrame(frame));

  private constructor(
    private readonly vad: WebRtcVad,
    private readonly resampler: Resampler,
    options: VoiceOnsetOptions,
  ) {
    this.onsetFrames = Math.max(1, Math.round((options.onsetMs ?? ONSET_MS) / 10));
    this.releaseFrames = Math.max(1, Math.round((options.releaseMs ?? RELEASE_MS) / 10));
    this.minVoiceDb = options.minVoiceDb ?? MIN_VOICE_DB;
  }

  static async create(options: VoiceOnsetOptions = {}): Promise<VoiceOnsetDetector> {
    const vad = await WebRtcVad.create(options.mode ?? 3);
    try {
      // Linear, not the sinc converters the devices use: ~3x cheaper (30 vs 100 µs per 10 ms here),
      // and what it aliases lands above 4 kHz, which WebRTC's VAD filters out itself (it judges
      // the 0-4 kHz band, at 8 kHz).
      const resampler = await createResampler({ from: ENGINE_SAMPLE_RATE, to: VAD_SAMPLE_RATE, quality: 'linear' });
      return new VoiceOnsetDetector(vad, resampler, options);
    } catch (error) {
      vad.destroy();
      throw error;
    }
  }

  /** Whether it is inside a voice now (an onset was reported and no release followed). */
  get voiced(): boolean {
    return this.inVoice;
  }

  /** 24 kHz mono audio, any length: true when a voice onset completed within it. */
  push(pcm: Int16Array): boolean {
    this.onsetInPush = false;
    this.toFrames.push(this.resampler.processInt16(pcm));
    return this.onsetInPush;
  }

  /**
   * Listening stops for now (nothing to duck): forgets the run and the partial frame, keeps the
   * VAD's noise model (a settled model from a while ago judges better than a fresh one). The
   * next push starts a new stream, the first `SETTLE_FRAMES` unreported.
   */
  pause(): void {
    this.voicedRun = 0;
    this.unvoicedRun = 0;
    this.inVoice = false;
    this.settling = SETTLE_FRAMES;
    this.toFrames.reset();
    this.resampler.flushInt16();
  }

  /** Another place or device altogether: `pause()`, and the noise model starts afresh. */
  reset(): void {
    this.pause();
    this.vad.reset();
  }

  destroy(): void {
    this.vad.destroy();
    this.resampler.destroy();
  }

  private onFrame(frame: Int16Array): void {
    // The VAD sees every frame (its noise model follows the room); the level only vetoes.
    const voiced = this.vad.isVoiced(frame) && rmsDb(frame) >= this.minVoiceDb;
    if (this.settling > 0) {
      this.settling--;
      return;
    }
    if (voiced) {
      this.voicedRun++;
      this.unvoicedRun = 0;
      if (!this.inVoice && this.voicedRun >= this.onsetFrames) {
        this.inVoice = true;
        this.onsetInPush = true;
      }
    } else {
      this.voicedRun = 0;
      this.unvoicedRun++;
      if (this.inVoice && this.unvoicedRun >= this.releaseFrames) this.inVoice = false;
    }
  }
}
