/**
 * Devices that survive losing their hardware: when the chosen microphone or speaker goes away
 * (unplugged, its sound server module unloaded), they report it once through `onError` (`lost:
 * true`; the Assistant shows it as a non-fatal device error) and reopen the system default, retrying
 * until it opens or they are stopped. The session goes on; nothing else is restarted.
 *
 * With a DeviceWatcher they also follow the system: a new default device (when no device was
 * picked, or the picked one is lost) and the picked device's return reopen the stream (the watcher
 * decides when; see device-watcher.ts), and `onChange` tells which device is in use.
 */
import { NaudiodonInput, NaudiodonOutput, type NaudiodonOptions } from './naudiodon';
import { chooseDevice, listAudioDevices, type AudioDeviceInfo } from './native-portaudio';
import { isRoutingAlias, presentIn, type DeviceView, type DeviceWatcher, type WatchedDevice } from './device-watcher';
import type { DeviceErrorInfo, DeviceInUse, FrameSource, InputDevice, OutputDevice } from './types';

export interface ResilientOptions extends NaudiodonOptions {
  /** Wait between attempts to open the default device (default 500 ms). */
  retryMs?: number;
  /** Told when a replacement device runs (its name), e.g. for a notice. */
  onRecovered?: (name: string) => void;
  /** Follow default-device changes and return to the picked device when it comes back. */
  watcher?: DeviceWatcher;
}

abstract class Resilient<D extends NaudiodonInput | NaudiodonOutput> implements WatchedDevice {
  onError?: (error: DeviceErrorInfo) => void;
  onChange?: (inUse: DeviceInUse) => void;
  protected current: D | null = null;
  private stopped = true;
  private recovering: Promise<void> | null = null;
  /** Whether the stream runs on the picked device (false: on the system default). */
  private onPicked = false;
  /** The sound server's name for its default device, while the stream goes through a routing alias. */
  private serverName: string | null = null;
  private lastInUse: string | null = null;
  /** While start() runs: what is in use is told by inUse(), not as a change. */
  private starting = false;

  constructor(protected readonly options: ResilientOptions = {}) {}

  get name(): string {
    return this.current?.name ?? `${this.kind} (reconnecting)`;
  }

  /** The device in use now (null while reopening). */
  get device(): D | null {
    return this.current;
  }

  get busy(): boolean {
    return this.recovering !== null;
  }

  /** Resolves when no recovery is under way (for tests and the CLI). */
  async settled(): Promise<void> {
    while (this.recovering) await this.recovering;
  }

  protected abstract readonly kind: string;
  protected abstract readonly direction: 'input' | 'output';
  protected abstract create(options: NaudiodonOptions): D;
  protected abstract run(device: D): Promise<void>;
  protected abstract retired(device: D): void;

  private get picked(): boolean {
    return this.options.device !== undefined && this.options.device !== '';
  }

  inUse(): DeviceInUse | null {
    const info = this.current?.deviceInfo;
    if (!info) return null;
    const alias = isRoutingAlias(info);
    return { name: (alias && this.serverName) || info.name, followsDefault: !this.onPicked || alias };
  }

  protected async begin(): Promise<void> {
    this.stopped = false;
    this.lastInUse = null;
    this.starting = true;
    try {
      await this.open(this.options);
      // The first round names a routing alias's device (the sound server's default) before start resolves.
      await this.options.watcher?.join(this);
    } finally {
      this.starting = false;
    }
    this.lastInUse = JSON.stringify(this.inUse());
  }

  private async open(options: NaudiodonOptions): Promise<void> {
    const device = this.create(options);
    device.onError = (info) => this.lost(device, info);
    await this.run(device);
    if (this.stopped) {
      await device.stop();
      return;
    }
    this.current = device;
    this.onPicked = options.device !== undefined && options.device !== '';
    this.serverName = null;
  }

  /**
   * Make before break: opens `target` while the current stream still runs, then retires that one
   * (the output's next frame is pulled by the new stream; the input's next chunk comes from it).
   * False when this process's PortAudio does not know the device (or cannot open it): then only a
   * refresh of every stream helps (DeviceWatcher).
   */
  async reopen(view: DeviceView): Promise<boolean> {
    const old = this.current;
    const snapshot = view.portAudio;
    if (!old || !snapshot || this.stopped) return true;
    const { device: _chosen, ...rest } = this.options;
    const toPicked = this.picked && presentIn(snapshot, this.direction, this.options.device);
    const freshDefault = this.direction === 'input' ? snapshot.defaultInput : snapshot.defaultOutput;
    if (!toPicked && freshDefault === undefined) return true;
    const selector = toPicked ? this.options.device : freshDefault;
    // This process's list is the one its first open stream started with: ids valid, maybe stale.
    let known: AudioDeviceInfo;
    try {
      known = chooseDevice(await listAudioDevices(), this.direction, selector);
    } catch {
      return false;
    }
    if (!toPicked && known.name !== freshDefault) return false;
    const device = this.create({ ...rest, device: known.id });
    device.onError = (info) => this.lost(device, info);
    try {
      await this.run(device);
    } catch {
      return false;
    }
    if (this.stopped || this.current !== old) {
      await device.stop();
      return true;
    }
    this.current = device;
    this.onPicked = toPicked;
    this.serverName = null;
    this.retired(old);
    void old.stop();
    this.announce();
    return true;
  }

  /** Tells `onChange` when what is in use differs from what it last heard. */
  private announce(): void {
    const info = this.current?.deviceInfo;
    if (info && isRoutingAlias(info) && this.serverName === null && this.options.watcher) {
      void this.options.watcher.look(); // observe() announces it with the sound server's name
      return;
    }
    const inUse = this.inUse();
    const key = JSON.stringify(inUse);
    if (!inUse || key === this.lastInUse) return;
    this.lastInUse = key;
    if (!this.starting) this.onChange?.(inUse);
  }

  private lost(device: D, info: DeviceErrorInfo): void {
    if (device !== this.current) return;
    this.current = null;
    this.retired(device);
    void device.stop();
    if (!info.lost) {
      this.onError?.(info); // our side failed: another device would not help
      return;
    }
    this.onError?.({ message: `${info.message}; switching to the system default`, lost: true });
    this.recovering ??= this.recover().finally(() => (this.recovering = null));
  }

  private async recover(): Promise<void> {
    const { device: _chosen, ...rest } = this.options;
    while (!this.stopped) {
      try {
        await this.open(rest);
        if (this.current) {
          this.options.onRecovered?.(this.current.name);
          this.announce();
        }
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, this.options.retryMs ?? 500));
      }
    }
  }

  // ---- following the system (DeviceWatcher) ----

  needs(): { portAudio: boolean; defaults: boolean; server: boolean } {
    const info = this.current?.deviceInfo;
    if (!info) return { portAudio: false, defaults: false, server: false };
    const alias = isRoutingAlias(info);
    const waitingForPicked = this.picked && !this.onPicked;
    const followingConcreteDefault = !this.onPicked && !alias;
    return { portAudio: waitingForPicked || followingConcreteDefault, defaults: followingConcreteDefault, server: alias };
  }

  wantsReopen(view: DeviceView): boolean {
    const info = this.current?.deviceInfo;
    const snapshot = view.portAudio;
    if (!info || !snapshot || this.stopped) return false;
    if (this.onPicked) return false;
    if (this.picked && presentIn(snapshot, this.direction, this.options.device)) return true;
    if (isRoutingAlias(info)) return false;
    const fresh = this.direction === 'input' ? snapshot.defaultInput : snapshot.defaultOutput;
    return fresh !== undefined && fresh !== info.name;
  }

  observe(view: DeviceView): void {
    const serverDefault = this.direction === 'input' ? view.server?.source : view.server?.sink;
    if (!this.current) return;
    if (serverDefault) this.serverName = serverDefault.description;
    else if (this.serverName === null) this.serverName = ''; // no sound server to ask: the PCM's own name
    this.announce();
  }

  async suspend(): Promise<void> {
    const device = this.current;
    if (!device || this.stopped) return;
    this.current = null;
    this.retired(device);
    await device.stop();
  }

  async resume(): Promise<void> {
    if (this.stopped || this.current) return;
    const { device: _chosen, ...rest } = this.options;
    if (this.picked) await this.open(this.options).catch(() => undefined);
    if (!this.current && !this.stopped) await this.open(rest).catch(() => undefined);
    if (!this.current && !this.stopped) {
      // Nothing opened: keep trying the default, as after a loss.
      this.recovering ??= this.recover().finally(() => (this.recovering = null));
      return;
    }
    this.announce();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.options.watcher?.leave(this);
    const device = this.current;
    this.current = null;
    await this.recovering;
    if (device) await device.stop();
  }
}

export class ResilientOutput extends Resilient<NaudiodonOutput> implements OutputDevice {
  protected readonly kind = 'speaker';
  protected readonly direction = 'output';
  private pull: FrameSource | null = null;
  /** Output timeline heard on devices already retired. */
  private retiredMs = 0;

  async start(pull: FrameSource): Promise<void> {
    this.pull = pull;
    this.retiredMs = 0;
    await this.begin();
  }

  protected create(options: NaudiodonOptions): NaudiodonOutput {
    return new NaudiodonOutput(options);
  }

  protected run(device: NaudiodonOutput): Promise<void> {
    return device.start(this.pull!);
  }

  protected retired(device: NaudiodonOutput): void {
    this.retiredMs += device.positionMs();
  }

  latencyMs(): number {
    return this.current?.latencyMs() ?? 0;
  }

  positionMs(): number {
    return this.retiredMs + (this.current?.positionMs() ?? 0);
  }
}

export class ResilientInput extends Resilient<NaudiodonInput> implements InputDevice {
  readonly hearsOutput = true;
  protected readonly kind = 'microphone';
  protected readonly direction = 'input';
  private onAudio: ((pcm: Int16Array) => void) | null = null;

  async start(onAudio: (pcm: Int16Array) => void): Promise<void> {
    this.onAudio = onAudio;
    await this.begin();
  }

  protected create(options: NaudiodonOptions): NaudiodonInput {
    return new NaudiodonInput(options);
  }

  protected run(device: NaudiodonInput): Promise<void> {
    return device.start(this.onAudio!);
  }

  protected retired(): void {}
}
