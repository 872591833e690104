import { UiohookKey } from 'uiohook-napi';
import { describe, expect, it } from 'vitest';
import { hookKeyOf, isPressOf } from '../../src/main/hook-key';

/** Accelerators (as the settings store them) to uiohook keycodes, from uiohook-napi's real table. */
const mods = (m: Partial<Record<'ctrl' | 'shift' | 'alt' | 'meta', boolean>> = {}) => ({ ctrl: false, shift: false, alt: false, meta: false, ...m });

describe('hookKeyOf', () => {
  it('the default talk key: CommandOrControl is Ctrl on Linux and Windows, Command on macOS', () => {
    expect(hookKeyOf('CommandOrControl+Shift+Space', UiohookKey, 'linux')).toEqual({ keycode: UiohookKey.Space, ...mods({ ctrl: true, shift: true }) });
    expect(hookKeyOf('CommandOrControl+Shift+Space', UiohookKey, 'win32')).toEqual({ keycode: UiohookKey.Space, ...mods({ ctrl: true, shift: true }) });
    expect(hookKeyOf('CmdOrCtrl+Shift+Space', UiohookKey, 'darwin')).toEqual({ keycode: UiohookKey.Space, ...mods({ meta: true, shift: true }) });
  });

  it('every modifier spelling Electron accepts, case-insensitively', () => {
    expect(hookKeyOf('Control+Alt+Super+K', UiohookKey, 'linux')).toEqual({ keycode: UiohookKey.K, ...mods({ ctrl: true, alt: true, meta: true }) });
    expect(hookKeyOf('ctrl+option+cmd+k', UiohookKey, 'darwin')).toEqual({ keycode: UiohookKey.K, ...mods({ ctrl: true, alt: true, meta: true }) });
    expect(hookKeyOf('Meta+AltGr+1', UiohookKey, 'linux')).toEqual({ keycode: UiohookKey[1], ...mods({ meta: true, alt: true }) });
  });

  it('what the settings screen records: letters, digits, F-keys, named keys, punctuation, numpad', () => {
    const code = (accelerator: string) => hookKeyOf(accelerator, UiohookKey, 'linux')?.keycode;
    expect(code('Alt+T')).toBe(UiohookKey.T);
    expect(code('Shift+0')).toBe(UiohookKey[0]);
    expect(code('F13')).toBe(UiohookKey.F13);
    expect(code('Ctrl+F24')).toBe(UiohookKey.F24);
    expect(code('Ctrl+Up')).toBe(UiohookKey.ArrowUp);
    expect(code('Ctrl+PageDown')).toBe(UiohookKey.PageDown);
    expect(code('Ctrl+Return')).toBe(UiohookKey.Enter);
    expect(code('Ctrl+Enter')).toBe(UiohookKey.Enter);
    expect(code('Ctrl+Esc')).toBe(UiohookKey.Escape);
    expect(code('Ctrl+Backspace')).toBe(UiohookKey.Backspace);
    expect(code('Ctrl+`')).toBe(UiohookKey.Backquote);
    expect(code('Ctrl+\\')).toBe(UiohookKey.Backslash);
    expect(code("Ctrl+'")).toBe(UiohookKey.Quote);
    expect(code('Ctrl+num7')).toBe(UiohookKey.Numpad7);
    expect(code('Ctrl+numadd')).toBe(UiohookKey.NumpadAdd);
  });

  it('no keycode for keys the hook cannot follow: media keys, shifted characters, a modifier alone, malformed', () => {
    for (const accelerator of ['MediaPlayPause', 'VolumeUp', 'Ctrl+Plus', 'Ctrl+!', 'Shift', 'Ctrl+Shift', 'Ctrl+', '+A', 'Ctrl++A', 'Hyper+A', '']) {
      expect(hookKeyOf(accelerator, UiohookKey, 'linux'), accelerator).toBeUndefined();
    }
  });
});

describe('isPressOf', () => {
  const key = hookKeyOf('CommandOrControl+Shift+Space', UiohookKey, 'linux')!;
  const event = (m: Partial<Record<'ctrlKey' | 'shiftKey' | 'altKey' | 'metaKey', boolean>>) => ({ ctrlKey: false, shiftKey: false, altKey: false, metaKey: false, ...m });

  it('needs the key and exactly its modifiers, like a global shortcut', () => {
    expect(isPressOf(key, UiohookKey.Space, event({ ctrlKey: true, shiftKey: true }))).toBe(true);
    expect(isPressOf(key, UiohookKey.Space, event({ ctrlKey: true }))).toBe(false);
    expect(isPressOf(key, UiohookKey.Space, event({}))).toBe(false); // typing a space
    expect(isPressOf(key, UiohookKey.Space, event({ ctrlKey: true, shiftKey: true, altKey: true }))).toBe(false);
    expect(isPressOf(key, UiohookKey.Enter, event({ ctrlKey: true, shiftKey: true }))).toBe(false);
  });
});
