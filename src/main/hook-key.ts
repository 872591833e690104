import type { UiohookKey } from 'uiohook-napi';

/**
 * An Electron accelerator (https://www.electronjs.org/docs/latest/api/accelerator) as the global
 * keyboard hook sees it: one keycode and the modifiers that must be down with it. The keycodes come
 * from uiohook-napi's own table (passed in, so this stays a pure function and the native module is
 * loaded only where the hook runs).
 */
export interface HookKey {
  keycode: number;
  ctrl: boolean;
  shift: boolean;
  alt: boolean;
  meta: boolean;
}

export type HookKeyTable = typeof UiohookKey;
export type Modifier = 'ctrl' | 'shift' | 'alt' | 'meta';

/** Accelerator modifier names (lower case) -> the hook's flag; CommandOrControl depends on the platform. */
function modifierOf(name: string, platform: NodeJS.Platform): Modifier | undefined {
  switch (name) {
    case 'commandorcontrol':
    case 'cmdorctrl':
      return platform === 'darwin' ? 'meta' : 'ctrl';
    case 'command':
    case 'cmd':
    case 'super':
    case 'meta':
      return 'meta';
    case 'control':
    case 'ctrl':
      return 'ctrl';
    case 'alt':
    case 'option':
    case 'altgr':
      return 'alt';
    case 'shift':
      return 'shift';
    default:
      return undefined;
  }
}

/** Accelerator key names (lower case) that are not the table's own names. */
const ALIASES: Record<string, keyof HookKeyTable> = {
  return: 'Enter',
  esc: 'Escape',
  up: 'ArrowUp',
  down: 'ArrowDown',
  left: 'ArrowLeft',
  right: 'ArrowRight',
  capslock: 'CapsLock',
  numlock: 'NumLock',
  scrolllock: 'ScrollLock',
  printscreen: 'PrintScreen',
  pageup: 'PageUp',
  pagedown: 'PageDown',
  numdec: 'NumpadDecimal',
  numadd: 'NumpadAdd',
  numsub: 'NumpadSubtract',
  nummult: 'NumpadMultiply',
  numdiv: 'NumpadDivide',
  ';': 'Semicolon',
  '=': 'Equal',
  ',': 'Comma',
  '-': 'Minus',
  '.': 'Period',
  '/': 'Slash',
  '`': 'Backquote',
  '[': 'BracketLeft',
  '\\': 'Backslash',
  ']': 'BracketRight',
  "'": 'Quote',
};

function keycodeOf(name: string, keys: HookKeyTable): number | undefined {
  const lower = name.toLowerCase();
  const numpad = /^num([0-9])$/.exec(lower);
  const tableName = numpad ? `Numpad${numpad[1]}` : (ALIASES[lower] ?? Object.keys(keys).find((k) => k.toLowerCase() === lower));
  return tableName === undefined ? undefined : (keys as Record<string, number>)[tableName];
}

/**
 * The hook's view of an accelerator, or undefined when the hook cannot watch it: media and volume
 * keys (the hook's table has none; they stay with globalShortcut), characters that need Shift on
 * some layouts (`Plus`, `!`), a modifier alone, or anything malformed.
 */
export function hookKeyOf(accelerator: string, keys: HookKeyTable, platform: NodeJS.Platform = process.platform): HookKey | undefined {
  const parts = accelerator.split('+').map((p) => p.trim());
  const name = parts.pop();
  if (!name || parts.some((p) => p === '') || modifierOf(name.toLowerCase(), platform)) return undefined;
  const key: HookKey = { keycode: 0, ctrl: false, shift: false, alt: false, meta: false };
  for (const part of parts) {
    const modifier = modifierOf(part.toLowerCase(), platform);
    if (!modifier) return undefined;
    key[modifier] = true;
  }
  const keycode = keycodeOf(name, keys);
  if (keycode === undefined) return undefined;
  key.keycode = keycode;
  return key;
}

/** The modifier flags of a hook event, as uiohook-napi reports them. */
export interface HookModifiers {
  ctrlKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
  metaKey: boolean;
}

/** Whether a key-down is this key: the keycode, and exactly its modifiers (like a global shortcut). */
export function isPressOf(key: HookKey, keycode: number, mods: HookModifiers): boolean {
  return keycode === key.keycode && mods.ctrlKey === key.ctrl && mods.shiftKey === key.shift && mods.altKey === key.alt && mods.metaKey === key.meta;
}
