import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { UiohookKeyboardEvent } from 'uiohook-napi';
import { hookKeyOf, isPressOf, type HookKey, type HookKeyTable } from './hook-key';

/**
 * The global keyboard hook (uiohook-napi) for hold-to-talk: Electron's globalShortcut reports
 * presses only, the hook reports key-down and key-up. It sees every key the system delivers, so
 * this module looks at an event's keycode and modifiers, passes on the talk key's down/up and
 * drops everything else at once: no other key is kept, counted or logged.
 */

/** Why the hook does not run: the settings screen and a notice put it into words. */
export type HookUnavailable =
  | { reason: 'wayland' | 'noDisplay' | 'accessibility' | 'key' }
  | { reason: 'load' | 'start'; detail: string };

/** What Kaiwa uses of uiohook-napi's `uIOhook` (an EventEmitter over the native worker). */
export interface HookEmitter {
  on(event: 'keydown' | 'keyup', listener: (event: UiohookKeyboardEvent) => void): unknown;
  off(event: 'keydown' | 'keyup', listener: (event: UiohookKeyboardEvent) => void): unknown;
  start(): void;
  stop(): void;
}

export interface HookModule {
  uIOhook: HookEmitter;
  UiohookKey: HookKeyTable;
}

export interface SessionFacts {
  platform: NodeJS.Platform;
  env: Record<string, string | undefined>;
  /** macOS: whether Kaiwa may watch the keyboard (Privacy & Security › Accessibility). */
  accessibilityTrusted: () => boolean;
  /** Linux: whether a path exists (the X server's socket). */
  exists?: (path: string) => boolean;
}

/** The local X server's socket for DISPLAY=":0", "unix:1.0"; undefined for a remote one (host:N, ssh -X). */
export function localXSocket(display: string): string | undefined {
  const m = /^(?:unix)?:(\d+)(?:\.\d+)?$/.exec(display.trim());
  return m ? `/tmp/.X11-unix/X${m[1]}` : undefined;
}

/**
 * Why the hook cannot run in this session, decided before trying: where uiohook-napi 1.5.5 fails to
 * start on Linux it does not throw, it never returns ("XOpenDisplay failure!", then a race in its
 * worker's start-up: SIGABRT in 7 of 12 runs here, a hang in the other 5; test/main/key-hook.test.ts
 * keeps that fact checked), so it is never started without an X server to talk to.
 *
 * A Wayland session counts as "cannot run" even with XWayland: the hook then sees only the keys
 * typed into X11 windows, so the talk key would work in some windows and silently not in others.
 */
export function hookBlocker(facts: SessionFacts): HookUnavailable | undefined {
  const { platform, env } = facts;
  if (platform === 'darwin') return facts.accessibilityTrusted() ? undefined : { reason: 'accessibility' };
  if (platform !== 'linux') return undefined;
  if (env.XDG_SESSION_TYPE === 'wayland' || env.WAYLAND_DISPLAY) return { reason: 'wayland' };
  const display = env.DISPLAY;
  if (!display) return { reason: 'noDisplay' };
  const socket = localXSocket(display);
  if (socket && !(facts.exists ?? existsSync)(socket)) return { reason: 'noDisplay' };
  return undefined;
}

/**
 * Loads the native module; throws what the loader threw (no prebuild for this platform, a missing X
 * library). Only after hookBlocker: on Linux without a display, merely loading it makes the process
 * exit 1 at its end (libuiohook's unload handler closes a display it never opened).
 */
export function loadUiohook(): HookModule {
  const require = createRequire(import.meta.url);
  return require('uiohook-napi') as HookModule;
}

export interface KeyWatch {
  down(): void;
  up(): void;
}

/**
 * One key watched through the hook: `watch` starts the hook (once) and follows the given key,
 * `stop` stops it. The native module is loaded on the first watch only, so a person who never
 * uses hold-to-talk never loads it.
 */
export class KeyHook {
  private module: HookModule | undefined;
  private loadError: string | undefined;
  private started = false;
  private listeners: { down: (e: UiohookKeyboardEvent) => void; up: (e: UiohookKeyboardEvent) => void } | undefined;

  constructor(
    private readonly facts: SessionFacts,
    private readonly load: () => HookModule = loadUiohook,
  ) {}

  get running(): boolean {
    return this.started;
  }

  /** Follows `accelerator` (replacing any key watched before); says why not when it cannot. */
  watch(accelerator: string, handlers: KeyWatch): HookUnavailable | undefined {
    this.detach();
    const blocker = hookBlocker(this.facts);
    if (blocker) return this.stopWith(blocker);
    const module = this.loaded();
    if (!module) return this.stopWith({ reason: 'load', detail: this.loadError ?? '' });
    const key = hookKeyOf(accelerator, module.UiohookKey, this.facts.platform);
    if (!key) return this.stopWith({ reason: 'key' });
    this.attach(module.uIOhook, key, handlers);
    if (this.started) return undefined;
    try {
      module.uIOhook.start();
      this.started = true;
      return undefined;
    } catch (error) {
      this.detach();
      return { reason: 'start', detail: (error as Error).message };
    }
  }

  stop(): void {
    this.detach();
    if (!this.started || !this.module) return;
    this.started = false;
    try {
      this.module.uIOhook.stop();
    } catch {
      // Already stopped by the system; nothing to release.
    }
  }

  private stopWith(why: HookUnavailable): HookUnavailable {
    this.stop();
    return why;
  }

  private loaded(): HookModule | undefined {
    if (this.module || this.loadError !== undefined) return this.module;
    try {
      this.module = this.load();
    } catch (error) {
      this.loadError = (error as Error).message;
    }
    return this.module;
  }

  private attach(hook: HookEmitter, key: HookKey, handlers: KeyWatch): void {
    const down = (e: UiohookKeyboardEvent) => {
      if (isPressOf(key, e.keycode, e)) handlers.down();
    };
    // The release counts whatever modifiers are still down: people let go of Shift before Space.
    const up = (e: UiohookKeyboardEvent) => {
      if (e.keycode === key.keycode) handlers.up();
    };
    hook.on('keydown', down);
    hook.on('keyup', up);
    this.listeners = { down, up };
  }

  private detach(): void {
    if (!this.listeners || !this.module) return;
    this.module.uIOhook.off('keydown', this.listeners.down);
    this.module.uIOhook.off('keyup', this.listeners.up);
    this.listeners = undefined;
  }
}
