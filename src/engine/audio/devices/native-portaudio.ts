/**
 * Loading naudiodon2 (PortAudio 19.7) and listing its devices.
 *
 * The addon is loaded lazily, on the first device use, so the engine runs where it is missing
 * (a platform without a build, a test with file devices). Our patch (patches/naudiodon2+*.patch)
 * adds `streamInfo()`, reports device latencies in seconds (the original truncated them to 0),
 * drops `segfault-handler` and fixes `abort()`.
 */
import type * as Naudiodon from 'naudiodon2';
import { say, type EngineMessage } from '../../messages';

export type NaudiodonModule = typeof Naudiodon;

let loading: Promise<NaudiodonModule> | null = null;

export function loadNaudiodon(): Promise<NaudiodonModule> {
  loading ??= import('naudiodon2').then(
    (m) => ((m as { default?: NaudiodonModule }).default ?? m) as NaudiodonModule,
    (error: unknown) => {
      loading = null;
      throw new Error(`native audio is unavailable (naudiodon2 did not load): ${(error as Error).message}`);
    },
  );
  return loading;
}

export interface AudioDeviceInfo {
  /** PortAudio's index: valid until every stream is closed and the device list changes. */
  id: number;
  name: string;
  hostApi: string;
  maxInputChannels: number;
  maxOutputChannels: number;
  defaultSampleRate: number;
  /** PortAudio's default low latencies, in ms. */
  defaultLowInputLatencyMs: number;
  defaultLowOutputLatencyMs: number;
  /** The system default input/output (of the default host API). */
  isDefaultInput: boolean;
  isDefaultOutput: boolean;
}

/**
 * Closing a stream (quit/abort) runs on libuv's pool and ends in Pa_CloseStream + Pa_Terminate.
 * PortAudio's global state is not thread-safe: opening or listing devices on the main thread while
 * a close ran crashed the process (seen when a lost device was reopened at once), and so could two
 * closes at once (a session stopping its microphone and speaker). So closes run one at a time, and
 * every open/list waits for them. Bounded: a close stuck on a dead device blocks nothing for long.
 */
const CLOSE_WAIT_MS = 2000;
const pendingCloses = new Set<Promise<unknown>>();
let lastClose: Promise<unknown> = Promise.resolve();

const within = (promise: Promise<unknown>, ms: number) =>
  Promise.race([promise.then(noop, noop), new Promise<void>((resolve) => setTimeout(resolve, ms).unref?.())]);

function noop(): void {}

/** Runs `close` after the closes before it (at most CLOSE_WAIT_MS behind a stuck one). */
export function serialClose(close: () => Promise<void>): Promise<void> {
  const closing = within(lastClose, CLOSE_WAIT_MS).then(close);
  lastClose = closing;
  pendingCloses.add(closing);
  void closing.finally(() => pendingCloses.delete(closing)).catch(noop);
  return closing;
}

export async function closesSettled(): Promise<void> {
  const deadline = performance.now() + CLOSE_WAIT_MS;
  while (pendingCloses.size > 0 && performance.now() < deadline) {
    await within(Promise.allSettled([...pendingCloses]), Math.max(0, deadline - performance.now()));
  }
}

/** Every PortAudio device with its capabilities; which ones are the system defaults. */
export async function listAudioDevices(): Promise<AudioDeviceInfo[]> {
  const pa = await loadNaudiodon();
  await closesSettled();
  const hostApis = pa.getHostAPIs();
  const defaultApi = hostApis.HostAPIs.find((h) => h.id === hostApis.defaultHostAPI);
  return pa.getDevices().map((d) => ({
    id: d.id,
    name: d.name,
    hostApi: d.hostAPIName,
    maxInputChannels: d.maxInputChannels,
    maxOutputChannels: d.maxOutputChannels,
    defaultSampleRate: d.defaultSampleRate,
    defaultLowInputLatencyMs: d.defaultLowInputLatency * 1000,
    defaultLowOutputLatencyMs: d.defaultLowOutputLatency * 1000,
    isDefaultInput: defaultApi?.defaultInput === d.id,
    isDefaultOutput: defaultApi?.defaultOutput === d.id,
  }));
}

/** A device by PortAudio id or by name (exact, else a case-insensitive substring), or the system default. */
export type DeviceSelector = number | string | undefined;

/** No device for a choice: `said` for people (messages.ts), `message` the same in English for logs. */
export class DeviceNotFoundError extends Error {
  override name = 'DeviceNotFoundError';
  constructor(
    message: string,
    readonly said: EngineMessage,
  ) {
    super(message);
  }
}

/**
 * Picks the device for `selector` among those with channels in `direction`. A name matching several
 * devices picks an exact match, else the first. Throws DeviceNotFoundError listing what exists.
 */
export function chooseDevice(
  devices: readonly AudioDeviceInfo[],
  direction: 'input' | 'output',
  selector: DeviceSelector,
): AudioDeviceInfo {
  const usable = devices.filter((d) => (direction === 'input' ? d.maxInputChannels : d.maxOutputChannels) > 0);
  const kind = direction === 'input' ? 'input' : 'output';
  const available = () => usable.map((d) => `${d.id}: ${d.name}`).join(', ') || 'none';
  let found: AudioDeviceInfo | undefined;
  if (selector === undefined || selector === '') {
    found = usable.find((d) => (direction === 'input' ? d.isDefaultInput : d.isDefaultOutput)) ?? usable[0];
    if (!found) throw new DeviceNotFoundError(`no audio ${kind} device (PortAudio lists none)`, say(direction === 'input' ? 'device.noInput' : 'device.noOutput'));
    return found;
  }
  const asNumber = typeof selector === 'number' ? selector : /^\d+$/.test(selector) ? Number(selector) : undefined;
  if (asNumber !== undefined) found = usable.find((d) => d.id === asNumber);
  if (!found && typeof selector === 'string') {
    const wanted = selector.toLowerCase();
    found =
      usable.find((d) => d.name.toLowerCase() === wanted) ?? usable.find((d) => d.name.toLowerCase().includes(wanted));
  }
  if (!found) {
    const params = { selector: String(selector), available: available() };
    throw new DeviceNotFoundError(
      `no audio ${kind} device matches "${params.selector}" (available: ${params.available})`,
      say(direction === 'input' ? 'device.noInputMatches' : 'device.noOutputMatches', params),
    );
  }
  return found;
}

/** Stereo at most: PortAudio's ALSA `pulse`/`default` devices report 32 channels they do not have. */
export function streamChannels(maxChannels: number): number {
  return Math.max(1, Math.min(2, maxChannels));
}

/**
 * PortAudio's host buffer: the power of two nearest to 5 ms at `rate` (256 frames at 44.1/48 kHz;
 * PortAudio then reports ~11.6 ms output latency). Measured on PulseAudio null sinks under load
 * (5 s runs, load average 5-10 on 2 cores): with one queued 10 ms chunk, 256 frames gave 2-4
 * underflows and 33 ms from write to the sink monitor; 384 gave 15 (and 43 ms); 512, 50 ms;
 * PortAudio's own choice (0, ~8.7 ms) underflowed most (8-37). Every ms here is barge-in delay.
 */
export function defaultFramesPerBuffer(rate: number): number {
  return 2 ** Math.round(Math.log2(rate / 200));
}

/**
 * The capture host buffer: the power of two nearest to 2.5 ms (128 frames at 44.1/48 kHz). A
 * capture buffer cannot underflow, and every ms it holds delays the voice on its way to the local
 * VAD and the server: measured on the rig from the microphone's sink monitor to our callback,
 * median 13 ms with 256 frames and 5 ms reads, 9.5 with 128 and 5 ms reads, 8 with 128 and 2.5 ms
 * reads (64 frames gained nothing more).
 */
export function defaultInputFramesPerBuffer(rate: number): number {
  return 2 ** Math.round(Math.log2(rate / 400));
}
