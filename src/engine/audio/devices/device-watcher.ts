/**
 * Devices that follow the system: notices when the default input/output changes (a headset plugged
 * in or out) or when a device the user picked comes back, and has the live devices reopen.
 *
 * What "following" takes depends on what PortAudio opened (measured on PulseAudio 16.1):
 * - Linux: the default is the ALSA `default`/`pulse` PCM, a route into the sound server. When the
 *   server's default sink/source changes, the server itself moves a stream that named no device
 *   (the sink input moved within the `pactl set-default-sink` call; no audio lost). Kaiwa reopens
 *   nothing and only learns the new device's name (from `pactl`) to show it.
 * - A concrete default device (CoreAudio, WASAPI, MME, an ALSA hw device): the stream stays on the
 *   old device, so it must be reopened on the new default, which only a fresh PortAudio knows
 *   about (device-probe.ts).
 * A picked device that was lost (the resilient device fell back to the default) is looked for in a
 * fresh list each round and reopened when it is back.
 *
 * A device this process's PortAudio already knows (it was listed when the first open stream
 * started) is opened while the old stream still runs, then the old one is retired: no gap. A device
 * it does not know needs a Pa_Initialize after every stream has closed (naudiodon counts them), so
 * then the switch suspends every watched device (their closes run one at a time,
 * native-portaudio.ts) and resumes each: both directions pause for a close and a cold open (three
 * PortAudio initialisations, 0.3-0.8 s measured on the rig), the conversation goes on.
 *
 * The watcher looks only at what a decision needs: on the rig (following `default`) one `pactl info`
 * per round, a PortAudio probe only while a picked device is missing or a concrete default is
 * followed. CPU is measured in test/audio/devices-follow.test.ts's notes and reported by the lead.
 */
import { chooseDevice, closesSettled, type AudioDeviceInfo, type DeviceSelector } from './native-portaudio';
import { PortAudioProbe, SoundServerProbe, type DeviceSnapshot, type ServerDefaults } from './device-probe';

/** What the watcher saw this round: only the parts some device asked for. */
export interface DeviceView {
  portAudio?: DeviceSnapshot;
  /** The sound server's defaults; absent where there is no server (or no `pactl`). */
  server?: ServerDefaults;
}

/** A live device as the watcher sees it (ResilientInput/ResilientOutput). */
export interface WatchedDevice {
  /**
   * What must be looked at for this device now: a fresh PortAudio list (`defaults`: with its
   * default devices), the sound server's defaults.
   */
  needs(): { portAudio: boolean; defaults: boolean; server: boolean };
  /** true when the view calls for reopening (a new default device, the picked one is back). */
  wantsReopen(view: DeviceView): boolean;
  /** Every round's view (the sound server's default names, for display). */
  observe(view: DeviceView): void;
  /** Recovering on its own from a lost device: no switch until it is done. */
  readonly busy: boolean;
  /**
   * Reopens on what the view calls for while the old stream still runs (no gap); false when this
   * process's PortAudio does not know that device yet (then every stream is refreshed).
   */
  reopen(view: DeviceView): Promise<boolean>;
  /** Closes the stream, keeping everything else (the player's pull, the mic's sink). */
  suspend(): Promise<void>;
  /** Opens again: the picked device if it is there, else the system default. */
  resume(): Promise<void>;
}

export interface Probes {
  portAudio: { snapshot(defaults: boolean): Promise<DeviceSnapshot>; close(): void };
  server: { defaults(): Promise<ServerDefaults> };
}

export interface DeviceWatcherOptions {
  /** Time between looks (default 1000 ms: a change is followed within ~1.5 s). */
  intervalMs?: number;
  probes?: Probes;
  log?: (line: string) => void;
}

export class DeviceWatcher {
  private readonly members = new Set<WatchedDevice>();
  private readonly intervalMs: number;
  private readonly probes: Probes;
  private timer: NodeJS.Timeout | null = null;
  private round: Promise<void> | null = null;
  /** false once `pactl` is known to be missing: no point asking every second. */
  private serverQueryable = true;
  private switching: Promise<void> | null = null;
  /** The device list the last refresh was for, until the list changes. */
  private refreshedFor = '';
  private lastDevices = '';

  constructor(private readonly options: DeviceWatcherOptions = {}) {
    this.intervalMs = options.intervalMs ?? 1000;
    this.probes = options.probes ?? { portAudio: new PortAudioProbe(), server: new SoundServerProbe() };
  }

  /**
   * Starts watching for `device` (the first member starts the timer). Resolves after a first round
   * that included it.
   */
  async join(device: WatchedDevice): Promise<void> {
    this.members.add(device);
    if (!this.timer) {
      this.timer = setInterval(() => void this.look(), this.intervalMs);
      this.timer.unref();
    }
    await this.round;
    await this.look();
  }

  /** Stops watching for `device`; the last one out stops the timer and the probe process. */
  leave(device: WatchedDevice): void {
    this.members.delete(device);
    if (this.members.size > 0) return;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.probes.portAudio.close();
  }

  /** Resolves when no round and no switch is under way (tests). */
  async settled(): Promise<void> {
    while (this.round || this.switching) await (this.round ?? this.switching);
  }

  /** One round now (tests, and `join`). Rounds never overlap: a late one is skipped. */
  look(): Promise<void> {
    this.round ??= this.lookOnce()
      .catch((error: unknown) => this.options.log?.(`device watcher: ${(error as Error).message}`))
      .finally(() => (this.round = null));
    return this.round;
  }

  private async lookOnce(): Promise<void> {
    if (this.switching || this.members.size === 0) return;
    const members = [...this.members];
    if (members.some((m) => m.busy)) return;
    const wants = members.map((m) => m.needs());
    const view: DeviceView = {};
    const [portAudio, server] = await Promise.all([
      wants.some((w) => w.portAudio) ? this.probes.portAudio.snapshot(wants.some((w) => w.defaults)).catch(() => undefined) : undefined,
      wants.some((w) => w.server) && this.serverQueryable ? this.serverDefaults() : undefined,
    ]);
    if (portAudio) {
      view.portAudio = portAudio;
      const devices = JSON.stringify(portAudio.devices);
      if (devices !== this.lastDevices) this.refreshedFor = '';
      this.lastDevices = devices;
    }
    if (server) view.server = server;
    if (this.members.size === 0) return;
    for (const member of members) member.observe(view);
    const wanting = members.filter((m) => this.members.has(m) && m.wantsReopen(view));
    if (wanting.length > 0) {
      this.switching = this.follow(wanting, view).finally(() => (this.switching = null));
      await this.switching;
    }
  }

  /**
   * Each device reopens by itself where it can; if one cannot, every stream is refreshed, once per
   * list of devices: a stream this watcher does not own (another watcher's, a plain device's) keeps
   * PortAudio's old list, and retrying would only cut the audio every round.
   */
  private async follow(wanting: WatchedDevice[], view: DeviceView): Promise<void> {
    let refresh = false;
    for (const member of wanting) {
      const reopened = await member.reopen(view).catch(() => false);
      if (!reopened) refresh = true;
    }
    const devices = view.portAudio ? this.lastDevices : '[]'; // lookOnce keeps this view's list, as JSON
    if (!refresh || devices === this.refreshedFor) return;
    this.refreshedFor = devices;
    await this.switchAll();
  }

  private async serverDefaults(): Promise<ServerDefaults | undefined> {
    try {
      return await this.probes.server.defaults();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') this.serverQueryable = false;
      return undefined;
    }
  }

  /** Every watched device closes, then each opens again on a freshly initialised PortAudio. */
  private async switchAll(): Promise<void> {
    const members = [...this.members];
    await Promise.allSettled(members.map((m) => m.suspend()));
    await closesSettled();
    for (const member of members) {
      if (!this.members.has(member)) continue;
      try {
        await member.resume();
      } catch (error) {
        this.options.log?.(`device watcher: reopening failed: ${(error as Error).message}`);
      }
    }
  }
}

let shared: DeviceWatcher | null = null;

/**
 * The process's watcher: PortAudio's device list is per process, and a refresh works only when it
 * can close every stream, so all live devices share one.
 */
export function sharedDeviceWatcher(): DeviceWatcher {
  shared ??= new DeviceWatcher();
  return shared;
}

/**
 * An ALSA PCM that routes to the sound server's default (PulseAudio, PipeWire): it follows the
 * server's default by itself, and its own name says nothing about which device plays.
 */
export function isRoutingAlias(info: Pick<AudioDeviceInfo, 'name' | 'hostApi'>): boolean {
  return info.hostApi === 'ALSA' && /^(default|sysdefault|pulse|pipewire)$/.test(info.name);
}

/** Whether `selector` names a device in a fresh snapshot (the picked device is back). */
export function presentIn(snapshot: DeviceSnapshot, direction: 'input' | 'output', selector: DeviceSelector): boolean {
  const devices: AudioDeviceInfo[] = snapshot.devices.map((d) => ({
    id: d.id,
    name: d.name,
    hostApi: d.hostApi,
    maxInputChannels: d.inputs,
    maxOutputChannels: d.outputs,
    defaultSampleRate: 0,
    defaultLowInputLatencyMs: 0,
    defaultLowOutputLatencyMs: 0,
    isDefaultInput: d.name === snapshot.defaultInput,
    isDefaultOutput: d.name === snapshot.defaultOutput,
  }));
  try {
    chooseDevice(devices, direction, selector);
    return true;
  } catch {
    return false;
  }
}
