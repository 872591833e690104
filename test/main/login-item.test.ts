import { mkdtemp, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createI18n, messageWords } from '../../src/shared/i18n';
import { englishOf } from '../../src/main/said';
import {
  applyLoginItem,
  autostartFilePath,
  execArgument,
  type LoginItemApp,
  type LoginItemDeps,
} from '../../src/main/login-item';

/** Stands in for Electron's login-item API: remembers one entry per (path, args) like Windows. */
class FakeLoginItems implements LoginItemApp {
  isPackaged = true;
  status: string | undefined;
  refuse = false;
  readonly entries = new Map<string, boolean>();
  readonly setCalls: Parameters<LoginItemApp['setLoginItemSettings']>[0][] = [];

  getAppPath(): string {
    return '/src/kaiwa';
  }
  setLoginItemSettings(settings: Parameters<LoginItemApp['setLoginItemSettings']>[0]): void {
    this.setCalls.push(settings);
    if (this.refuse) return;
    this.entries.set(key(settings), settings.openAtLogin);
  }
  getLoginItemSettings(options: { path?: string; args?: string[] } = {}): { openAtLogin: boolean; status?: string } {
    return { openAtLogin: this.entries.get(key(options)) ?? false, ...(this.status ? { status: this.status } : {}) };
  }
}
const key = (o: { path?: string; args?: string[] }) => JSON.stringify([o.path ?? '', o.args ?? []]);

let home: string;
let xdg: string;
let app: FakeLoginItems;

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'kaiwa-login-'));
  xdg = join(home, 'xdg-config');
  app = new FakeLoginItems();
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

function linux(overrides: Partial<LoginItemDeps> = {}): LoginItemDeps {
  return { app, platform: 'linux', env: { XDG_CONFIG_HOME: xdg }, execPath: '/opt/Kaiwa/kaiwa', homeDir: home, ...overrides };
}

/** key=value lines of the [Desktop Entry] group. */
function entries(text: string): Record<string, string> {
  return Object.fromEntries(
    text.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

describe('Linux: XDG autostart file', () => {
  it('writes $XDG_CONFIG_HOME/autostart/kaiwa.desktop that starts the AppImage hidden', async () => {
    const result = await applyLoginItem(true, linux({ env: { XDG_CONFIG_HOME: xdg, APPIMAGE: '/home/me/Apps/Kaiwa-0.1.0-x86_64.AppImage' } }));
    const file = join(xdg, 'autostart', 'kaiwa.desktop');
    expect(result).toEqual({ ok: true, enabled: true, changed: true, via: 'autostart-file', path: file });
    const text = await readFile(file, 'utf8');
    expect(text.startsWith('[Desktop Entry]\n')).toBe(true);
    expect(entries(text)).toMatchObject({
      Type: 'Application',
      Name: 'Kaiwa',
      Exec: '/home/me/Apps/Kaiwa-0.1.0-x86_64.AppImage --hidden',
      'X-GNOME-Autostart-enabled': 'true',
    });
  });

  it('uses the executable when not run from an AppImage, and the app folder when unpackaged', async () => {
    await applyLoginItem(true, linux());
    const file = autostartFilePath(linux());
    expect(entries(await readFile(file, 'utf8')).Exec).toBe('/opt/Kaiwa/kaiwa --hidden');

    app.isPackaged = false;
    const result = await applyLoginItem(true, linux({ execPath: '/work/node_modules/electron/dist/electron' }));
    expect(result).toMatchObject({ ok: true, changed: true });
    expect(entries(await readFile(file, 'utf8')).Exec).toBe('/work/node_modules/electron/dist/electron /src/kaiwa --hidden');
  });

  it('is idempotent: enabling twice leaves the file alone, disabling twice is a no-op', async () => {
    const first = await applyLoginItem(true, linux());
    const file = join(xdg, 'autostart', 'kaiwa.desktop');
    const before = await stat(file);
    const second = await applyLoginItem(true, linux());
    expect(first).toMatchObject({ ok: true, changed: true });
    expect(second).toMatchObject({ ok: true, changed: false });
    expect((await stat(file)).mtimeMs).toBe(before.mtimeMs);

    expect(await applyLoginItem(false, linux())).toMatchObject({ ok: true, enabled: false, changed: true });
    await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await applyLoginItem(false, linux())).toMatchObject({ ok: true, enabled: false, changed: false });
  });

  it('rewrites an outdated entry (the AppImage moved)', async () => {
    await applyLoginItem(true, linux({ env: { XDG_CONFIG_HOME: xdg, APPIMAGE: '/old/Kaiwa.AppImage' } }));
    const result = await applyLoginItem(true, linux({ env: { XDG_CONFIG_HOME: xdg, APPIMAGE: '/new/Kaiwa.AppImage' } }));
    expect(result).toMatchObject({ ok: true, changed: true });
    expect(entries(await readFile(join(xdg, 'autostart', 'kaiwa.desktop'), 'utf8')).Exec).toBe('/new/Kaiwa.AppImage --hidden');
  });

  it('falls back to ~/.config when XDG_CONFIG_HOME is unset or relative', async () => {
    const expected = join(home, '.config', 'autostart', 'kaiwa.desktop');
    expect(autostartFilePath({ env: {}, homeDir: home })).toBe(expected);
    expect(autostartFilePath({ env: { XDG_CONFIG_HOME: 'relative/config' }, homeDir: home })).toBe(expected);
    await applyLoginItem(true, linux({ env: {} }));
    expect(entries(await readFile(expected, 'utf8')).Exec).toBe('/opt/Kaiwa/kaiwa --hidden');
  });

  it('quotes and escapes paths the way the Desktop Entry Specification asks', async () => {
    await applyLoginItem(true, linux({ env: { XDG_CONFIG_HOME: xdg, APPIMAGE: '/home/me/My Apps/Kaiwa 100%.AppImage' } }));
    expect(entries(await readFile(join(xdg, 'autostart', 'kaiwa.desktop'), 'utf8')).Exec).toBe(
      '"/home/me/My Apps/Kaiwa 100%%.AppImage" --hidden',
    );
    expect(execArgument('/opt/a$b')).toBe('"/opt/a\\\\$b"');
    expect(execArgument('/opt/say "hi"')).toBe('"/opt/say \\\\"hi\\\\""');
    expect(execArgument('/plain/path-1.2_x')).toBe('/plain/path-1.2_x');
  });

  it('reports, never throws, when the autostart folder cannot be made', async () => {
    await mkdir(xdg, { recursive: true });
    await writeFile(join(xdg, 'autostart'), 'a file where the folder should be');
    const result = await applyLoginItem(true, linux());
    expect(result.ok).toBe(false);
    if (!result.ok) expect(englishOf(result.said)).toMatch(/^Could not enable start at login: .*autostart/);
  });

  it('refuses a program path with a line break instead of writing a broken entry', async () => {
    const result = await applyLoginItem(true, linux({ execPath: '/opt/Kaiwa\n[Desktop Entry]/kaiwa' }));
    expect(result).toEqual({ ok: false, said: { key: 'main.login.enableFailed', params: { detail: { key: 'main.login.controlCharacter' } } } });
    if (!result.ok) expect(englishOf(result.said)).toBe('Could not enable start at login: the program path contains a control character');
    await expect(stat(join(xdg, 'autostart', 'kaiwa.desktop'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('macOS and Windows: Electron login items', () => {
  const win = (): LoginItemDeps => ({ app, platform: 'win32', env: {}, execPath: 'C:\\Program Files\\Kaiwa\\Kaiwa.exe', homeDir: home });
  const mac = (): LoginItemDeps => ({ app, platform: 'darwin', env: {}, execPath: '/Applications/Kaiwa.app/Contents/MacOS/Kaiwa', homeDir: home });

  it('Windows: registers the executable with --hidden, once', async () => {
    expect(await applyLoginItem(true, win())).toEqual({ ok: true, enabled: true, changed: true, via: 'login-items' });
    expect(await applyLoginItem(true, win())).toMatchObject({ ok: true, changed: false });
    expect(app.setCalls).toEqual([{ openAtLogin: true, path: 'C:\\Program Files\\Kaiwa\\Kaiwa.exe', args: ['--hidden'] }]);

    expect(await applyLoginItem(false, win())).toMatchObject({ ok: true, enabled: false, changed: true });
    expect(app.getLoginItemSettings({ path: 'C:\\Program Files\\Kaiwa\\Kaiwa.exe', args: ['--hidden'] }).openAtLogin).toBe(false);
  });

  it('macOS: opens hidden at login; does not touch the filesystem', async () => {
    expect(await applyLoginItem(true, mac())).toMatchObject({ ok: true, enabled: true, changed: true });
    expect(app.setCalls).toEqual([{ openAtLogin: true, openAsHidden: true }]);
    await expect(stat(join(home, '.config'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('macOS: says so when the user must approve the login item', async () => {
    app.status = 'requires-approval';
    const result = await applyLoginItem(true, mac());
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(englishOf(result.said)).toMatch(/System Settings > General > Login Items/);
      expect(messageWords(createI18n('ja').t, result.said)).toBe('macOS の許可が必要です：システム設定 > 一般 > ログイン項目 で Kaiwa を許可してください。');
    }
  });

  it('reports a login item the system did not keep, and an API that throws', async () => {
    app.refuse = true;
    expect(await applyLoginItem(true, win())).toEqual({ ok: false, said: { key: 'main.login.notAdded' } });

    app.setLoginItemSettings = () => {
      throw new Error('access denied');
    };
    const thrown = await applyLoginItem(true, mac());
    expect(thrown).toEqual({ ok: false, said: { key: 'main.login.enableFailed', params: { detail: 'access denied' } } });
    if (!thrown.ok) expect(englishOf(thrown.said)).toBe('Could not enable start at login: access denied');
  });
});
