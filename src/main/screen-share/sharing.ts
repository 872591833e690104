import type { BrowserWindow } from 'electron';
import type { AssistantState, ShareSource, ShareStatus } from '../../shared/ipc';
import { mainSaid, type MainSaid } from '../said';
import { captureActive, captureSource, type Frame } from './frame';
import { FramePacer } from './pacing';
import { listShareSources, ownSourceIds, type SourceKind } from './sources';

/** A picture for the conversation, as the engine's `showPicture` takes it. */
export interface CapturedPicture {
  data: Uint8Array;
  source: SourceKind;
  name?: string;
}

export interface ScreenShareDeps {
  /** Kaiwa's windows now: never captured, and asking the system to leave them out while sharing. */
  windows(): readonly BrowserWindow[];
  /** Puts a picture into the conversation (main starts one if none runs). Only the status matters here. */
  show(picture: CapturedPicture): Promise<{ status: 'sent' | 'unchanged' | 'unsupported' | 'invalid' }>;
  /** The picture settings now. */
  pictures(): { maxSide: number; lookTarget: SourceKind };
  notice(said: MainSaid): void;
  log(line: string): void;
  now?: () => number;
}

/** Why sharing stopped: the user (a click, the tray, the hotkey), or by itself. */
export type StopReason = 'user' | 'ended' | 'lock' | 'gone' | 'failed' | 'unsupported';

const STOP_NOTICE: Partial<Record<StopReason, MainSaid['key']>> = {
  ended: 'main.share.stopped.ended',
  lock: 'main.share.stopped.lock',
  gone: 'main.share.stopped.gone',
};

/**
 * Sharing a screen or a window with the conversation, and the one-shot "look at this".
 * Nothing is captured without an explicit action: starting a share (its first frame goes at once),
 * a new turn of the user while a share runs (at most one frame a second: FramePacer), or the look
 * hotkey. A share stops on a click, the hotkey, the end of the conversation, the screen locking,
 * or its source going away; Kaiwa's windows are never captured (left out by their source ids, and
 * content-protected while sharing where the system honours it: Windows, macOS).
 */
export class ScreenShare {
  private source: ShareSource | undefined;
  /** What the picker last offered: only those may be shared. */
  private offered = new Map<string, ShareSource>();
  private pending: Promise<void> | undefined;
  private readonly pacer: FramePacer;
  private readonly listeners = new Set<(status: ShareStatus) => void>();

  constructor(private readonly deps: ScreenShareDeps) {
    this.pacer = new FramePacer(deps.now);
  }

  get status(): ShareStatus {
    return this.source ? { sharing: true, sourceName: this.source.name } : { sharing: false };
  }

  get sharing(): boolean {
    return this.source !== undefined;
  }

  onStatus(listener: (status: ShareStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The picker's list (Kaiwa's windows left out); remembered, so only these can be shared. */
  async listSources(): Promise<ShareSource[]> {
    const sources = await listShareSources(this.own());
    this.offered = new Map(sources.map((s) => [s.id, s]));
    return sources;
  }

  /** Starts sharing a source the picker offered, and sends its first frame. */
  async start(id: string): Promise<ShareStatus> {
    const source = this.offered.get(id);
    if (!source) {
      this.deps.log(`share: refused ${id}: not offered by the last source list`);
      return this.status;
    }
    this.source = source;
    this.pacer.reset();
    this.protect(true);
    this.publish();
    await this.requestFrame();
    return this.status;
  }

  stop(reason: StopReason): void {
    if (!this.source) return;
    this.deps.log(`share: stopped (${reason})`);
    this.source = undefined;
    this.pending = undefined;
    this.protect(false);
    this.publish();
    const notice = STOP_NOTICE[reason];
    if (notice) this.deps.notice(mainSaid(notice));
  }

  /** The look hotkey: stops a share, or else looks once. */
  hotkey(): Promise<void> {
    if (this.sharing) {
      this.stop('user');
      return Promise.resolve();
    }
    return this.look();
  }

  /** "Look at this": one frame of the active window or the screen (setting `pictures.lookTarget`). */
  async look(): Promise<void> {
    const { maxSide, lookTarget } = this.deps.pictures();
    this.protect(true);
    let frame: Frame | undefined;
    try {
      frame = await captureActive(lookTarget, maxSide, this.own());
    } catch (error) {
      this.deps.notice(mainSaid('main.share.failed', { detail: (error as Error).message }));
      return;
    } finally {
      if (!this.sharing) this.protect(false);
    }
    if (!frame) {
      this.deps.notice(mainSaid(lookTarget === 'window' ? 'main.share.noWindow' : 'main.share.noScreen'));
      return;
    }
    await this.present(frame, frame.name);
  }

  /** Follows the assistant: a new user turn gets a fresh frame; the end of the conversation ends the share. */
  onState(state: AssistantState): void {
    const begins = this.pacer.turnBegins(state);
    if (state === 'idle' || state === 'error') this.stop('ended');
    else if (begins) void this.requestFrame();
  }

  /** A typed text is about to be sent: a fresh frame goes first (within the pace). */
  beforeTypedTurn(): Promise<void> {
    return this.requestFrame();
  }

  /** A window made while sharing is left out of captures too. */
  adopt(window: BrowserWindow): void {
    if (this.sharing) setProtected(window, true);
  }

  private requestFrame(): Promise<void> {
    if (!this.source) return Promise.resolve();
    if (this.pending) return this.pending;
    if (!this.pacer.take()) return Promise.resolve();
    const pending = this.sendFrame(this.source).finally(() => {
      if (this.pending === pending) this.pending = undefined;
    });
    this.pending = pending;
    return pending;
  }

  private async sendFrame(source: ShareSource): Promise<void> {
    let frame: Frame | undefined;
    try {
      frame = await captureSource(source.id, this.deps.pictures().maxSide, this.own());
    } catch (error) {
      if (this.source !== source) return;
      this.stop('failed');
      this.deps.notice(mainSaid('main.share.failed', { detail: (error as Error).message }));
      return;
    }
    // Stopped (a click, the screen locked) while the capture ran: the frame goes nowhere.
    if (this.source !== source) return;
    if (!frame) return this.stop('gone');
    if ((await this.present(frame, source.name)) === 'unsupported') this.stop('unsupported');
  }

  /** Hands a frame to the conversation; a failure there (the assistant could not start) is logged, not thrown at a state change. */
  private async present(frame: Frame, name: string): Promise<string> {
    try {
      return (await this.deps.show({ data: frame.data, source: frame.source, name })).status;
    } catch (error) {
      this.deps.log(`share: the picture was not shown: ${(error as Error).message}`);
      return 'failed';
    }
  }

  private own(): Set<string> {
    return ownSourceIds(this.deps.windows());
  }

  private protect(enable: boolean): void {
    for (const window of this.deps.windows()) setProtected(window, enable);
  }

  private publish(): void {
    const status = this.status;
    for (const listener of this.listeners) listener(status);
  }
}

function setProtected(window: BrowserWindow, enable: boolean): void {
  if (!window.isDestroyed()) window.setContentProtection(enable);
}
