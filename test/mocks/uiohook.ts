/**
 * A stand-in for uiohook-napi's `uIOhook` where the native hook cannot run (no X server on the test
 * machine): the same EventEmitter surface, key events sent by the test. The key table is the real
 * one from uiohook-napi.
 */
import { EventEmitter } from 'node:events';
import { UiohookKey } from 'uiohook-napi';
import type { HookModule } from '../../src/main/key-hook';

export interface Mods {
  ctrlKey?: boolean;
  shiftKey?: boolean;
  altKey?: boolean;
  metaKey?: boolean;
}

export class FakeUiohook extends EventEmitter {
  starts = 0;
  stops = 0;
  /** Thrown by start(), as uiohook-napi throws UIOHOOK_ERROR_* where the platform refuses. */
  startError: Error | undefined;
  running = false;

  start(): void {
    if (this.startError) throw this.startError;
    this.starts += 1;
    this.running = true;
  }
  stop(): void {
    this.stops += 1;
    this.running = false;
  }
  press(keycode: number, mods: Mods = {}): void {
    this.emit('keydown', { type: 4, time: Date.now(), keycode, ctrlKey: false, shiftKey: false, altKey: false, metaKey: false, ...mods });
  }
  release(keycode: number, mods: Mods = {}): void {
    this.emit('keyup', { type: 5, time: Date.now(), keycode, ctrlKey: false, shiftKey: false, altKey: false, metaKey: false, ...mods });
  }
}

export function fakeHookModule(hook = new FakeUiohook()): HookModule & { uIOhook: FakeUiohook } {
  return { uIOhook: hook, UiohookKey };
}

/** A session where the hook may run (an X server's socket is there). */
export const X11_SESSION = { platform: 'linux' as const, env: { DISPLAY: ':0', XDG_SESSION_TYPE: 'x11' }, accessibilityTrusted: () => true, exists: () => true };
