/**
 * The audio rig from the tests' and benchmarks' side: bring scripts/audio-rig.sh up and down, the
 * environment that reaches it, feed the virtual microphone, and record what the speaker sink
 * played (its monitor) on the client's clock.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { rmsDb } from '../src/engine/audio/meter';

const run = promisify(execFile);
const RIG = fileURLToPath(new URL('../scripts/audio-rig.sh', import.meta.url));

/** 24 kHz mono, like the engine: the monitor is recorded in the engine's format. */
export const MONITOR_RATE = 24_000;

export interface AudioRig {
  /**
   * What reaches the rig (PULSE_SERVER, PULSE_COOKIE, ALSA_CONFIG_PATH, KAIWA_AUDIO_RIG_DIR): set
   * it in the processes that use the rig, before PortAudio first reads the ALSA configuration.
   */
  env: Record<string, string>;
  /** Stops the rig, unless it was already up before `startRig` (then whoever started it stops it). */
  stop(): Promise<void>;
  /** The same, synchronously: for signal and exit handlers. */
  stopNow(): void;
}

/** Brings the rig up (idempotent). Nothing is written outside the rig's own directory. */
export async function startRig(): Promise<AudioRig> {
  const wasUp = await run('bash', [RIG, 'status']).then(() => true, () => false);
  await run('bash', [RIG, 'up']);
  const { stdout } = await run('bash', [RIG, 'env']);
  const env: Record<string, string> = {};
  for (const line of stdout.trim().split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) env[line.slice(0, eq)] = line.slice(eq + 1);
  }
  let stopped = wasUp;
  return {
    env,
    async stop() {
      if (stopped) return;
      stopped = true;
      await run('bash', [RIG, 'down']);
    },
    stopNow() {
      if (stopped) return;
      stopped = true;
      execFileSync('bash', [RIG, 'down'], { stdio: 'ignore' });
    },
  };
}

export async function pactl(...args: string[]): Promise<string> {
  const { stdout } = await run('pactl', args);
  return stdout.trim();
}

/**
 * Plays a WAV into the virtual microphone (sink micsrc, heard at source vmic). Resolves when done.
 * A 200 ms buffer: with less, paplay starves on a loaded machine and the "speech" gets gaps.
 */
export async function speakIntoMic(wavPath: string): Promise<void> {
  await run('paplay', ['--device=micsrc', '--latency-msec=200', wavPath]);
}

export interface MonitorRecording {
  samples: Int16Array;
  /** performance.now() at which sample 0 was played by the sink. */
  startMs: number;
  /** parec's own reported latency (median), already taken out of startMs. */
  recorderLatencyMs: number;
  /** The client time of sample `i`. */
  timeOf(index: number): number;
  /** The sample index played at client time `ms`. */
  indexAt(ms: number): number;
}

/**
 * Records a sink's monitor with `parec` and puts it on this process's clock.
 *
 * Method: parec (20 ms latency request, 10 ms fragments) writes raw samples to our pipe; each
 * chunk is stamped with performance.now() on arrival. A chunk ending at sample N arriving at A says
 * sample 0 was played at A - N/rate - (delivery delay). Delivery delay is never negative, so the
 * smallest A - N/rate over all chunks is the best bound for the start (it removes scheduling hiccups
 * of this process); what remains is parec's own latency, which parec reports itself with `-v`
 * (PulseAudio's stream latency: capture at the monitor to read by the client, measured here at
 * -4..+8 ms, median ~-1 ms, i.e. negligible next to the 10 ms fragments). We subtract its median.
 * The monitor of a null sink gets each sample when the sink renders it, which is when it is "heard".
 */
export class MonitorRecorder {
  private readonly proc: ChildProcess;
  private readonly chunks: Buffer[] = [];
  private bytes = 0;
  private bestStart = Infinity;
  private readonly latencies: number[] = [];
  private readonly exited: Promise<void>;
  private firstData: Promise<void>;

  constructor(source = 'spk.monitor') {
    this.proc = spawn(
      'parec',
      [`--device=${source}`, '--format=s16le', `--rate=${MONITOR_RATE}`, '--channels=1', '--latency-msec=20', '--raw', '-v'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let resolveFirst!: () => void;
    this.firstData = new Promise((resolve) => (resolveFirst = resolve));
    this.proc.stdout!.on('data', (chunk: Buffer) => {
      const at = performance.now();
      this.chunks.push(chunk);
      this.bytes += chunk.length;
      const start = at - (this.bytes / 2 / MONITOR_RATE) * 1000;
      if (start < this.bestStart) this.bestStart = start;
      resolveFirst();
    });
    let err = '';
    this.proc.stderr!.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      for (let m; (m = /Latency: (-?\d+) usec/.exec(err)); err = err.slice(m.index + m[0].length)) {
        this.latencies.push(Number(m[1]) / 1000);
      }
      if (err.length > 4096) err = err.slice(-512);
    });
    this.exited = new Promise((resolve) => this.proc.on('exit', () => resolve()));
    // A test that fails before stop() must not leave parec running.
    const kill = () => this.proc.kill();
    process.once('exit', kill);
    void this.exited.then(() => process.off('exit', kill));
  }

  /** Resolves once audio flows (parec connected and the sink renders). */
  started(): Promise<void> {
    return this.firstData;
  }

  async stop(): Promise<MonitorRecording> {
    this.proc.kill('SIGTERM');
    await this.exited;
    const all = Buffer.concat(this.chunks);
    const samples = new Int16Array(all.buffer, all.byteOffset, all.length >> 1).slice();
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const recorderLatencyMs = sorted.length ? sorted[sorted.length >> 1]! : 0;
    const startMs = this.bestStart - recorderLatencyMs;
    return {
      samples,
      startMs,
      recorderLatencyMs,
      timeOf: (index) => startMs + (index / MONITOR_RATE) * 1000,
      indexAt: (ms) => Math.round(((ms - startMs) / 1000) * MONITOR_RATE),
    };
  }
}

/** 10 ms windows (24 kHz) louder than `thresholdDb`: first/last sample indices of sound, or null. */
export function soundSpan(samples: Int16Array, from = 0, to = samples.length, thresholdDb = -50): { start: number; end: number } | null {
  const W = 240;
  let start = -1;
  let end = -1;
  for (let i = Math.max(0, from); i + W <= to; i += W) {
    if (rmsDb(samples, i, i + W) > thresholdDb) {
      if (start < 0) start = i;
      end = i + W;
    }
  }
  return start < 0 ? null : { start, end };
}

/** The first sample at or after `from` whose magnitude exceeds `threshold` (a click's edge). */
export function firstAbove(samples: Int16Array, threshold: number, from = 0): number {
  for (let i = Math.max(0, from); i < samples.length; i++) if (Math.abs(samples[i]!) > threshold) return i;
  return -1;
}

/** The last sample before `to` whose magnitude exceeds `threshold`. */
export function lastAbove(samples: Int16Array, threshold: number, to = samples.length): number {
  for (let i = Math.min(samples.length, to) - 1; i >= 0; i--) if (Math.abs(samples[i]!) > threshold) return i;
  return -1;
}

/**
 * A sink `aux` reachable only as the ALSA devices `kaiwa_aux` (play to it) and `kaiwa_aux_mic`
 * (record its monitor), through their own server socket (see
 * scripts/audio-rig.sh). `loseDevice()` unloads that socket's module: every stream on it is cut,
 * as when a USB headset is pulled. `remove()` cleans up.
 */
export async function addAuxDevice(options: { mic?: boolean } = {}): Promise<{ loseDevice(): Promise<void>; remove(): Promise<void> }> {
  const dir = process.env.KAIWA_AUDIO_RIG_DIR;
  if (!dir) throw new Error('the audio rig is not up (KAIWA_AUDIO_RIG_DIR unset)');
  const sink = await pactl('load-module', 'module-null-sink', 'sink_name=aux', 'sink_properties=device.description=aux');
  // An idle null sink runs at ~2 s latency: keep it busy, as the rig does for its own sinks.
  const keepalive = spawn('pacat', ['--playback', '--device=aux', '--latency-msec=20', '/dev/zero'], { stdio: 'ignore' });
  let socket: string | null = await pactl('load-module', 'module-native-protocol-unix', `socket=${dir}/pulse/aux`, 'auth-anonymous=1');
  await new Promise((resolve) => setTimeout(resolve, 300));
  // The first capture from a fresh source stalls ~1.7 s (measured): take it here, not in the test.
  if (options.mic) await run('arecord', ['-q', '-D', 'kaiwa_aux_mic', '-f', 'S16_LE', '-r', '24000', '-c', '1', '-d', '1', '/dev/null']);
  const loseDevice = async () => {
    if (socket === null) return;
    const id = socket;
    socket = null;
    await pactl('unload-module', id);
  };
  return {
    loseDevice,
    async remove() {
      await loseDevice();
      keepalive.kill();
      await pactl('unload-module', sink).catch(() => {});
    },
  };
}

/** A continuous tone source for an output device: `frequency` Hz at `amplitude`. */
export function tone(frequency = 440, amplitude = 8000): () => Int16Array {
  const frame = new Int16Array(240);
  let n = 0;
  return () => {
    for (let i = 0; i < frame.length; i++, n++) frame[i] = Math.round(amplitude * Math.sin((2 * Math.PI * frequency * n) / 24_000));
    return frame;
  };
}

/**
 * Milliseconds of sound: 10 ms windows louder than `thresholdDb`. Unlike a span, it does not grow
 * when a late writer (an underflow, paplay starved on a loaded machine) inserts silence.
 */
export function loudMs(samples: Int16Array, from = 0, to = samples.length, thresholdDb = -50): number {
  let windows = 0;
  for (let i = Math.max(0, from); i + 240 <= to; i += 240) if (rmsDb(samples, i, i + 240) > thresholdDb) windows++;
  return windows * 10;
}

/**
 * An acoustic echo path on the rig: module-loopback plays what the speaker sink plays (spk.monitor)
 * into the microphone's sink (micsrc), delayed and attenuated, so the assistant hears its own reply
 * the way it would through laptop speakers. Resolves to the function that removes it.
 */
export async function loadEchoLoopback(options: { gainDb: number; latencyMs: number }): Promise<() => Promise<void>> {
  const module = await pactl('load-module', 'module-loopback', 'source=spk.monitor', 'sink=micsrc', `latency_msec=${options.latencyMs}`, 'source_dont_move=true', 'sink_dont_move=true');
  const unload = async () => {
    await pactl('unload-module', module);
  };
  try {
    // The loopback's playback stream is the sink input owned by that module.
    const listing = JSON.parse(await pactl('--format=json', 'list', 'sink-inputs')) as Array<{ index: number; owner_module: string }>;
    const input = listing.find((s) => String(s.owner_module) === module);
    if (!input) throw new Error('loopback sink input not found');
    // A linear amplitude factor (pactl's percentages are on a cubic scale).
    await pactl('set-sink-input-volume', String(input.index), (10 ** (options.gainDb / 20)).toFixed(3));
  } catch (error) {
    await unload();
    throw error;
  }
  return unload;
}
