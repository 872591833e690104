/**
 * Looking at the system's audio devices *now*, without disturbing the streams Kaiwa has open.
 *
 * PortAudio lists devices only in Pa_Initialize, and naudiodon initialises per stream (a reference
 * count): while any stream of ours is open, `getDevices()` in this process returns the list as it
 * was when the first one opened. Re-initialising here would invalidate the open streams, so the
 * fresh list comes from a long-lived child process that holds no stream: each request there runs
 * a full Pa_Initialize/Pa_Terminate. Measured on the rig: ~29 ms CPU per initialisation (ALSA
 * probing), a second one when the defaults are asked for (naudiodon lists host APIs separately),
 * so the watcher asks only when a decision depends on it (device-watcher.ts).
 *
 * On Linux PortAudio's default devices are the ALSA `default`/`pulse` PCMs, which route to the sound
 * server's default sink/source: their names never change. Which device that is comes from the sound
 * server (`pactl`, PulseAudio or PipeWire's pulse server), a cheap query (~5 ms CPU).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';

export interface ProbedDevice {
  /** PortAudio's index in this snapshot (not valid in any other process or list). */
  id: number;
  name: string;
  hostApi: string;
  inputs: number;
  outputs: number;
}

/** The devices a fresh PortAudio sees, and its default input/output (by name). */
export interface DeviceSnapshot {
  devices: ProbedDevice[];
  defaultInput?: string;
  defaultOutput?: string;
}

/**
 * The child: one JSON line of devices per line read (`with-defaults`: and the default host API's
 * default devices); exits when its stdin closes (the parent is gone).
 */
const CHILD_SCRIPT = `
const pa = require(process.argv[1]);
const rl = require('node:readline').createInterface({ input: process.stdin });
const send = (v) => process.stdout.write(JSON.stringify(v) + '\\n');
rl.on('line', (line) => {
  try {
    const devices = pa.getDevices();
    const apis = line === 'with-defaults' ? pa.getHostAPIs() : { HostAPIs: [] };
    const api = apis.HostAPIs.find((h) => h.id === apis.defaultHostAPI);
    const nameOf = (id) => devices.find((d) => d.id === id)?.name;
    send({
      devices: devices.map((d) => ({ id: d.id, name: d.name, hostApi: d.hostAPIName, inputs: d.maxInputChannels, outputs: d.maxOutputChannels })),
      defaultInput: api ? nameOf(api.defaultInput) : undefined,
      defaultOutput: api ? nameOf(api.defaultOutput) : undefined,
    });
  } catch (error) {
    send({ error: String(error && error.message || error) });
  }
});
rl.on('close', () => process.exit(0));
`;

const PROBE_TIMEOUT_MS = 5000;

/**
 * Starts the probe process: runs `script` (CommonJS) with `addonPath` as its one argument, stdin and
 * stdout piped. The default spawns this Node binary; inside Electron, process.execPath is the app
 * (its RunAsNode fuse is off in packaged builds: spawning it would start a second Kaiwa), so there
 * the host must supply a launcher (e.g. a utilityProcess) or the probe stays off.
 */
export type ProbeLauncher = (script: string, addonPath: string) => ChildProcess;

const nodeLauncher: ProbeLauncher = (script, addonPath) =>
  spawn(process.execPath, ['-e', script, addonPath], { stdio: ['pipe', 'pipe', 'ignore'] });

/** A child process that lists PortAudio's devices afresh on each `snapshot()`. */
export class PortAudioProbe {
  private child: ChildProcess | null = null;
  private readonly launch: ProbeLauncher | null;

  constructor(launch?: ProbeLauncher) {
    this.launch = launch ?? (process.versions.electron ? null : nodeLauncher);
  }
  private waiting: Array<{ resolve: (s: DeviceSnapshot) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }> = [];

  /**
   * Resolves to the devices as a fresh PortAudio sees them; with `defaults`, which are the default
   * input and output (a second initialisation: naudiodon lists host APIs separately).
   */
  snapshot(defaults = true): Promise<DeviceSnapshot> {
    let child: ChildProcess;
    try {
      child = this.ensureChild();
    } catch (error) {
      return Promise.reject(error as Error);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.failAll(new Error('the device probe did not answer')), PROBE_TIMEOUT_MS);
      timer.unref();
      this.waiting.push({ resolve, reject, timer });
      child.stdin!.write(defaults ? 'with-defaults\n' : 'devices\n');
    });
  }

  close(): void {
    const child = this.child;
    this.child = null;
    if (child) {
      child.stdin?.end();
      child.kill();
    }
    this.failAll(new Error('the device probe was closed'));
  }

  private ensureChild(): ChildProcess {
    if (this.child) return this.child;
    if (!this.launch) throw new Error('no device probe here (Electron without a probe launcher)');
    const addon = createRequire(import.meta.url).resolve('naudiodon2');
    const child = this.launch(CHILD_SCRIPT, addon);
    child.unref();
    (child.stdout as unknown as { unref?: () => void }).unref?.();
    (child.stdin as unknown as { unref?: () => void }).unref?.();
    createInterface({ input: child.stdout! }).on('line', (line) => this.answer(line));
    child.on('error', (error) => this.gone(child, error));
    child.on('exit', (code) => this.gone(child, new Error(`the device probe exited (${code ?? 'signal'})`)));
    this.child = child;
    return child;
  }

  private answer(line: string): void {
    const next = this.waiting.shift();
    if (!next) return;
    clearTimeout(next.timer);
    try {
      const parsed = JSON.parse(line) as DeviceSnapshot & { error?: string };
      if (parsed.error !== undefined) next.reject(new Error(parsed.error));
      else next.resolve(parsed);
    } catch (error) {
      next.reject(error as Error);
    }
  }

  private gone(child: ChildProcess, error: Error): void {
    if (this.child !== child) return;
    this.child = null;
    this.failAll(error);
  }

  private failAll(error: Error): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const w of waiting) {
      clearTimeout(w.timer);
      w.reject(error);
    }
    // A probe that stopped answering is replaced on the next request.
    if (error.message === 'the device probe did not answer' && this.child) {
      this.child.kill();
      this.child = null;
    }
  }
}

/** The sound server's default sink and source: their names and descriptions (what a person reads). */
export interface ServerDefaults {
  sink?: { name: string; description: string };
  source?: { name: string; description: string };
}

const run = (args: string[]): Promise<string> =>
  new Promise((resolve, reject) =>
    execFile('pactl', args, { env: { ...process.env, LC_ALL: 'C' }, timeout: 3000 }, (error, stdout) => (error ? reject(error) : resolve(stdout))),
  );

/**
 * The PulseAudio/PipeWire defaults through `pactl` (pulseaudio-utils). Descriptions are looked up
 * only when a default changes. Rejects where there is no pactl or no server.
 */
export class SoundServerProbe {
  private readonly descriptions = new Map<string, string>();

  async defaults(): Promise<ServerDefaults> {
    const info = await run(['info']);
    const sink = /^Default Sink: (.+)$/m.exec(info)?.[1]?.trim();
    const source = /^Default Source: (.+)$/m.exec(info)?.[1]?.trim();
    const result: ServerDefaults = {};
    if (sink) result.sink = { name: sink, description: await this.describe('sinks', sink) };
    if (source) result.source = { name: source, description: await this.describe('sources', source) };
    return result;
  }

  private async describe(kind: 'sinks' | 'sources', name: string): Promise<string> {
    const key = `${kind}:${name}`;
    const known = this.descriptions.get(key);
    if (known !== undefined) return known;
    let description = name;
    try {
      const listing = await run(['list', kind]);
      for (const block of listing.split(/\n(?=\S)/)) {
        if (new RegExp(`^\\s*Name: ${escapeRegExp(name)}$`, 'm').test(block)) {
          description = /^\s*Description: (.+)$/m.exec(block)?.[1]?.trim() || name;
          break;
        }
      }
    } catch {
      // The name is still a fair label.
    }
    this.descriptions.set(key, description);
    return description;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
