/**
 * Devices that survive losing their hardware: when the chosen microphone or speaker goes away
 * (unplugged, its sound server module unloaded), they report it once through `onError` (`lost:
 * true`; the Assistant shows it as a non-fatal device error) and reopen the system default, retrying
 * until it opens or they are stopped. The session goes on; nothing else is restarted.
 */
import { NaudiodonInput, NaudiodonOutput, type NaudiodonOptions } from './naudiodon';
import type { DeviceErrorInfo, FrameSource, InputDevice, OutputDevice } from './types';

export interface ResilientOptions extends NaudiodonOptions {
  /** Wait between attempts to open the default device (default 500 ms). */
  retryMs?: number;
  /** Told when a replacement device runs (its name), e.g. for a notice. */
  onRecovered?: (name: string) => void;
}

abstract class Resilient<D extends NaudiodonInput | NaudiodonOutput> {
  onError?: (error: DeviceErrorInfo) => void;
  protected current: D | null = null;
  private stopped = true;
  private recovering: Promise<void> | null = null;

  constructor(protected readonly options: ResilientOptions = {}) {}

  get name(): string {
    return this.current?.name ?? `${this.kind} (reconnecting)`;
  }

  /** The device in use now (null while reopening). */
  get device(): D | null {
    return this.current;
  }

  /** Resolves when no recovery is under way (for tests and the CLI). */
  async settled(): Promise<void> {
    while (this.recovering) await this.recovering;
  }

  protected abstract readonly kind: string;
  protected abstract create(options: NaudiodonOptions): D;
  protected abstract run(device: D): Promise<void>;
  protected abstract retired(device: D): void;

  protected async begin(): Promise<void> {
    this.stopped = false;
    await this.open(this.options);
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
        if (this.current) this.options.onRecovered?.(this.current.name);
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, this.options.retryMs ?? 500));
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const device = this.current;
    this.current = null;
    await this.recovering;
    if (device) await device.stop();
  }
}

export class ResilientOutput extends Resilient<NaudiodonOutput> implements OutputDevice {
  protected readonly kind = 'speaker';
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
