/**
 * The device interface every audio backend implements (WAV file, null, naudiodon).
 *
 * Engine audio is always 24 kHz mono PCM16 (the Realtime API's format). A device converts to and
 * from its own rate and channel count internally, so the rest of the engine never sees them.
 */

export const ENGINE_SAMPLE_RATE = 24_000;
/** 10 ms at 24 kHz. */
export const ENGINE_FRAME_SAMPLES = 240;

/**
 * Delivers the next `samples` (1 to `ENGINE_FRAME_SAMPLES`, default `ENGINE_FRAME_SAMPLES`) of what
 * should be heard; silence when idle. What a pull returns is decided when it is called, so a
 * device that pulls less at a time hears a flush or a fade sooner.
 */
export type FrameSource = (samples?: number) => Int16Array;

export interface DeviceErrorInfo {
  message: string;
  /** true when the device is gone and the engine should fall back (e.g. to the default device). */
  lost: boolean;
}

/** Which device plays or listens now, for people to read (the `device` AssistantEvent). */
export interface DeviceInUse {
  name: string;
  /** true when it is the system default and changes with it; false for a device the user picked. */
  followsDefault: boolean;
}

/** Live devices tell what they use and when that changes mid-session (device-watcher.ts). */
export interface ReportsDeviceInUse {
  /** The device in use now; null while none is open. */
  inUse?(): DeviceInUse | null;
  /** Called when the device in use changes while running (a new default, a picked device back). */
  onChange?: (inUse: DeviceInUse) => void;
}

export interface InputDevice extends ReportsDeviceInUse {
  readonly name: string;
  /**
   * true for a microphone that can hear the speaker (real audio hardware): echo cancellation runs
   * only then. Files, null devices and loopbacks without a room leave it unset (WebRTC's AEC3
   * suppresses near-end speech by 20-45 dB while it has never seen an echo).
   */
  readonly hearsOutput?: boolean;
  /**
   * Starts capture. `onAudio` receives 24 kHz mono PCM16 chunks in capture order (any length; the
   * engine re-frames them). Resolves once capture is running.
   */
  start(onAudio: (pcm: Int16Array) => void): Promise<void>;
  stop(): Promise<void>;
  /** Called when capture fails after start. */
  onError?: (error: DeviceErrorInfo) => void;
}

export interface OutputDevice extends ReportsDeviceInUse {
  readonly name: string;
  /**
   * Starts playback. The device calls `pull` at its own pace, once per 10 ms frame it needs, and
   * keeps pulling (silence included) until stopped: the output stream stays open all session.
   */
  start(pull: FrameSource): Promise<void>;
  stop(): Promise<void>;
  /**
   * Milliseconds of audio already pulled but not yet heard (device buffers). The player subtracts
   * it when it reports how much of an item was played.
   */
  latencyMs(): number;
  /**
   * Milliseconds of output timeline heard so far (frames pulled minus latency). For file devices
   * this is the position in the recorded file.
   */
  positionMs(): number;
  onError?: (error: DeviceErrorInfo) => void;
}
