import { UiohookKey } from 'uiohook-napi';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { parseSettings, type Settings } from '../../src/engine';
import { englishOf } from '../../src/main/said';
import { KeyHook } from '../../src/main/key-hook';
import { TAP_MS } from '../../src/main/talk-key-hold';
import * as mock from '../mocks/electron';
import { FakeUiohook, X11_SESSION, fakeHookModule } from '../mocks/uiohook';
import { Hotkeys, MEDIA_ACCELERATOR, holdToTalkApplies, type HotkeyActions } from '../../src/main/hotkeys';

vi.mock('electron', () => import('../mocks/electron'));

beforeEach(() => mock.resetElectronMock());

type Keys = Partial<Settings['hotkeys']>;
/** Settings with these hotkeys; toggle turns (server VAD) unless `manual`. */
const settings = (hotkeys: Keys, manual = false): Settings =>
  parseSettings({ hotkeys, turnDetection: { mode: manual ? 'manual' : 'server_vad' } });

function actions(): HotkeyActions & { calls: string[]; talkingNow: boolean } {
  const a = {
    calls: [] as string[],
    talkingNow: false,
    talk: () => a.calls.push('talk'),
    interrupt: () => a.calls.push('interrupt'),
    media: () => a.calls.push('media'),
    look: () => a.calls.push('look'),
    holdStart: () => {
      a.calls.push('holdStart');
      a.talkingNow = true;
    },
    holdStop: () => {
      a.calls.push('holdStop');
      a.talkingNow = false;
    },
    talking: () => a.talkingNow,
  };
  return a;
}

describe('Hotkeys (globalShortcut)', () => {
  it('registers every action and calls it on a press', () => {
    const a = actions();
    const hotkeys = new Hotkeys(a);
    expect(hotkeys.apply(settings({ talk: 'Alt+T', interrupt: 'Alt+I', look: 'Alt+L' }))).toEqual([
      { action: 'talk', accelerator: 'Alt+T', registered: true },
      { action: 'interrupt', accelerator: 'Alt+I', registered: true },
      { action: 'look', accelerator: 'Alt+L', registered: true },
    ]);
    mock.globalShortcut.press('Alt+I');
    mock.globalShortcut.press('Alt+T');
    mock.globalShortcut.press('Alt+L');
    expect(a.calls).toEqual(['interrupt', 'talk', 'look']);
  });

  it('rebinding unregisters only what it registered; unchanged settings register nothing again', () => {
    const hotkeys = new Hotkeys(actions());
    hotkeys.apply(settings({ talk: 'Alt+T', interrupt: 'Alt+I', look: 'Alt+L' }));
    mock.globalShortcut.calls = [];
    hotkeys.apply(settings({ talk: 'Alt+T', interrupt: 'Alt+I', look: 'Alt+L' }));
    expect(mock.globalShortcut.calls).toEqual([]);
    hotkeys.apply(settings({ talk: 'Alt+Y', interrupt: 'Alt+I', look: 'Alt+L' }));
    expect(mock.globalShortcut.calls).toEqual([
      { op: 'unregister', accelerator: 'Alt+T' },
      { op: 'unregister', accelerator: 'Alt+I' },
      { op: 'unregister', accelerator: 'Alt+L' },
      { op: 'register', accelerator: 'Alt+Y' },
      { op: 'register', accelerator: 'Alt+I' },
      { op: 'register', accelerator: 'Alt+L' },
    ]);
    expect([...mock.globalShortcut.registered.keys()]).toEqual(['Alt+Y', 'Alt+I', 'Alt+L']);
  });

  it('the same accelerator for both: the second is reported, not registered twice', () => {
    const hotkeys = new Hotkeys(actions());
    const [, interrupt] = hotkeys.apply(settings({ talk: 'Alt+T', interrupt: 'Alt+T' }));
    expect(interrupt).toMatchObject({ registered: false, error: expect.stringMatching(/other Kaiwa shortcut/) });
  });

  it('failures read as one line each, with the command-line hint', () => {
    mock.electronMock.takenAccelerators.add('Alt+T');
    const hotkeys = new Hotkeys(actions());
    hotkeys.apply(settings({ talk: 'Alt+T', interrupt: 'Bad+' }));
    const failures = hotkeys.failures().map(englishOf);
    expect(failures).toHaveLength(2);
    expect(failures[0]).toMatch(/^The talk shortcut Alt\+T is not available: another application has it/);
    expect(failures[1]).toMatch(/^The interrupt shortcut Bad\+ is not available: not a valid shortcut/);
    for (const line of failures) expect(line).toContain('bind `kaiwa --toggle` and `kaiwa --interrupt` in your desktop’s own keyboard shortcut settings');
  });

  it('unregisterAll releases everything it holds', () => {
    const hotkeys = new Hotkeys(actions());
    hotkeys.apply(settings({ talk: 'Alt+T', interrupt: 'Alt+I', mediaKey: true }));
    hotkeys.unregisterAll();
    expect(mock.globalShortcut.registered.size).toBe(0);
  });
});

describe('the media key', () => {
  it('off by default: play/pause stays with the music players', () => {
    const hotkeys = new Hotkeys(actions());
    const statuses = hotkeys.apply(settings({}));
    expect(statuses.map((s) => s.action)).toEqual(['talk', 'interrupt', 'look']);
    expect(mock.globalShortcut.isRegistered(MEDIA_ACCELERATOR)).toBe(false);
  });

  it('on: MediaPlayPause is registered and routed to the media action; off again releases it', () => {
    const a = actions();
    const hotkeys = new Hotkeys(a);
    expect(hotkeys.apply(settings({ mediaKey: true }))).toContainEqual({ action: 'media', accelerator: 'MediaPlayPause', registered: true });
    mock.globalShortcut.press('MediaPlayPause');
    expect(a.calls).toEqual(['media']);
    hotkeys.apply(settings({ mediaKey: false }));
    expect(mock.globalShortcut.isRegistered('MediaPlayPause')).toBe(false);
  });

  it('a media key another app holds is reported like the other shortcuts', () => {
    mock.electronMock.takenAccelerators.add('MediaPlayPause');
    const hotkeys = new Hotkeys(actions());
    hotkeys.apply(settings({ mediaKey: true }));
    expect(hotkeys.failures().map(englishOf)).toEqual([expect.stringMatching(/^The play\/pause shortcut MediaPlayPause is not available: another application has it/)]);
  });

  it('the talk key set to the media key: the media switch is the one reported', () => {
    const a = actions();
    const hotkeys = new Hotkeys(a);
    const statuses = hotkeys.apply(settings({ talk: 'MediaPlayPause', mediaKey: true }));
    expect(statuses.find((s) => s.action === 'media')).toMatchObject({ registered: false, error: expect.stringMatching(/other Kaiwa shortcut/) });
    mock.globalShortcut.press('MediaPlayPause');
    expect(a.calls).toEqual(['talk']);
  });
});

describe('hold-to-talk', () => {
  const TALK = 'CommandOrControl+Shift+Space';
  const ctrlShift = { ctrlKey: true, shiftKey: true };

  function holding(options: { manual?: boolean; holdToTalk?: boolean; fake?: FakeUiohook } = {}) {
    const fake = options.fake ?? new FakeUiohook();
    const a = actions();
    let now = 0;
    const hotkeys = new Hotkeys(a, undefined, new KeyHook({ ...X11_SESSION, platform: 'linux' }, () => fakeHookModule(fake)), () => now);
    const statuses = hotkeys.apply(settings({ talk: TALK, holdToTalk: options.holdToTalk ?? true }, options.manual ?? true));
    const at = (ms: number) => {
      now = ms;
    };
    return { fake, a, hotkeys, statuses, at };
  }

  it('applies with manual turns on Realtime only: the server decides turns otherwise', () => {
    expect(holdToTalkApplies(settings({}, true))).toBe(true);
    expect(holdToTalkApplies(settings({ holdToTalk: false }, true))).toBe(false);
    expect(holdToTalkApplies(settings({}, false))).toBe(false);
    expect(holdToTalkApplies(parseSettings({ turnDetection: { mode: 'manual' }, protocol: 'live' }))).toBe(false);
    expect(holdToTalkApplies(parseSettings({ turnDetection: { mode: 'semantic_vad' } }))).toBe(false);
  });

  it('hold: talking while the key is down, sent on release; the shortcut itself does nothing', () => {
    const { fake, a, statuses, at } = holding();
    expect(statuses[0]).toEqual({ action: 'talk', accelerator: TALK, registered: true, hold: true });
    expect(fake.starts).toBe(1);
    // Still registered with globalShortcut, so the combination does not type into the focused app.
    expect(mock.globalShortcut.isRegistered(TALK)).toBe(true);
    at(1_000);
    fake.press(UiohookKey.Space, ctrlShift);
    mock.globalShortcut.press(TALK); // Electron's own callback fires too: it must not toggle
    for (let t = 1_500; t < 3_000; t += 33) {
      at(t);
      fake.press(UiohookKey.Space, ctrlShift); // auto-repeat
    }
    at(3_000);
    fake.release(UiohookKey.Space, { ctrlKey: true }); // Shift let go first
    expect(a.calls).toEqual(['holdStart', 'holdStop']);
  });

  it('tap: a short press toggles talking on, the next one sends', () => {
    const { fake, a, at } = holding();
    at(0);
    fake.press(UiohookKey.Space, ctrlShift);
    at(TAP_MS - 100);
    fake.release(UiohookKey.Space, ctrlShift);
    expect(a.calls).toEqual(['holdStart']);
    at(5_000);
    fake.press(UiohookKey.Space, ctrlShift);
    at(5_080);
    fake.release(UiohookKey.Space, ctrlShift);
    expect(a.calls).toEqual(['holdStart', 'holdStop']);
  });

  it('other keys never reach the actions: typing, the bare key, the key with other modifiers', () => {
    const { fake, a } = holding();
    for (const key of [UiohookKey.A, UiohookKey.Enter, UiohookKey.Space]) {
      fake.press(key);
      fake.release(key);
    }
    fake.press(UiohookKey.Space, { ...ctrlShift, altKey: true });
    fake.press(UiohookKey.A, ctrlShift);
    expect(a.calls).toEqual([]);
  });

  it('settings changed mid-hold: the hold ends as if released, and the hook restarts for the new key', () => {
    const { fake, a, hotkeys } = holding();
    fake.press(UiohookKey.Space, ctrlShift);
    hotkeys.apply(settings({ talk: 'Alt+T' }, true));
    expect(a.calls).toEqual(['holdStart', 'holdStop']);
    expect(fake.starts).toBe(2);
    fake.press(UiohookKey.T, { altKey: true });
    expect(a.calls).toEqual(['holdStart', 'holdStop', 'holdStart']);
  });

  it('abandonHold (screen locked, suspend) ends a hold in progress', () => {
    const { fake, a, hotkeys } = holding();
    fake.press(UiohookKey.Space, ctrlShift);
    hotkeys.abandonHold();
    expect(a.calls).toEqual(['holdStart', 'holdStop']);
  });

  it('turned off, or with server VAD: no hook runs and the shortcut toggles', () => {
    for (const options of [{ holdToTalk: false }, { manual: false }]) {
      mock.resetElectronMock();
      const { fake, a, statuses, hotkeys } = holding(options);
      expect(fake.starts).toBe(0);
      expect(statuses[0]).toEqual({ action: 'talk', accelerator: TALK, registered: true });
      mock.globalShortcut.press(TALK);
      expect(a.calls).toEqual(['talk']);
      expect(hotkeys.failures()).toEqual([]);
    }
  });

  it('switching hold-to-talk off stops the hook', () => {
    const { fake, hotkeys } = holding();
    hotkeys.apply(settings({ talk: TALK, holdToTalk: false }, true));
    expect(fake.running).toBe(false);
    expect(fake.listenerCount('keydown')).toBe(0);
  });

  it('where the hook cannot run: the toggle, the reason in the status, and one notice per reason', () => {
    const a = actions();
    // This machine, for real: no X server, so the native hook is never started.
    const env: Record<string, string> = {};
    const hotkeys = new Hotkeys(a, undefined, new KeyHook({ platform: 'linux', env, accessibilityTrusted: () => true }));
    const [talk] = hotkeys.apply(settings({ talk: TALK }, true));
    expect(talk).toEqual({ action: 'talk', accelerator: TALK, registered: true, hold: false, holdError: 'there is no X11 display to watch the keyboard on' });
    mock.globalShortcut.press(TALK);
    expect(a.calls).toEqual(['talk']);
    expect(hotkeys.failures().map(englishOf)).toEqual([
      'Hold-to-talk is not available: there is no X11 display to watch the keyboard on. The talk shortcut works as a toggle instead: press it to start talking, press it again to send.',
    ]);
    // Asked again, and after a change of key: not told twice.
    expect(hotkeys.failures()).toEqual([]);
    hotkeys.apply(settings({ talk: 'Alt+T' }, true));
    expect(hotkeys.failures()).toEqual([]);
    // A different reason is news, once.
    env.WAYLAND_DISPLAY = 'wayland-0';
    hotkeys.apply(settings({ talk: 'F13' }, true));
    expect(hotkeys.failures().map(englishOf)).toEqual([expect.stringMatching(/^Hold-to-talk is not available: Wayland does not let an app see keys released/)]);
    hotkeys.apply(settings({ talk: 'F14' }, true));
    expect(hotkeys.failures()).toEqual([]);
  });

  it('a talk key the hook cannot follow falls back with its own reason', () => {
    const fake = new FakeUiohook();
    const hotkeys = new Hotkeys(actions(), undefined, new KeyHook(X11_SESSION, () => fakeHookModule(fake)));
    const [talk] = hotkeys.apply(settings({ talk: 'MediaNextTrack' }, true));
    expect(talk).toMatchObject({ registered: true, hold: false, holdError: expect.stringMatching(/cannot be followed while held/) });
    expect(hotkeys.failures().map(englishOf)).toEqual([expect.stringMatching(/^Hold-to-talk is not available: the talk shortcut’s key cannot be followed/)]);
    expect(fake.running).toBe(false);
  });

  it('a hook that refuses to start falls back and says why', () => {
    const fake = new FakeUiohook();
    fake.startError = new Error('Failed to register low level windows hook.');
    const { statuses, hotkeys, a } = holding({ fake });
    expect(statuses[0]).toMatchObject({ hold: false, holdError: 'the keyboard hook did not start (Failed to register low level windows hook.)' });
    expect(hotkeys.failures().map(englishOf)).toEqual([expect.stringContaining('the keyboard hook did not start (Failed to register low level windows hook.)')]);
    mock.globalShortcut.press(TALK);
    expect(a.calls).toEqual(['talk']);
  });
});
