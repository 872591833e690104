import { BAND_COUNT, BandEnergies } from './band-energies';

/**
 * "Is someone in the room talking, besides the echo?" (issue 26), decided on the raw microphone,
 * before the echo canceller: where nothing but the reply's echo is there, what AEC3 leaks of it is
 * kept from the server (residual-echo-gate.ts). The microphone's band energies are compared with
 * the echo predicted from the reference: the reference's band energies `lag` frames back (within a
 * frame either way, decaying like a room's tail), times an echo return loss per band learned while
 * only the far end plays. A frame whose bands stand clear of that prediction carries near-end
 * sound (a voice, or any other sound in the room).
 *
 * The lag is the one at which the microphone's band energies follow the reference's best
 * (correlation of their log energies, averaged over the last seconds of far-end sound): the rest of
 * the echo delay after the canceller's pre-delay, the acoustic path and the capture's latency.
 */

/** Lags searched: 0-400 ms after the reference is handed to the canceller. */
const MAX_LAG = 40;
/**
 * The echo is predicted from the reference a frame before the lag to `LATE_FRAMES` after it: a
 * speaker that underflows (a loaded machine) plays on later than it was fed, so its echo comes
 * late by the gap, and the lag found follows only over a second or so.
 */
const LATE_FRAMES = 6;
const HISTORY = MAX_LAG + LATE_FRAMES + 2;
/** A band of the reference louder than this (mean square re full scale, -80 dBFS) plays. */
const REFERENCE_FLOOR = 1e-8;
/** A microphone band quieter than this (-75 dBFS) holds nothing worth judging. */
const MIC_FLOOR = 10 ** -7.5;
const MIC_FLOOR_DB = -75;
/**
 * A band carries near-end sound when the microphone is this much above the predicted echo. Echo
 * in a band scatters about its prediction by a few dB (20 ms windows of a 10 ms grid, a loopback
 * whose latency wanders): 8 dB above it is not echo.
 */
const NEAR_END_MARGIN_DB = 8;
/** Share of the microphone's energy (in bands above its floor) that must stand clear of the echo. */
const NEAR_END_SHARE = 0.1;
/** The room's tail: predicted echo decays by this much per 10 ms after its reference stops. */
const TAIL_DECAY_DB = 4;
/** Echo return loss before anything is learned: the echo as loud as the reference (no near-end voice is mistaken). */
const INITIAL_ERL_DB = 0;
/** Learning rates per 10 ms frame: the echo return loss (log domain), the lag's correlations. */
const ERL_RATE = 0.05;
const LAG_RATE = 0.01;
/** Most the echo return loss moves in one frame, dB (a near-end burst must not drag it). */
const ERL_STEP_DB = 2;

const toDb = (power: number) => 10 * Math.log10(power + 1e-20);

export class DoubleTalkDetector {
  private readonly micBands = new BandEnergies();
  private readonly referenceBands = new BandEnergies();
  /** Reference band energies (dB), newest last: `HISTORY` frames. */
  private readonly reference = Array.from({ length: HISTORY }, () => new Float64Array(BAND_COUNT).fill(-200));
  private newest = 0;
  /** Echo return loss per band, dB (echo at the microphone minus the reference). */
  private readonly erlDb = new Float64Array(BAND_COUNT).fill(INITIAL_ERL_DB);
  /** The predicted echo (dB) of the last frame, per band, for the tail. */
  private readonly predictedDb = new Float64Array(BAND_COUNT).fill(-200);
  /** Running means of the log energies and the cross-products per lag (the correlation). */
  private readonly micMean = new Float64Array(BAND_COUNT);
  private readonly referenceMean = new Float64Array(BAND_COUNT);
  private readonly covariance = new Float64Array(MAX_LAG + 1);
  private readonly micDb = new Float64Array(BAND_COUNT);
  private lagFrames = -1;
  private referenceSilentFrames = 0;
  private learnedFrames = 0;
  private echoLikely = false;

  /** The echo delay found (frames of 10 ms after the reference), or -1 before there was far-end sound. */
  get lag(): number {
    return this.lagFrames;
  }

  /** The last frame may hold echo: some band's predicted echo is above the microphone's floor. */
  get echoExpected(): boolean {
    return this.echoLikely;
  }

  /** A reference frame as handed to the echo canceller (10 ms, 24 kHz), in order. */
  reference10ms(frame: Int16Array): void {
    this.newest = (this.newest + 1) % HISTORY;
    const row = this.reference[this.newest]!;
    // Silence (nothing playing, or the speaker starved) needs no spectrum: the idle path costs nothing.
    if (silent(frame) && this.referenceSilentFrames++ > 1) {
      row.fill(-200);
      return;
    }
    if (!silent(frame)) this.referenceSilentFrames = 0;
    const bands = this.referenceBands.push(frame);
    for (let b = 0; b < BAND_COUNT; b++) row[b] = toDb(bands[b]!);
  }

  /** A raw microphone frame (10 ms), after the reference frames handed over with it: near-end sound in it? */
  capture(frame: Int16Array): boolean {
    const farEnd = this.farEndPlaying();
    if (!farEnd && !this.echoLikely) {
      // No echo to tell apart: whatever the microphone holds is near-end (the VAD says whether it is a voice).
      this.micBands.keep(frame);
      return true;
    }
    const mic = this.micBands.push(frame);
    const micDb = this.micDb;
    for (let b = 0; b < BAND_COUNT; b++) micDb[b] = toDb(mic[b]!);
    if (farEnd) this.updateLag();
    const lag = Math.max(0, this.lagFrames);
    let total = 0;
    let clear = 0;
    this.echoLikely = false;
    for (let b = 0; b < BAND_COUNT; b++) {
      let reference = -200;
      for (let d = lag - 1; d <= lag + LATE_FRAMES; d++) if (d >= 0) reference = Math.max(reference, this.referenceAt(d)[b]!);
      const fresh = reference > toDb(REFERENCE_FLOOR) ? reference + this.erlDb[b]! : -200;
      const predicted = Math.max(fresh, this.predictedDb[b]! - TAIL_DECAY_DB);
      this.predictedDb[b] = predicted;
      if (predicted > MIC_FLOOR_DB) this.echoLikely = true;
      if (mic[b]! < MIC_FLOOR) continue;
      total += mic[b]!;
      if (micDb[b]! > predicted + NEAR_END_MARGIN_DB) clear += mic[b]!;
    }
    const nearEnd = total > 0 && clear >= NEAR_END_SHARE * total;
    // The echo return loss learns from frames of far-end sound that hold nothing else.
    if (farEnd && !nearEnd && this.lagFrames >= 0) this.learnErl(lag);
    return nearEnd;
  }

  /** Another device or room: everything learned is forgotten. */
  reset(): void {
    for (const row of this.reference) row.fill(-200);
    this.erlDb.fill(INITIAL_ERL_DB);
    this.predictedDb.fill(-200);
    this.micMean.fill(0);
    this.referenceMean.fill(0);
    this.covariance.fill(0);
    this.lagFrames = -1;
    this.referenceSilentFrames = 0;
    this.learnedFrames = 0;
    this.echoLikely = false;
  }

  private referenceAt(delay: number): Float64Array {
    return this.reference[(this.newest - delay + HISTORY) % HISTORY]!;
  }

  private farEndPlaying(): boolean {
    // Any of the lags searched still holds reference sound: its echo may be in this frame.
    const floor = toDb(REFERENCE_FLOOR);
    for (let d = 0; d < HISTORY; d++) {
      const row = this.referenceAt(d);
      for (let b = 0; b < BAND_COUNT; b++) if (row[b]! > floor) return true;
    }
    return false;
  }

  /** Correlation of the microphone's log band energies with the reference's, at each lag. */
  private updateLag(): void {
    const micDb = this.micDb;
    for (let b = 0; b < BAND_COUNT; b++) {
      this.micMean[b]! += LAG_RATE * (micDb[b]! - this.micMean[b]!);
      this.referenceMean[b]! += LAG_RATE * (this.referenceAt(0)[b]! - this.referenceMean[b]!);
    }
    let best = -Infinity;
    let bestLag = this.lagFrames;
    for (let d = 0; d <= MAX_LAG; d++) {
      const row = this.referenceAt(d);
      let sum = 0;
      for (let b = 0; b < BAND_COUNT; b++) sum += (micDb[b]! - this.micMean[b]!) * (Math.max(row[b]!, -120) - this.referenceMean[b]!);
      const c = (this.covariance[d]! += LAG_RATE * (sum - this.covariance[d]!));
      if (c > best) {
        best = c;
        bestLag = d;
      }
    }
    if (best > 0) this.lagFrames = bestLag;
  }

  private learnErl(lag: number): void {
    this.learnedFrames++;
    const reference = this.referenceAt(lag);
    for (let b = 0; b < BAND_COUNT; b++) {
      if (reference[b]! <= toDb(REFERENCE_FLOOR)) continue;
      // A band below the microphone's floor says the echo is at most that loud (no echo path: a headset).
      const observed = Math.max(this.micDb[b]!, MIC_FLOOR_DB) - reference[b]!;
      const step = Math.max(-ERL_STEP_DB, Math.min(ERL_STEP_DB, ERL_RATE * (observed - this.erlDb[b]!)));
      // While little is learned, follow faster (the first second of a reply).
      this.erlDb[b]! += this.learnedFrames < 50 ? Math.max(-ERL_STEP_DB * 4, Math.min(ERL_STEP_DB * 4, 0.3 * (observed - this.erlDb[b]!))) : step;
    }
  }
}

function silent(frame: Int16Array): boolean {
  for (let i = 0; i < frame.length; i++) if (frame[i] !== 0) return false;
  return true;
}
