/**
 * Electron accelerator strings from key events (https://www.electronjs.org/docs/latest/api/accelerator).
 * Keys are read from `code` (the physical key), so Shift+1 is "Shift+1", not "Shift+!".
 */

export interface KeyLike {
  key: string;
  code: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
}

const NAMED: Record<string, string> = {
  Space: 'Space',
  Tab: 'Tab',
  Enter: 'Enter',
  NumpadEnter: 'Enter',
  Backspace: 'Backspace',
  Delete: 'Delete',
  Insert: 'Insert',
  Home: 'Home',
  End: 'End',
  PageUp: 'PageUp',
  PageDown: 'PageDown',
  ArrowUp: 'Up',
  ArrowDown: 'Down',
  ArrowLeft: 'Left',
  ArrowRight: 'Right',
  Minus: '-',
  Equal: '=',
  BracketLeft: '[',
  BracketRight: ']',
  Backslash: '\\',
  Semicolon: ';',
  Quote: "'",
  Comma: ',',
  Period: '.',
  Slash: '/',
  Backquote: '`',
  NumpadAdd: 'numadd',
  NumpadSubtract: 'numsub',
  NumpadMultiply: 'nummult',
  NumpadDivide: 'numdiv',
  NumpadDecimal: 'numdec',
  MediaPlayPause: 'MediaPlayPause',
  MediaStop: 'MediaStop',
  MediaTrackNext: 'MediaNextTrack',
  MediaTrackPrevious: 'MediaPreviousTrack',
};

function keyName(code: string): string | null {
  let m = /^Key([A-Z])$/.exec(code);
  if (m) return m[1]!;
  m = /^Digit([0-9])$/.exec(code);
  if (m) return m[1]!;
  m = /^Numpad([0-9])$/.exec(code);
  if (m) return `num${m[1]}`;
  m = /^F([1-9]|1[0-9]|2[0-4])$/.exec(code);
  if (m) return code;
  return NAMED[code] ?? null;
}

export type CaptureResult =
  | { kind: 'pending' } // only modifiers so far
  | { kind: 'cancel' }
  /** Why the key cannot be a shortcut, as a catalogue key (`key` names the key pressed). */
  | { kind: 'invalid'; reason: 'hotkey.invalidKey' | 'hotkey.needsModifier'; key: string }
  | { kind: 'accelerator'; accelerator: string };

/**
 * Turns a keydown into an accelerator. Global shortcuts need a modifier, except function keys and
 * media keys; Esc alone cancels the capture.
 */
export function acceleratorFromKey(event: KeyLike, isMac: boolean): CaptureResult {
  if (['Control', 'Meta', 'Alt', 'Shift', 'AltGraph', 'OS'].includes(event.key)) return { kind: 'pending' };
  const hasModifier = event.ctrlKey || event.metaKey || event.altKey || event.shiftKey;
  if (event.key === 'Escape' && !hasModifier) return { kind: 'cancel' };
  const key = keyName(event.code);
  if (!key) return { kind: 'invalid', reason: 'hotkey.invalidKey', key: event.key };
  const standalone = /^F\d+$/.test(key) || key.startsWith('Media');
  if (!hasModifier && !standalone) return { kind: 'invalid', reason: 'hotkey.needsModifier', key: event.key };
  const parts: string[] = [];
  // "CommandOrControl" follows the platform's main modifier, so one setting works on every OS.
  if (isMac ? event.metaKey : event.ctrlKey) parts.push('CommandOrControl');
  if (isMac && event.ctrlKey) parts.push('Control');
  if (!isMac && event.metaKey) parts.push('Super');
  if (event.altKey) parts.push(isMac ? 'Option' : 'Alt');
  if (event.shiftKey) parts.push('Shift');
  parts.push(key);
  return { kind: 'accelerator', accelerator: parts.join('+') };
}

/** An accelerator as shown to a person on this platform. */
export function displayAccelerator(accelerator: string, isMac: boolean): string {
  return accelerator
    .split('+')
    .map((part) => {
      switch (part) {
        case 'CommandOrControl':
        case 'CmdOrCtrl':
          return isMac ? '⌘' : 'Ctrl';
        case 'Command':
        case 'Cmd':
          return '⌘';
        case 'Control':
        case 'Ctrl':
          return isMac ? '⌃' : 'Ctrl';
        case 'Option':
        case 'Alt':
          return isMac ? '⌥' : 'Alt';
        case 'Shift':
          return isMac ? '⇧' : 'Shift';
        case 'Super':
          return 'Super';
        default:
          return part;
      }
    })
    .join(isMac ? '' : '+');
}

export function isMacPlatform(): boolean {
  return typeof navigator !== 'undefined' && /Mac/i.test(navigator.platform);
}
