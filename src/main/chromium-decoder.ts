import { BrowserWindow, type IpcMainEvent } from 'electron';
import { ENGINE_SAMPLE_RATE, type DecodedAudio, type RecordingDecoder } from '../engine';
import { DECODER_CHANNELS, type DecodeReply } from '../shared/decoder-ipc';
import { decoderPreloadPath } from './paths';
import { secureWebPreferences } from './windows';

/**
 * m4a/AAC decoded in the desktop app by Chromium's own decoders (Electron ships them, under the
 * LGPL), so Kaiwa needs neither ffmpeg nor a GPL decoder: a hidden, sandboxed window with no page
 * whose preload (src/preload/decoder/) decodes what main sends it. The window opens on the first
 * recording and closes after a while unused; if it crashes, the recordings it held fail with one
 * line and the next one opens a new window.
 */

/** An empty document that may load nothing at all. */
const BLANK_PAGE = `data:text/html,${encodeURIComponent(`<!doctype html><meta http-equiv="Content-Security-Policy" content="default-src 'none'"><title>Kaiwa decoder</title>`)}`;

export interface ChromiumDecoderOptions {
  /** The window closes after this long without a recording. Default 60 s. */
  idleMs?: number;
  log: (line: string) => void;
}

interface Waiting {
  resolve: (audio: DecodedAudio) => void;
  reject: (error: Error) => void;
}

export class ChromiumDecoder {
  /** The window, once asked for; `ready` once its preload listens. */
  private window: BrowserWindow | undefined;
  private ready: Promise<BrowserWindow> | undefined;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 1;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly options: ChromiumDecoderOptions) {}

  /** The engine's RecordingDecoder (engine/audio/decode.ts): samples at the engine's rate. */
  readonly decode: RecordingDecoder = async (bytes) => {
    clearTimeout(this.idleTimer);
    const id = this.nextId++;
    const decoded = new Promise<DecodedAudio>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    try {
      const window = await this.open();
      window.webContents.send(DECODER_CHANNELS.decode, { id, bytes, sampleRate: ENGINE_SAMPLE_RATE });
    } catch (error) {
      this.settle(id, (w) => w.reject(error as Error));
    }
    return decoded;
  };

  /** Closes the window; recordings still being decoded fail. */
  close(): void {
    clearTimeout(this.idleTimer);
    const window = this.window;
    this.lost(window, 'the decoder window was closed');
    if (window && !window.isDestroyed()) window.destroy();
  }

  private open(): Promise<BrowserWindow> {
    this.ready ??= this.create();
    return this.ready;
  }

  private async create(): Promise<BrowserWindow> {
    const window = (this.window = new BrowserWindow({
      show: false,
      width: 1,
      height: 1,
      skipTaskbar: true,
      webPreferences: { ...secureWebPreferences(), preload: decoderPreloadPath(), backgroundThrottling: false },
    }));
    window.webContents.ipc.on(DECODER_CHANNELS.decoded, (_event: IpcMainEvent, reply: unknown) => this.answer(reply));
    window.webContents.on('render-process-gone', (_event, details: { reason: string }) => {
      this.options.log(`decoder: its renderer is gone (${details.reason})`);
      this.lost(window, `the decoder stopped (${details.reason})`);
      window.destroy();
    });
    window.on('closed', () => this.lost(window, 'the decoder window was closed'));
    try {
      await window.loadURL(BLANK_PAGE);
    } catch (error) {
      this.lost(window, 'the decoder window did not load');
      window.destroy();
      throw error;
    }
    return window;
  }

  /** The window is gone: what it held fails, and the next recording opens a new one. */
  private lost(window: BrowserWindow | undefined, reason: string): void {
    if (window === undefined || this.window !== window) return;
    this.window = undefined;
    this.ready = undefined;
    this.failAll(reason);
  }

  private answer(reply: unknown): void {
    // Main checks every payload: only a well-formed answer to a question it asked settles anything.
    if (!isReply(reply) || !this.waiting.has(reply.id)) return;
    if ('error' in reply) return this.settle(reply.id, (w) => w.reject(new Error(reply.error)));
    this.settle(reply.id, (w) => w.resolve({ sampleRate: ENGINE_SAMPLE_RATE, channelData: reply.channelData }));
  }

  private settle(id: number, how: (waiting: Waiting) => void): void {
    const waiting = this.waiting.get(id);
    if (!waiting) return;
    this.waiting.delete(id);
    how(waiting);
    if (this.waiting.size === 0 && this.window) {
      clearTimeout(this.idleTimer);
      this.idleTimer = setTimeout(() => this.close(), this.options.idleMs ?? 60_000);
      this.idleTimer.unref?.();
    }
  }

  private failAll(reason: string): void {
    for (const id of [...this.waiting.keys()]) this.settle(id, (w) => w.reject(new Error(reason)));
  }
}

function isReply(value: unknown): value is DecodeReply {
  if (typeof value !== 'object' || value === null) return false;
  const reply = value as Record<string, unknown>;
  if (typeof reply.id !== 'number') return false;
  if (typeof reply.error === 'string') return true;
  return Array.isArray(reply.channelData) && reply.channelData.length > 0 && reply.channelData.every((c) => c instanceof Float32Array && c.length === (reply.channelData as Float32Array[])[0]!.length);
}
