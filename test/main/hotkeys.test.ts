import { beforeEach, describe, expect, it, vi } from 'vitest';
import { englishOf } from '../../src/main/said';
import * as mock from '../mocks/electron';
import { Hotkeys } from '../../src/main/hotkeys';

vi.mock('electron', () => import('../mocks/electron'));

beforeEach(() => mock.resetElectronMock());

describe('Hotkeys', () => {
  it('registers both actions and calls them on a press', () => {
    const talk = vi.fn();
    const interrupt = vi.fn();
    const hotkeys = new Hotkeys({ talk, interrupt });
    expect(hotkeys.apply({ talk: 'Alt+T', interrupt: 'Alt+I' })).toEqual([
      { action: 'talk', accelerator: 'Alt+T', registered: true },
      { action: 'interrupt', accelerator: 'Alt+I', registered: true },
    ]);
    mock.globalShortcut.press('Alt+I');
    expect(interrupt).toHaveBeenCalledOnce();
    expect(talk).not.toHaveBeenCalled();
  });

  it('rebinding unregisters only what it registered; unchanged settings register nothing again', () => {
    const hotkeys = new Hotkeys({ talk: vi.fn(), interrupt: vi.fn() });
    hotkeys.apply({ talk: 'Alt+T', interrupt: 'Alt+I' });
    mock.globalShortcut.calls = [];
    hotkeys.apply({ talk: 'Alt+T', interrupt: 'Alt+I' });
    expect(mock.globalShortcut.calls).toEqual([]);
    hotkeys.apply({ talk: 'Alt+Y', interrupt: 'Alt+I' });
    expect(mock.globalShortcut.calls).toEqual([
      { op: 'unregister', accelerator: 'Alt+T' },
      { op: 'unregister', accelerator: 'Alt+I' },
      { op: 'register', accelerator: 'Alt+Y' },
      { op: 'register', accelerator: 'Alt+I' },
    ]);
    expect([...mock.globalShortcut.registered.keys()]).toEqual(['Alt+Y', 'Alt+I']);
  });

  it('the same accelerator for both: the second is reported, not registered twice', () => {
    const hotkeys = new Hotkeys({ talk: vi.fn(), interrupt: vi.fn() });
    const [, interrupt] = hotkeys.apply({ talk: 'Alt+T', interrupt: 'Alt+T' });
    expect(interrupt).toMatchObject({ registered: false, error: expect.stringMatching(/other Kaiwa shortcut/) });
  });

  it('failures read as one line each, with the command-line hint', () => {
    mock.electronMock.takenAccelerators.add('Alt+T');
    const hotkeys = new Hotkeys({ talk: vi.fn(), interrupt: vi.fn() });
    hotkeys.apply({ talk: 'Alt+T', interrupt: 'Bad+' });
    const failures = hotkeys.failures().map(englishOf);
    expect(failures).toHaveLength(2);
    expect(failures[0]).toMatch(/^The talk shortcut Alt\+T is not available: another application has it/);
    expect(failures[1]).toMatch(/^The interrupt shortcut Bad\+ is not available: not a valid shortcut/);
    for (const line of failures) expect(line).toContain('bind `kaiwa --toggle` and `kaiwa --interrupt` in your desktop’s own keyboard shortcut settings');
  });

  it('unregisterAll releases everything it holds', () => {
    const hotkeys = new Hotkeys({ talk: vi.fn(), interrupt: vi.fn() });
    hotkeys.apply({ talk: 'Alt+T', interrupt: 'Alt+I' });
    hotkeys.unregisterAll();
    expect(mock.globalShortcut.registered.size).toBe(0);
  });
});
