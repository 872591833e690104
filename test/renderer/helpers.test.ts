import { describe, expect, it } from 'vitest';
import { acceleratorFromKey, displayAccelerator, type KeyLike } from '../../src/renderer/state/accelerator';
import { turnsFromEntries } from '../../src/renderer/state/history';
import { isOverridden, settingsPatch } from '../../src/renderer/state/settingsPatch';
import { levelFromDb, stepSpring } from '../../src/renderer/pulse/motion';
import { parseColor } from '../../src/renderer/pulse/colors';
import { DEFAULT_SETTINGS } from '../../src/engine/settings';

const key = (code: string, k: string, mods: Partial<KeyLike> = {}): KeyLike => ({ code, key: k, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...mods });

describe('acceleratorFromKey', () => {
  it('builds Electron accelerators from the physical key', () => {
    expect(acceleratorFromKey(key('Space', ' ', { ctrlKey: true, shiftKey: true }), false)).toEqual({ kind: 'accelerator', accelerator: 'CommandOrControl+Shift+Space' });
    expect(acceleratorFromKey(key('Digit1', '!', { altKey: true, shiftKey: true }), false)).toEqual({ kind: 'accelerator', accelerator: 'Alt+Shift+1' });
    expect(acceleratorFromKey(key('KeyK', 'k', { metaKey: true }), true)).toEqual({ kind: 'accelerator', accelerator: 'CommandOrControl+K' });
    expect(acceleratorFromKey(key('KeyK', 'k', { metaKey: true }), false)).toEqual({ kind: 'accelerator', accelerator: 'Super+K' });
    expect(acceleratorFromKey(key('ArrowUp', 'ArrowUp', { ctrlKey: true, altKey: true }), true)).toEqual({ kind: 'accelerator', accelerator: 'Control+Option+Up' });
    expect(acceleratorFromKey(key('F9', 'F9'), false)).toEqual({ kind: 'accelerator', accelerator: 'F9' });
  });

  it('waits on modifiers alone, cancels on Esc, refuses bare keys and unknown keys', () => {
    expect(acceleratorFromKey(key('ControlLeft', 'Control', { ctrlKey: true }), false)).toEqual({ kind: 'pending' });
    expect(acceleratorFromKey(key('Escape', 'Escape'), false)).toEqual({ kind: 'cancel' });
    expect(acceleratorFromKey(key('KeyA', 'a'), false).kind).toBe('invalid');
    expect(acceleratorFromKey(key('IntlRo', 'ろ', { ctrlKey: true }), false).kind).toBe('invalid');
  });

  it('shows accelerators in the platform’s words', () => {
    expect(displayAccelerator('CommandOrControl+Shift+Space', false)).toBe('Ctrl+Shift+Space');
    expect(displayAccelerator('CommandOrControl+Shift+Space', true)).toBe('⌘⇧Space');
  });
});

describe('settingsPatch', () => {
  it('contains only what changed, nested objects by key', () => {
    const draft = structuredClone(DEFAULT_SETTINGS);
    draft.model = 'gpt-realtime-mini';
    draft.turnDetection.threshold = 0.7;
    draft.hotkeys.talk = 'Alt+T';
    expect(settingsPatch(DEFAULT_SETTINGS, draft)).toEqual({ model: 'gpt-realtime-mini', turnDetection: { threshold: 0.7 }, hotkeys: { talk: 'Alt+T' } });
    expect(settingsPatch(DEFAULT_SETTINGS, structuredClone(DEFAULT_SETTINGS))).toEqual({});
  });

  it('sends a cleared optional field as undefined (back to the default)', () => {
    const saved = { ...structuredClone(DEFAULT_SETTINGS), inputDevice: 'mic-2' };
    const draft = { ...structuredClone(saved), inputDevice: undefined };
    const patch = settingsPatch(saved, draft);
    expect('inputDevice' in patch).toBe(true);
    expect(patch.inputDevice).toBeUndefined();
  });

  it('knows which fields an environment variable fixes', () => {
    expect(isOverridden(['azure.endpoint', 'model'], 'model')).toBe(true);
    expect(isOverridden(['azure'], 'azure.endpoint')).toBe(true);
    expect(isOverridden(['azure.endpoint'], 'azure.deployment')).toBe(false);
    expect(isOverridden(['model'], 'modelX')).toBe(false);
  });
});

describe('turnsFromEntries', () => {
  it('rebuilds turns of a saved conversation with cuts and errors', () => {
    const lines = turnsFromEntries([
      { kind: 'transcript', at: 't1', speaker: 'user', itemId: 'u1', text: 'Hi' },
      { kind: 'transcript', at: 't2', speaker: 'assistant', itemId: 'a1', text: 'Hello, how are you today?' },
      { kind: 'interrupted', at: 't3', itemId: 'a1', playedMs: 400, receivedMs: 1600 },
      { kind: 'error', at: 't4', code: 'network', message: 'Connection lost' },
      { kind: 'error', at: 't5', code: 'network', key: 'failure.refused', params: { host: 'example.com' } },
    ]);
    expect(lines).toHaveLength(4);
    expect(lines[1]!.turn).toMatchObject({ speaker: 'assistant', text: 'Hello, how are you today?', cut: { playedMs: 400, receivedMs: 1600 } });
    expect(lines[2]!.error).toEqual({ at: 't4', said: 'Connection lost' }); // written before errors were keyed
    expect(lines[3]!.error).toEqual({ at: 't5', said: { key: 'failure.refused', params: { host: 'example.com' } } });
  });
});

describe('pulse motion', () => {
  it('maps -60..0 dBFS to 0..1 and clamps the rest', () => {
    expect(levelFromDb(-60)).toBe(0);
    expect(levelFromDb(-100)).toBe(0);
    expect(levelFromDb(-30)).toBeCloseTo(0.5);
    expect(levelFromDb(0)).toBe(1);
    expect(levelFromDb(6)).toBe(1);
    expect(levelFromDb(Number.NaN)).toBe(0);
  });

  it('settles the spring on the target without overshoot, even with long frames', () => {
    for (const dt of [1 / 60, 1 / 20, 0.1]) {
      const spring = { value: 0, velocity: 0 };
      let max = 0;
      for (let t = 0; t < 1; t += dt) {
        stepSpring(spring, 0.8, 16, dt);
        max = Math.max(max, spring.value);
      }
      expect(spring.value).toBeCloseTo(0.8, 3);
      expect(max).toBeLessThanOrEqual(0.8 + 1e-9);
    }
  });

  it('parses the stylesheet’s colour formats', () => {
    expect(parseColor(' #8b7cf6')).toEqual([139, 124, 246]);
    expect(parseColor('#fff')).toEqual([255, 255, 255]);
    expect(parseColor('rgb(1, 2, 3)')).toEqual([1, 2, 3]);
    expect(parseColor('hotpink')).toBeNull();
  });
});
