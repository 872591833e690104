import type { Level } from '../events';
import { ENGINE_FRAME_SAMPLES, ENGINE_SAMPLE_RATE, type OutputDevice } from './devices/types';
import { createEchoCanceller, PassThroughEchoCanceller, withEchoReference, type EchoCanceller, type EchoCancellerOptions } from './echo-canceller';
import { DoubleTalkDetector } from './double-talk';
import { EchoWarmup } from './echo-warmup';
import { ResidualEchoGate } from './residual-echo-gate';
import { Framer } from './framer';
import { LevelSmoother, measureLevel, silentLevel } from './meter';
import { VoiceOnsetDetector } from './vad/voice-onset';

/**
 * Microphone audio goes out in 10 ms batches, the echo canceller's frame: with it on, each
 * cleaned frame leaves as it is made; without it, a sound waits for the rest of its batch (half a
 * batch on average: 40 ms batches made mic-to-socket ~45 ms on the rig, 20 ms ~25 ms). 100
 * messages a second cost ~3 KB/s of framing more than 50 do.
 */
export const MIC_BATCH_SAMPLES = (ENGINE_SAMPLE_RATE * 10) / 1000;

/** Where the mic path's batches go: the running session, which says whether it wants them now. */
export interface MicSink {
  readonly acceptsAudio: boolean;
  sendAudio(pcm: Int16Array): void;
  /**
   * Whether a voice heard here would matter now (local VAD on, a reply playing): only then does
   * the local VAD run, so it costs nothing while the assistant is silent.
   */
  readonly wantsVoiceOnsets?: boolean;
  /** The local VAD heard a voice start (after the echo canceller). */
  voiceOnset?(): void;
  /** The local VAD took that onset back: it was a short sound, not a voice. */
  voiceRetracted?(): void;
}

export interface MicPathOptions {
  /** The speaker, whose latency aligns the echo reference with its echo. */
  output: OutputDevice;
  /** Whether the microphone hears the speaker (a room between them): only then is there echo to cancel. */
  hearsOutput: boolean;
  echo?: EchoCancellerOptions;
  /** A non-fatal failure of the echo canceller (it then passes audio through). */
  onError: (message: string) => void;
  /** The local VAD could not load (voice onsets then wait for the server); default: onError. */
  onVoiceError?: (message: string) => void;
}

/**
 * The microphone path (ARCHITECTURE.md, "Data flow"): device chunks of any length -> 10 ms frames
 * for the echo canceller -> input level -> 10 ms batches for the session. Audio the sink does not
 * want now (muted, not talking in manual mode, reconnecting) is dropped, with any partial batch:
 * it is never sent late as if it were live.
 */
export class MicPath {
  /** The session the batches go to; null while there is none. */
  sink: MicSink | null = null;
  private readonly warmup = new EchoWarmup();
  private silence = new Int16Array(0);
  private echo: EchoCanceller = new PassThroughEchoCanceller();
  private echoSetup: Promise<void> | null = null;
  private readonly smoother = new LevelSmoother();
  private readonly frameLevel: Level = silentLevel();
  // The canceller copies each frame in (and a failed one passes on to consumers that copy): one buffer serves.
  private readonly toEchoFrames = new Framer(ENGINE_FRAME_SAMPLES, (frame) => this.onRawFrame(frame), { reuse: true });
  /** Near-end sound on the raw microphone against the echo reference, while the canceller runs. */
  private readonly doubleTalk = new DoubleTalkDetector();
  private readonly residualGate = new ResidualEchoGate();
  private readonly toBatches = new Framer(MIC_BATCH_SAMPLES, (batch) => this.sink?.sendAudio(batch));
  private onsets: VoiceOnsetDetector | null = null;
  private onsetsLoading: Promise<void> | null = null;
  private onsetsFailed = false;
  private listeningForVoice = false;

  constructor(private readonly options: MicPathOptions) {}

  /** The input level, smoothed for the pulse. */
  get level(): Level {
    return this.smoother.level;
  }

  /** The speaker as the player should drive it: what it plays becomes the echo reference. */
  get speaker(): OutputDevice {
    return withEchoReference(this.options.output, () => this.echo, (frame) => {
      if (this.echo.active) this.warmup.render(frame, this.options.output.latencyMs());
    });
  }

  /** The input device's callback. */
  readonly push = (pcm: Int16Array): void => {
    if (!this.echo.active) {
      this.onCleanAudio(pcm);
      return;
    }
    this.echo.setDelayMs(this.options.output.latencyMs());
    this.toEchoFrames.push(pcm);
  };

  /** Sends the partial batch now (the tail of an utterance must arrive before its commit). */
  flush(): void {
    if (this.sink?.acceptsAudio) this.toBatches.drain();
    else this.toBatches.reset();
  }

  /** Drops the partial batch. */
  drop(): void {
    this.toBatches.reset();
  }

  /**
   * Creates (or drops) the echo canceller for `enabled`; failing to load it is reported, not
   * fatal. Calls are applied in order.
   */
  configureEcho(enabled: boolean): Promise<void> {
    const previous = this.echoSetup ?? Promise.resolve();
    const setup = previous.then(async () => {
      // Without a room between speaker and microphone there is no echo to cancel, only speech to lose.
      const wanted = enabled && this.options.hearsOutput;
      if (this.echo.active === wanted) return;
      let next: EchoCanceller;
      try {
        next = await createEchoCanceller(wanted, this.options.echo ?? {});
      } catch (error) {
        this.options.onError((error as Error).message);
        next = new PassThroughEchoCanceller();
      }
      next.onError = (message) => this.options.onError(message);
      this.replaceEcho(next);
    });
    this.echoSetup = setup.finally(() => {
      if (this.echoSetup === setup) this.echoSetup = null;
    });
    return setup;
  }

  /** Releases the echo canceller (after the devices stopped); the path can be configured again. */
  async close(): Promise<void> {
    await this.echoSetup;
    this.replaceEcho(new PassThroughEchoCanceller());
    this.toBatches.reset();
    await this.onsetsLoading;
    this.onsets?.destroy();
    this.onsets = null;
    this.listeningForVoice = false;
  }

  private replaceEcho(next: EchoCanceller): void {
    const old = this.echo;
    this.echo = next;
    next.onReference = (frame) => this.doubleTalk.reference10ms(frame);
    this.doubleTalk.reset();
    this.residualGate.reset();
    this.warmup.reset();
    this.toEchoFrames.reset();
    old.destroy();
  }

  /**
   * A 10 ms microphone frame while the canceller runs: cleaned, heard by the local VAD as the
   * canceller left it, and sent with what AEC3 leaks of the echo lowered where the double-talk
   * test, on the raw frame, finds nothing but echo (residual-echo-gate.ts). The local VAD stays
   * after the canceller: on the raw frame with the test's verdict it took the rig's echo for a
   * voice under load (test/audio/local-vad.test.ts).
   */
  private onRawFrame(raw: Int16Array): void {
    // The reference frames for this capture frame reach the double-talk test inside processCapture.
    const clean = this.echo.processCapture(raw);
    const nearEnd = this.doubleTalk.capture(raw);
    this.listenForVoice(clean);
    this.onCleanAudio(this.residualGate.apply(clean, { nearEnd, echoExpected: this.doubleTalk.echoExpected }));
  }

  private onCleanAudio(pcm: Int16Array): void {
    this.smoother.update(measureLevel(pcm, this.frameLevel), (pcm.length * 1000) / ENGINE_SAMPLE_RATE);
    if (!this.echo.active) this.listenForVoice(pcm);
    if (!this.sink?.acceptsAudio) {
      this.toBatches.reset();
      return;
    }
    // While the echo canceller warms up, audio captured over playback goes out as silence (see
    // echo-warmup.ts): its leaking echo would cut a Realtime reply (the server's VAD takes it for
    // the user) as surely as it would stop a full-duplex GPT-Live model.
    if (this.echo.active && this.warmup.gating) {
      if (this.silence.length !== pcm.length) this.silence = new Int16Array(pcm.length);
      this.toBatches.push(this.silence);
      return;
    }
    this.toBatches.push(pcm);
  }

  /**
   * The local VAD, after the echo canceller. It runs only while the sink wants onsets, and not
   * while the canceller warms up (its leaking echo). Where the microphone hears the speaker with
   * no canceller, it runs too (nothing says whether headphones are on): the session ducks a reply
   * in vain at most once (session/local-duck.ts).
   */
  private listenForVoice(pcm: Int16Array): void {
    const sink = this.sink;
    const trusted = !(this.echo.active && this.warmup.gating);
    if (!sink?.wantsVoiceOnsets || !trusted) {
      if (this.listeningForVoice) {
        this.listeningForVoice = false;
        this.onsets?.pause();
      }
      return;
    }
    const detector = this.onsets;
    if (!detector) return; // not prepared (local VAD off), or it failed to load
    this.listeningForVoice = true;
    const change = detector.push(pcm);
    if (change === 'onset') sink.voiceOnset?.();
    else if (change === 'retracted') sink.voiceRetracted?.();
  }

  /**
   * Loads the local VAD, before the devices start: loading it blocks the event loop for up to
   * ~120 ms the first time (measured), which must not fall in the middle of a reply. A failure is
   * reported once; onsets then wait for the server.
   */
  prepareVoiceOnsets(): Promise<void> {
    if (this.onsets || this.onsetsFailed) return Promise.resolve();
    this.onsetsLoading ??= VoiceOnsetDetector.create()
      .then((detector) => {
        this.onsets = detector;
      })
      .catch((error: unknown) => {
        this.onsetsFailed = true;
        (this.options.onVoiceError ?? this.options.onError)((error as Error).message);
      })
      .finally(() => {
        this.onsetsLoading = null;
      });
    return this.onsetsLoading;
  }
}
