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
 * One voiced window (10 ms of audio, judged every 5 ms) makes an onset: every ms waited for here
 * is heard as reply talking over the user (bench/vad.ts: 10-11 ms after the voice begins with
 * back-to-back 10 ms frames, against 30-31 ms for three frames in a row, with the same false
 * onsets on the echo path: none with AEC3). A click or a breath is also one voiced window; such
 * an onset is taken back (`retracted`) when the sound stops before `SUSTAIN_MS`, so it costs the
 * listener a few tens of ms of silence, not the duck's window.
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
 * Audio judged but not reported when listening starts: WebRTC's VAD calls the first ~70 ms of any
 * steady noise voiced while its noise model settles (measured: 7 frames of white noise from -60
 * to -24 dBFS after a reset).
 */
export const SETTLE_MS = 100;
/**
 * A verdict every 5 ms: each 10 ms window WebRTC's VAD judges overlaps the one before by half, so
 * a voice is heard at the end of the first window it fills, 2.5 ms sooner on average than with
 * back-to-back frames. Two VAD instances take the windows in turn, so each still sees a stream of
 * contiguous 10 ms frames (its noise model follows time, as it expects).
 */
const HOP_SAMPLES = VAD_FRAME_SAMPLES / 2;
const HOP_MS = 5;
/** Windows whose 10 ms all lie within `ms` of audio (a run of `ms` is that many verdicts in a row). */
const windowsIn = (ms: number) => Math.max(1, Math.round((ms - 10) / HOP_MS) + 1);

/**
 * What a push found: a voice began (`onset`), or the onset just reported was a short sound, not
 * a voice (`retracted`: it stopped before `SUSTAIN_MS`).
 */
export type VoiceChange = 'onset' | 'retracted';

/**
 * Voice onsets on the microphone path (local voice activity detection, issue 12): 24 kHz engine
 * audio of any chunk length in, resampled to 16 kHz 10 ms windows every 5 ms for WebRTC's VAD,
 * and a verdict per push. After an onset the voice must pause for `releaseMs` before the next one, so a
 * long utterance is one onset, not many; an onset that stops within `SUSTAIN_MS` is retracted,
 * and the next voiced frame is a new onset.
 */
export class VoiceOnsetDetector {
  // Counts below are of verdicts (windows), one per 5 ms.
  private readonly onsetWindows: number;
  private readonly sustainWindows: number;
  private readonly retractWindows: number;
  private readonly releaseWindows: number;
  private readonly minVoiceDb: number;
  private voicedRun = 0;
  private unvoicedRun = 0;
  private inVoice = false;
  /** Voiced windows since the onset while it may still be retracted; 0 once sustained. */
  private provisional = 0;
  private change: VoiceChange | null = null;
  private settling = SETTLE_MS / HOP_MS;
  /** The window judged next: the previous hop and the new one. */
  private readonly window = new Int16Array(VAD_FRAME_SAMPLES);
  private hops = 0;
  private readonly toHops = new Framer(HOP_SAMPLES, (hop) => this.onHop(hop), { reuse: true });

  private constructor(
    private readonly vads: readonly [WebRtcVad, WebRtcVad],
    private readonly resampler: Resampler,
    options: VoiceOnsetOptions,
  ) {
    this.onsetWindows = windowsIn(options.onsetMs ?? ONSET_MS);
    this.sustainWindows = Math.max(this.onsetWindows, windowsIn(options.sustainMs ?? SUSTAIN_MS));
    this.retractWindows = windowsIn(options.retractGapMs ?? RETRACT_GAP_MS);
    this.releaseWindows = windowsIn(options.releaseMs ?? RELEASE_MS);
    this.minVoiceDb = options.minVoiceDb ?? MIN_VOICE_DB;
  }

  static async create(options: VoiceOnsetOptions = {}): Promise<VoiceOnsetDetector> {
    const vads: WebRtcVad[] = [];
    try {
      for (let i = 0; i < 2; i++) vads.push(await WebRtcVad.create(options.mode ?? 3));
      // Linear, not the sinc converters the devices use: ~3x cheaper (30 vs 100 µs per 10 ms here),
      // and what it aliases lands above 4 kHz, which WebRTC's VAD filters out itself (it judges
      // the 0-4 kHz band, at 8 kHz).
      const resampler = await createResampler({ from: ENGINE_SAMPLE_RATE, to: VAD_SAMPLE_RATE, quality: 'linear' });
      return new VoiceOnsetDetector([vads[0]!, vads[1]!], resampler, options);
    } catch (error) {
      for (const vad of vads) vad.destroy();
      throw error;
    }
  }

  /**
   * 24 kHz mono audio, any length: what changed within it, or null (also for an onset retracted
   * within the same push: nothing was reported, nothing is taken back).
   */
  push(pcm: Int16Array): VoiceChange | null {
    this.change = null;
    this.toHops.push(this.resampler.processInt16(pcm));
    return this.change;
  }

  /**
   * Listening stops for now (nothing to duck): forgets the run and the partial frame, keeps the
   * VAD's noise model (a settled model from a while ago judges better than a fresh one). The
   * next push starts a new stream, the first `SETTLE_MS` unreported.
   */
  pause(): void {
    this.voicedRun = 0;
    this.unvoicedRun = 0;
    this.inVoice = false;
    this.provisional = 0;
    this.settling = SETTLE_MS / HOP_MS;
    this.window.fill(0);
    this.toHops.reset();
    this.resampler.flushInt16();
  }

  /** Another place or device altogether: `pause()`, and the noise model starts afresh. */
  reset(): void {
    this.pause();
    for (const vad of this.vads) vad.reset();
  }

  destroy(): void {
    for (const vad of this.vads) vad.destroy();
    this.resampler.destroy();
  }

  private onHop(hop: Int16Array): void {
    const window = this.window;
    window.copyWithin(0, HOP_SAMPLES);
    window.set(hop, HOP_SAMPLES);
    // The VADs see every window (their noise models follow the room); the level only vetoes.
    const voiced = this.vads[this.hops++ & 1]!.isVoiced(window) && rmsDb(window) >= this.minVoiceDb;
    if (this.settling > 0) {
      this.settling--;
      return;
    }
    if (voiced) {
      this.voicedRun++;
      this.unvoicedRun = 0;
      if (this.provisional > 0 && ++this.provisional >= this.sustainWindows) this.provisional = 0;
      if (!this.inVoice && this.voicedRun >= this.onsetWindows) {
        this.inVoice = true;
        this.provisional = this.sustainWindows > this.voicedRun ? this.voicedRun : 0;
        this.change = 'onset';
      }
    } else {
      this.voicedRun = 0;
      this.unvoicedRun++;
      if (this.provisional > 0 && this.unvoicedRun >= this.retractWindows) {
        this.inVoice = false;
        this.provisional = 0;
        this.change = this.change === 'onset' ? null : 'retracted';
      } else if (this.inVoice && this.unvoicedRun >= this.releaseWindows) {
        this.inVoice = false;
      }
    }
  }
}
