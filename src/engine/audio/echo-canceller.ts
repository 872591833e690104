/**
 * Acoustic echo cancellation for the microphone path: WebRTC's audio processing module (AEC3,
 * optional noise suppression) through LiveKit's native FFI library (`@livekit/rtc-ffi-bindings`,
 * pinned). This is the only file that knows about that library; it is loaded lazily, so the engine
 * runs without it (createEchoCanceller rejects with EchoCancellerError and the caller falls back to
 * the pass-through).
 *
 * Alignment. The reference is what the speaker plays: the player's frames as the device pulls
 * them (`processRender`). A pulled frame is heard `outputLatencyMs` later, and its echo reaches
 * `processCapture` later still (acoustic path + input latency + capture chunking). AEC3 finds the
 * remaining delay itself, but only up to ~0.5 s (measured: 51 dB ERLE at 500 ms, 13 dB at 600,
 * 1 dB at 700), and its `set_stream_delay_ms` hint does not extend that (800 ms with the exact
 * delay hinted: 4 dB). So the reference waits in a ring here and reaches AEC3 `outputLatency -
 * headroom` after it was pulled: what is left for AEC3 to find is headroom + input latency, and
 * the reference never arrives after its echo (headroom absorbs an overestimated latency).
 * Render frames are handed to AEC3 from the capture side, one per capture frame while one is due,
 * so bursty device callbacks on either side still reach AEC3 interleaved (measured on the synthetic
 * path with 100 ms bursts: ERLE in the first second 7 dB when fed all at once, 29 dB in lockstep).
 *
 * Frames are 10 ms of engine audio (240 samples, 24 kHz mono PCM16): AEC3 takes any 10 ms frame
 * and resamples internally; a wrong length would abort the process inside the native library, so
 * it is refused here with a RangeError.
 */
import type * as ApmBindings from '@livekit/rtc-ffi-bindings';
import { ENGINE_FRAME_SAMPLES, ENGINE_SAMPLE_RATE, type FrameSource, type OutputDevice } from './devices/types';
import { Framer } from './framer';

const FRAME = ENGINE_FRAME_SAMPLES;
const FRAME_MS = (FRAME * 1000) / ENGINE_SAMPLE_RATE;
/** Reference history: 2.56 s, room for Bluetooth-size output latencies. */
const RING_FRAMES = 256;
/** At most this many due reference frames are handed over per capture frame (a stalled capture skips older ones). */
const MAX_CATCH_UP_FRAMES = 48;
/** The reference may trail what is due by this much (device bursts) before it is fed faster. */
const LOCKSTEP_BACKLOG_FRAMES = 24;
const MAX_DELAY_FRAMES = RING_FRAMES - MAX_CATCH_UP_FRAMES - 1;
const DEFAULT_HEADROOM_MS = 30;

export const DEFAULT_APM_MODULE = '@livekit/rtc-ffi-bindings';

export interface EchoCanceller {
  /** false for the pass-through. */
  readonly active: boolean;
  /** A frame as played (the player's pulled frame), at the output device's clock. Copied. */
  processRender(frame: Int16Array): void;
  /**
   * A 10 ms microphone frame; returns it with the echo removed. The result is a buffer reused by
   * the next call: copy it if you keep it.
   */
  processCapture(frame: Int16Array): Int16Array;
  /** The output device's latency (pulled but not yet heard), e.g. `output.latencyMs()`. */
  setDelayMs(outputLatencyMs: number): void;
  /** Called once when processing fails after creation; the canceller then passes audio through. */
  onError?: (message: string) => void;
  /**
   * Each reference frame as it is handed to the canceller, during `processCapture` and before the
   * capture frame it goes with (silence when the speaker starved): the reference the echo in that
   * frame and the next ones comes from. Valid during the call only.
   */
  onReference?: (frame: Int16Array) => void;
  destroy(): void;
}

export interface EchoCancellerOptions {
  /** WebRTC noise suppression on the microphone (after echo cancellation). Default false. */
  noiseSuppression?: boolean;
  /** WebRTC high-pass filter (removes rumble below ~80 Hz). Default true. */
  highPassFilter?: boolean;
  /** How much earlier than the estimated echo the reference reaches AEC3, ms. Default 30. */
  headroomMs?: number;
  /** The native binding to load (tests point it at a missing module). */
  module?: string;
}

export class EchoCancellerError extends Error {
  override name = 'EchoCancellerError';
}

function checkFrame(frame: Int16Array, what: string): void {
  if (!(frame instanceof Int16Array) || frame.length !== FRAME) {
    throw new RangeError(`echo canceller: ${what} frames must be Int16Array(${FRAME}) (10 ms at ${ENGINE_SAMPLE_RATE} Hz), got ${describe(frame)}`);
  }
}

function describe(value: unknown): string {
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as Int16Array).length})`;
  return typeof value;
}

/** Echo cancellation off: capture goes through untouched. */
export class PassThroughEchoCanceller implements EchoCanceller {
  readonly active = false;
  onError?: (message: string) => void;
  onReference?: (frame: Int16Array) => void;
  processRender(frame: Int16Array): void {
    checkFrame(frame, 'render');
  }
  processCapture(frame: Int16Array): Int16Array {
    checkFrame(frame, 'capture');
    return frame;
  }
  setDelayMs(): void {}
  destroy(): void {}
}

// ---- the native binding, loaded once per module name ----

type Bindings = typeof ApmBindings;

const loaded = new Map<string, Promise<Bindings>>();
/** Live cancellers per loaded binding: the FFI server is disposed with the last one. */
const liveCount = new Map<Bindings, number>();

/**
 * `livekitInitialize` registers a callback (a N-API threadsafe function) that keeps Node's event
 * loop alive: a process that used echo cancellation would never exit on its own. So the FFI server
 * lives only while a canceller does, and the next canceller initialises it again.
 */
function retain(bindings: Bindings): void {
  liveCount.set(bindings, (liveCount.get(bindings) ?? 0) + 1);
}

function release(bindings: Bindings, name: string): void {
  const left = (liveCount.get(bindings) ?? 1) - 1;
  if (left > 0) {
    liveCount.set(bindings, left);
    return;
  }
  liveCount.delete(bindings);
  loaded.delete(name);
  bindings.livekitDispose().catch(() => {
    // disposing a server that is already gone: nothing left to release
  });
}

async function loadBindings(name: string): Promise<Bindings> {
  let promise = loaded.get(name);
  if (!promise) {
    promise = (async () => {
      const mod = (await import(/* @vite-ignore */ name)) as Bindings & { default?: Bindings };
      // A CommonJS module: Node's ESM loader exposes its exports as `default`.
      const bindings = mod.default ?? mod;
      // The FFI server must be initialised once before any request; it needs no event callback
      // for audio processing (everything used here is synchronous).
      bindings.livekitInitialize(() => {}, false, 'kaiwa');
      return bindings;
    })();
    loaded.set(name, promise);
    promise.catch(() => loaded.delete(name));
  }
  return promise;
}

/**
 * Creates the echo canceller: AEC3 when `enabled`, else the pass-through. Rejects with
 * EchoCancellerError (one readable line) when the native library cannot be loaded.
 */
export async function createEchoCanceller(enabled: boolean, options: EchoCancellerOptions = {}): Promise<EchoCanceller> {
  if (!enabled) return new PassThroughEchoCanceller();
  const name = options.module ?? DEFAULT_APM_MODULE;
  let bindings: Bindings;
  try {
    bindings = await loadBindings(name);
  } catch (error) {
    throw new EchoCancellerError(`Echo cancellation is unavailable: the native audio processing library (${name}) did not load: ${firstLine(error)}`);
  }
  try {
    return new WebRtcEchoCanceller(bindings, name, options);
  } catch (error) {
    throw new EchoCancellerError(`Echo cancellation is unavailable: ${firstLine(error)}`);
  }
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n', 1)[0]!;
}

class WebRtcEchoCanceller implements EchoCanceller {
  readonly active = true;
  onError?: (message: string) => void;
  onReference?: (frame: Int16Array) => void;

  private readonly bindings: Bindings;
  private readonly handle: bigint;
  private readonly headroomMs: number;
  private failed = false;
  private destroyed = false;

  /** The one buffer AEC3 reads each side from (pointer taken once); requests pre-encoded. */
  private readonly renderBuffer = new Int16Array(FRAME);
  private readonly captureBuffer = new Int16Array(FRAME);
  private readonly renderRequest: Uint8Array;
  private readonly captureRequest: Uint8Array;
  private readonly renderOkLength: number;
  private readonly captureOkLength: number;

  private readonly ring = new Int16Array(RING_FRAMES * FRAME);
  /** Frames written by processRender / handed to AEC3. */
  private written = 0;
  private fed = 0;
  /** Silent frames handed to AEC3 while nothing was due (the speaker starved). */
  private silentFrames = 0;
  private delayFrames = 0;
  private reportedDelayMs = -1;

  private readonly moduleName: string;

  constructor(bindings: Bindings, moduleName: string, options: EchoCancellerOptions) {
    this.bindings = bindings;
    this.moduleName = moduleName;
    this.headroomMs = Math.max(0, options.headroomMs ?? DEFAULT_HEADROOM_MS);
    const b = bindings;
    const created = this.request(
      new b.FfiRequest({
        message: {
          case: 'newApm',
          value: new b.NewApmRequest({
            echoCancellerEnabled: true,
            // AGC off: it would lift residual echo and shift the server VAD's threshold.
            gainControllerEnabled: false,
            highPassFilterEnabled: options.highPassFilter ?? true,
            noiseSuppressionEnabled: options.noiseSuppression ?? false,
          }),
        },
      }).toBinary(),
    );
    const response = b.FfiResponse.fromBinary(created).message;
    const id = response.case === 'newApm' ? response.value.apm?.handle?.id : undefined;
    if (id === undefined) throw new Error('the audio processing module could not be created');
    this.handle = id;
    retain(b);

    const frameBytes = FRAME * 2;
    const renderPtr = b.livekitRetrievePtr(new Uint8Array(this.renderBuffer.buffer));
    const capturePtr = b.livekitRetrievePtr(new Uint8Array(this.captureBuffer.buffer));
    const frameFields = { apmHandle: id, size: frameBytes, sampleRate: ENGINE_SAMPLE_RATE, numChannels: 1 };
    this.renderRequest = new b.FfiRequest({
      message: { case: 'apmProcessReverseStream', value: new b.ApmProcessReverseStreamRequest({ ...frameFields, dataPtr: renderPtr }) },
    }).toBinary();
    this.captureRequest = new b.FfiRequest({
      message: { case: 'apmProcessStream', value: new b.ApmProcessStreamRequest({ ...frameFields, dataPtr: capturePtr }) },
    }).toBinary();
    // A success response is the bare case tag; anything longer carries an error string.
    this.renderOkLength = new b.FfiResponse({ message: { case: 'apmProcessReverseStream', value: new b.ApmProcessReverseStreamResponse() } }).toBinary().length;
    this.captureOkLength = new b.FfiResponse({ message: { case: 'apmProcessStream', value: new b.ApmProcessStreamResponse() } }).toBinary().length;
    this.setDelayMs(0);
  }

  processRender(frame: Int16Array): void {
    checkFrame(frame, 'render');
    this.ring.set(frame, (this.written % RING_FRAMES) * FRAME);
    this.written++;
  }

  processCapture(frame: Int16Array): Int16Array {
    checkFrame(frame, 'capture');
    if (this.failed || this.destroyed) return frame;
    try {
      this.feedDueReference();
      this.captureBuffer.set(frame);
      this.check(this.bindings.livekitFfiRequest(this.captureRequest), this.captureOkLength, 'apmProcessStream');
      return this.captureBuffer;
    } catch (error) {
      this.fail(error);
      return frame;
    }
  }

  setDelayMs(outputLatencyMs: number): void {
    const ms = Number.isFinite(outputLatencyMs) ? Math.max(0, outputLatencyMs - this.headroomMs) : 0;
    const frames = Math.min(MAX_DELAY_FRAMES, Math.floor(ms / FRAME_MS));
    // A move of one frame is kept out: the estimate swings by a queued chunk as each write completes
    // (32 <-> 41 ms on the PulseAudio rig, hundreds of times a reply), and every change of the
    // pre-delay makes a capture frame go without its reference or get two, a 10 ms slip AEC3 must
    // re-learn (measured on the rig: leaks over the VAD in 3 of 5 replies, 1 of 5 without the
    // swings). Within the headroom, a frame too many or too few costs nothing.
    if (Math.abs(frames - this.delayFrames) > 1) this.delayFrames = frames;
    // The documented hint for what remains between reference and echo; AEC3 estimates it anyway.
    const residualMs = Math.round(outputLatencyMs > 0 ? Math.min(this.headroomMs, outputLatencyMs) : 0);
    if (residualMs === this.reportedDelayMs || this.failed || this.destroyed) return;
    this.reportedDelayMs = residualMs;
    const b = this.bindings;
    try {
      this.request(new b.FfiRequest({ message: { case: 'apmSetStreamDelay', value: new b.ApmSetStreamDelayRequest({ apmHandle: this.handle, delayMs: residualMs }) } }).toBinary());
    } catch (error) {
      this.fail(error);
    }
  }

  /** Reference frames handed to AEC3 so far (and silent ones among them), the current pre-delay (for tests and benches). */
  get stats(): { renderFrames: number; silentFrames: number; delayFrames: number } {
    return { renderFrames: this.fed + this.silentFrames, silentFrames: this.silentFrames, delayFrames: this.delayFrames };
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    try {
      new this.bindings.FfiHandle(this.handle).dispose();
    } catch {
      // already gone with the FFI server
    }
    release(this.bindings, this.moduleName);
  }

  /**
   * Hands AEC3 the reference in lockstep with the capture: one frame per capture frame, as long as
   * one is due (pulled at least `delayFrames` ago). Device callbacks come in bursts on both sides;
   * interleaving them one to one (not all due frames at once) is what AEC3 converges fastest on.
   * A backlog that grows (clock drift, a stalled capture) is worked off two frames at a time, and
   * one beyond MAX_CATCH_UP_FRAMES is skipped.
   */
  private feedDueReference(): void {
    const due = this.written - this.delayFrames;
    const backlog = due - this.fed;
    if (backlog <= 0) {
      // Nothing due: the speaker has not been fed (the event loop stalled) and plays silence. AEC3
      // gets that silence, so it keeps one reference frame per capture frame and the echo path it
      // learned stays where it is; a skipped frame would move it by 10 ms, every stall (measured on
      // a synthetic path with thirty 30 ms stalls in 10 s: residual -57 dBFS instead of -33).
      this.renderBuffer.fill(0);
      this.check(this.bindings.livekitFfiRequest(this.renderRequest), this.renderOkLength, 'apmProcessReverseStream');
      this.onReference?.(this.renderBuffer);
      this.silentFrames++;
      return;
    }
    if (backlog > MAX_CATCH_UP_FRAMES) this.fed = due - 1;
    const frames = backlog > LOCKSTEP_BACKLOG_FRAMES ? 2 : 1;
    for (let i = 0; i < frames; i++) {
      const offset = (this.fed % RING_FRAMES) * FRAME;
      this.renderBuffer.set(this.ring.subarray(offset, offset + FRAME));
      this.check(this.bindings.livekitFfiRequest(this.renderRequest), this.renderOkLength, 'apmProcessReverseStream');
      this.onReference?.(this.renderBuffer);
      this.fed++;
    }
  }

  private request(bytes: Uint8Array): Uint8Array {
    return this.bindings.livekitFfiRequest(bytes);
  }

  private check(response: Uint8Array, okLength: number, what: string): void {
    if (response.length === okLength) return;
    const message = this.bindings.FfiResponse.fromBinary(response).message;
    const error = message.value && 'error' in message.value ? (message.value as { error?: string }).error : undefined;
    if (error) throw new Error(`${what}: ${error}`);
  }

  private fail(error: unknown): void {
    if (this.failed) return;
    this.failed = true;
    const message = `Echo cancellation stopped: ${firstLine(error)}`;
    if (this.onError) this.onError(message);
    else console.error(message);
  }
}

/**
 * The output device as the player sees it: every frame the device pulls is also handed to the
 * current canceller as the echo reference (what is played, at the device's clock).
 */
export function withEchoReference(device: OutputDevice, canceller: () => EchoCanceller, onRender?: (frame: Int16Array) => void): OutputDevice {
  return {
    get name() {
      return device.name;
    },
    start: (pull: FrameSource) => {
      // The canceller takes 10 ms frames: a device pulling less at a time is re-framed for it
      // (into one buffer: processRender copies, onRender only reads).
      const toFrames = new Framer(
        ENGINE_FRAME_SAMPLES,
        (frame) => {
          canceller().processRender(frame);
          onRender?.(frame);
        },
        { reuse: true },
      );
      return device.start((samples) => {
        const frame = pull(samples);
        toFrames.push(frame);
        return frame;
      });
    },
    stop: () => device.stop(),
    latencyMs: () => device.latencyMs(),
    positionMs: () => device.positionMs(),
  };
}
