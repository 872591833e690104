import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { UiohookKey } from 'uiohook-napi';
import { describe, expect, it, vi } from 'vitest';
import { KeyHook, hookBlocker, loadUiohook, localXSocket } from '../../src/main/key-hook';
import { FakeUiohook, X11_SESSION, fakeHookModule } from '../mocks/uiohook';

const run = promisify(execFile);
const linux = (env: Record<string, string>, exists = () => true) => ({ platform: 'linux' as const, env, accessibilityTrusted: () => true, exists });

describe('hookBlocker: where the hook cannot run, decided before starting it', () => {
  it('Linux: an X11 session with its server socket present may run it', () => {
    const seen: string[] = [];
    expect(hookBlocker(linux({ DISPLAY: ':0', XDG_SESSION_TYPE: 'x11' }, ((p: string) => (seen.push(p), true)) as () => boolean))).toBeUndefined();
    expect(seen).toEqual(['/tmp/.X11-unix/X0']);
  });

  it('Linux: no DISPLAY, or a local DISPLAY whose socket is gone, is no display', () => {
    expect(hookBlocker(linux({}))).toEqual({ reason: 'noDisplay' });
    expect(hookBlocker(linux({ DISPLAY: ':7' }, () => false))).toEqual({ reason: 'noDisplay' });
  });

  it('Linux: a Wayland session, with or without XWayland, is Wayland', () => {
    expect(hookBlocker(linux({ XDG_SESSION_TYPE: 'wayland', WAYLAND_DISPLAY: 'wayland-0' }))).toEqual({ reason: 'wayland' });
    expect(hookBlocker(linux({ XDG_SESSION_TYPE: 'wayland', WAYLAND_DISPLAY: 'wayland-0', DISPLAY: ':0' }))).toEqual({ reason: 'wayland' });
    expect(hookBlocker(linux({ WAYLAND_DISPLAY: 'wayland-1', DISPLAY: ':1' }))).toEqual({ reason: 'wayland' });
  });

  it('Linux: a remote display (ssh -X) cannot be checked by a socket file and is tried', () => {
    expect(hookBlocker(linux({ DISPLAY: 'localhost:10.0' }, () => false))).toBeUndefined();
    expect(localXSocket('localhost:10.0')).toBeUndefined();
    expect(localXSocket(':1.0')).toBe('/tmp/.X11-unix/X1');
    expect(localXSocket('unix:2')).toBe('/tmp/.X11-unix/X2');
  });

  it('macOS needs the accessibility permission; Windows needs nothing', () => {
    expect(hookBlocker({ platform: 'darwin', env: {}, accessibilityTrusted: () => false })).toEqual({ reason: 'accessibility' });
    expect(hookBlocker({ platform: 'darwin', env: {}, accessibilityTrusted: () => true })).toBeUndefined();
    expect(hookBlocker({ platform: 'win32', env: {}, accessibilityTrusted: () => false })).toBeUndefined();
  });
});

describe('uiohook-napi for real', () => {
  it('loads in Node from its prebuilt N-API binary, with the key table Kaiwa maps to', () => {
    const module = loadUiohook();
    expect(typeof module.uIOhook.start).toBe('function');
    expect(typeof module.uIOhook.on).toBe('function');
    expect(module.UiohookKey.Space).toBe(57);
    const loaded = Object.keys(createRequire(import.meta.url).cache).filter((p) => p.endsWith('uiohook-napi.node'));
    expect(loaded).toEqual([expect.stringMatching(new RegExp(`prebuilds/${process.platform}-${process.arch}/uiohook-napi\\.node$`))]);
  });

  it('started without an X server it never returns: the whole process aborts or hangs (why hookBlocker decides first)', async () => {
    // A race in uiohook-napi 1.5.5's worker start-up: measured here, 7 of 12 runs SIGABRT, 5 hang.
    const probe = `require(${JSON.stringify(createRequire(import.meta.url).resolve('uiohook-napi'))}).uIOhook.start(); console.log('started')`;
    const outcomes = await Promise.all(
      [{}, { DISPLAY: ':93' }].map((env) =>
        run(process.execPath, ['-e', probe], { env: { PATH: process.env.PATH, ...env }, timeout: 5_000 }).then(
          ({ stdout }) => ({ signal: null as string | null, stdout, stderr: '' }),
          (error: { signal: string | null; stdout: string; stderr: string }) => error,
        ),
      ),
    );
    for (const outcome of outcomes) {
      expect(outcome.stdout).not.toContain('started');
      expect(['SIGABRT', 'SIGTERM']).toContain(outcome.signal); // SIGTERM: killed by the timeout, hung
      expect(outcome.stderr).toContain('XOpenDisplay failure');
    }
  });

  it('merely loaded without an X server, it makes the process exit 1 at its end (so it is not loaded then)', async () => {
    const probe = `require(${JSON.stringify(createRequire(import.meta.url).resolve('uiohook-napi'))}); console.log('loaded')`;
    const outcome = await run(process.execPath, ['-e', probe], { env: { PATH: process.env.PATH }, timeout: 20_000 }).then(
      ({ stdout }) => ({ code: 0, stdout, stderr: '' }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(outcome.stdout).toContain('loaded');
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toContain('Couldn\'t find per display information');
  });

  it('on this headless machine the real hook is not started: it reports no display, and nothing is loaded for it', () => {
    const load = vi.fn(loadUiohook);
    const hook = new KeyHook({ platform: process.platform, env: { PATH: process.env.PATH }, accessibilityTrusted: () => false }, load);
    const why = hook.watch('CommandOrControl+Shift+Space', { down: () => undefined, up: () => undefined });
    expect(why).toEqual(process.platform === 'linux' ? { reason: 'noDisplay' } : process.platform === 'darwin' ? { reason: 'accessibility' } : undefined);
    if (process.platform === 'linux') expect(load).not.toHaveBeenCalled();
    expect(hook.running).toBe(process.platform === 'win32');
    hook.stop();
  });
});

describe('KeyHook with a stand-in for the native hook', () => {
  const watching = (fake = new FakeUiohook()) => {
    const hook = new KeyHook(X11_SESSION, () => fakeHookModule(fake));
    const seen: string[] = [];
    const why = hook.watch('CommandOrControl+Shift+Space', { down: () => seen.push('down'), up: () => seen.push('up') });
    return { hook, fake, seen, why };
  };

  it('passes on the talk key down and up only; every other key is dropped', () => {
    const { fake, seen, why } = watching();
    expect(why).toBeUndefined();
    expect(fake.starts).toBe(1);
    fake.press(UiohookKey.H, { shiftKey: true });
    fake.release(UiohookKey.H, { shiftKey: true });
    fake.press(UiohookKey.Space); // a typed space
    fake.press(UiohookKey.Space, { ctrlKey: true, shiftKey: true });
    fake.press(UiohookKey.Space, { ctrlKey: true, shiftKey: true }); // auto-repeat: the state machine's business
    // Shift let go first: the release still counts.
    fake.release(UiohookKey.Space, { ctrlKey: true });
    expect(seen).toEqual(['down', 'down', 'up']);
  });

  it('a new key replaces the old one without starting the hook twice; stop removes every listener', () => {
    const { hook, fake, seen } = watching();
    hook.watch('Alt+T', { down: () => seen.push('T down'), up: () => seen.push('T up') });
    expect(fake.starts).toBe(1);
    expect(fake.listenerCount('keydown')).toBe(1);
    fake.press(UiohookKey.Space, { ctrlKey: true, shiftKey: true });
    fake.press(UiohookKey.T, { altKey: true });
    expect(seen).toEqual(['T down']);
    hook.stop();
    expect(fake.stops).toBe(1);
    expect(fake.listenerCount('keydown') + fake.listenerCount('keyup')).toBe(0);
    expect(hook.running).toBe(false);
  });

  it('a key the hook cannot follow stops it and says so', () => {
    const { hook, fake } = watching();
    expect(hook.watch('MediaPlayPause', { down: () => undefined, up: () => undefined })).toEqual({ reason: 'key' });
    expect(fake.running).toBe(false);
    expect(fake.listenerCount('keydown')).toBe(0);
  });

  it('a start the platform refuses is a reason, not a crash, and leaves no listener behind', () => {
    const fake = new FakeUiohook();
    fake.startError = Object.assign(new Error('Failed to enable access for assistive devices.'), { code: 'UIOHOOK_ERROR_AXAPI_DISABLED' });
    const { why, hook } = watching(fake);
    expect(why).toEqual({ reason: 'start', detail: 'Failed to enable access for assistive devices.' });
    expect(hook.running).toBe(false);
    expect(fake.listenerCount('keydown')).toBe(0);
  });

  it('a native module that fails to load is a reason, remembered (not loaded again on every watch)', () => {
    const load = vi.fn(() => {
      throw new Error('No native build was found for platform=linux arch=riscv64');
    });
    const hook = new KeyHook(X11_SESSION, load);
    const keys = { down: () => undefined, up: () => undefined };
    expect(hook.watch('Alt+T', keys)).toEqual({ reason: 'load', detail: 'No native build was found for platform=linux arch=riscv64' });
    expect(hook.watch('Alt+Y', keys)).toMatchObject({ reason: 'load' });
    expect(load).toHaveBeenCalledOnce();
  });
});
