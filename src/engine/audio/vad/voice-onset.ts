import { ENGINE_SAMPLE_RATE } from '../devices/types';
import { Framer } from '../framer';
import { rmsDb } from '../meter';
import { createResampler, type Resampler } from '../resample';
import { VAD_FRAME_SAMPLES, VAD_SAMPLE_RATE, WebRtcVad, type VadMode } from './webrtc-vad';

export interface VoiceOnsetOptions {
  /** Voiced audio in a row that makes an onset; default `ONSET_MS`. */
  onsetMs?: number;
  /** Voiced audio after an onset that makes it a voice, no longer retractable; default `SUSTAIN_MS`. */
  sustainMs?: number;
  /** Unvoiced audio in a row that retracts an onset not yet sustained; default `RETRACT_GAP_MS`. */
  retractGapMs?: number;
  /** Unvoiced audio in a row after which a new onset may be reported; default `RELEASE_MS`. */
  releaseMs?: number;
  mode?: VadMode;
  /** A frame quieter than this (dBFS RMS) is not voice, whatever the VAD says; default `MIN_VOICE_DB`. */
  minVoiceDb?: number;
}

/**
 * One voiced 10 ms frame makes an onset: every frame waited for here is heard as reply talking
 * over the user (bench/vad.ts: 10-11 ms after the voice begins, against 30-31 ms for three
 * frames, with the same false onsets on the echo path: none with AEC3). A click or a breath is
 * also one voiced frame; such an onset is taken back (`retracted`) when the sound stops before
 * `SUSTAIN_MS`, so it costs the listener a few tens of ms of silence, not the duck's window.
 */
export const ONSET_MS = 10;
/**
 * Voiced audio after the onset that makes it a voice: 50 ms. The shortest word a person cuts in
 * with ("no", 「あ」) is voiced for 80 ms or more; a click, a tap or a lip smack is over in
 * 10-30 ms. A cough is longer: it waits for the server like a voice.
 */
export const SUSTAIN_MS = 50;
/**
 * A gap this long before the onset is sustained retracts it. Not shorter: a voice's first
 * consonants are not all voiced, and the closure of a stop after them is silent ("Stop", "Speak
 * slower": the "s" is an onset, 20-40 ms of closure follow before the vowel; measured on espeak-ng
 * phrases in English and Japanese, 20 ms retracted 2 of 20 phrases, 40 ms none). A click then
 * costs the listener ~80 ms of silence.
 */
export const RETRACT_GAP_MS = 60;
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
 * What a push found: a voice began (`onset`), or the onset just reported was a short sound, not
 * a voice (`retracted`: it stopped before `SUSTAIN_MS`).
 */
export type VoiceChange = 'onset' | 'retracted';

/**
 * Voice onsets on the microphone path (local voice activity detection, issue 12): 24 kHz engine
 * audio of any chunk length in, resampled to 16 kHz 10 ms frames for WebRTC's VAD, and a
 * verdict per push. After an onset the voice must pause for `releaseMs` before the next one, so a
 * long utterance is one onset, not many; an onset that stops within `SUSTAIN_MS` is retracted,
 * and the next voiced frame is a new onset.
 */
export class VoiceOnsetDetector {
  private readonly onsetFrames: number;
  private readonly sustainFrames: number;
  private readonly retractFrames: number;
  private readonly releaseFrames: number;
  private readonly minVoiceDb: number;
  private voicedRun = 0;
  private unvoicedRun = 0;
  private inVoice = false;
  /** Voiced frames since the onset while it may still be retracted; 0 once sustained. */
  private provisional = 0;
  private change: VoiceChange | null = null;
  private settling = SETTLE_FRAMES;
  private readonly toFrames = new Framer(VAD_FRAME_SAMPLES, (frame) => this.onFrame(frame));

  private constructor(
    private readonly vad: WebRtcVad,
    private readonly resampler: Resampler,
    options: VoiceOnsetOptions,
  ) {
    this.onsetFrames = Math.max(1, Math.round((options.onsetMs ?? ONSET_MS) / 10));
    this.sustainFrames = Math.max(this.onsetFrames, Math.round((options.sustainMs ?? SUSTAIN_MS) / 10));
    this.retractFrames = Math.max(1, Math.round((options.retractGapMs ?? RETRACT_GAP_MS) / 10));
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

  /**
   * 24 kHz mono audio, any length: what changed within it, or null (also for an onset retracted
   * within the same push: nothing was reported, nothing is taken back).
   */
  push(pcm: Int16Array): VoiceChange | null {
    this.change = null;
    this.toFrames.push(this.resampler.processInt16(pcm));
    return this.change;
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
    this.provisional = 0;
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
      if (this.provisional > 0 && ++this.provisional >= this.sustainFrames) this.provisional = 0;
      if (!this.inVoice && this.voicedRun >= this.onsetFrames) {
        this.inVoice = true;
        this.provisional = this.sustainFrames > this.voicedRun ? this.voicedRun : 0;
        this.change = 'onset';
      }
    } else {
      this.voicedRun = 0;
      this.unvoicedRun++;
      if (this.provisional > 0 && this.unvoicedRun >= this.retractFrames) {
        this.inVoice = false;
        this.provisional = 0;
        this.change = this.change === 'onset' ? null : 'retracted';
      } else if (this.inVoice && this.unvoicedRun >= this.releaseFrames) {
        this.inVoice = false;
      }
    }
  }
}
