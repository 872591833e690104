import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as mock from '../mocks/electron';
import { tempDir } from '../../harness/temp';
import { NullInput, NullOutput } from '../../src/engine';
import { runKaiwa, type KaiwaApp } from '../../src/main/app';
import type { UpdateStatus } from '../../src/shared/ipc';
import { waitForState } from './fixtures/app-state';
import { appImagePayload, startUpdateFeed, type UpdateFeed } from './fixtures/update-feed';

vi.mock('electron', () => import('../mocks/electron'));

// The whole desktop app (engine, in-process simulator, null audio devices) as an installed
// AppImage, with its updater reading a feed on 127.0.0.1: the tray's item and the window's channels.

let dir: Awaited<ReturnType<typeof tempDir>>;
let feed: UpdateFeed;
let kaiwa: KaiwaApp | undefined;

beforeEach(async () => {
  dir = await tempDir('kaiwa-updates-app-');
  mock.resetElectronMock(dir.file('userData'));
  for (const sub of ['userData', 'resources', 'cache', 'apps']) mkdirSync(dir.file(sub));
  mock.app.isPackaged = true;
  const appImage = dir.file('apps/Kaiwa.AppImage');
  writeFileSync(appImage, appImagePayload(dir.file('apps/ran'), 'old'));
  chmodSync(appImage, 0o755);
  vi.stubEnv('APPIMAGE', appImage);
  feed = await startUpdateFeed({ version: '0.2.0', file: 'Kaiwa-0.2.0.AppImage', payload: appImagePayload(dir.file('apps/ran'), '0.2.0'), notes: 'Fixes.' });
  writeFileSync(dir.file('resources/app-update.yml'), `provider: generic\nurl: ${feed.url}\nupdaterCacheDirName: kaiwa-updater-test\n`);
});

afterEach(async () => {
  await kaiwa?.shutdown();
  kaiwa = undefined;
  await feed.close();
  vi.unstubAllEnvs();
  await dir.cleanup();
});

async function launch(): Promise<KaiwaApp> {
  const started = await runKaiwa({
    argv: ['kaiwa', '--hidden'],
    env: { APPIMAGE: process.env.APPIMAGE },
    log: () => undefined,
    userDataDir: dir.file('userData'),
    devices: () => ({ input: new NullInput(), output: new NullOutput() }),
    updatePaths: { resources: dir.file('resources'), cache: dir.file('cache') },
    updateTiming: { first: 3_600_000, every: 3_600_000 },
  });
  if (!started) throw new Error('did not start');
  kaiwa = started;
  return started;
}

const menu = () => (mock.Tray.instances[0] as mock.Tray).menu as mock.FakeMenu;
const pushed = () => mock.electronMock.sent.filter((m) => m.channel === 'updates:changed').map((m) => m.payload[0] as UpdateStatus);

describe('updates in the desktop app', () => {
  it('"Restart to update" in the tray once ready, greyed during a conversation; the window is told, and asks', async () => {
    const app = await launch();
    const window = app.showMainWindow() as unknown as mock.BrowserWindow;
    window.webContents.finishLoad();
    expect(menu().items.find((i) => i.id === 'update')).toBeUndefined();

    await mock.ipcMain.invoke('updates:check', { webContents: window.webContents });
    expect(menu().item('update')).toMatchObject({ label: 'Restart to update (0.2.0)', enabled: true });
    expect(pushed().at(-1)).toMatchObject({ phase: 'ready', canRestart: true, next: { version: '0.2.0', notes: { any: 'Fixes.' } } });
    const asked = (await mock.ipcMain.invoke('updates:get', { webContents: window.webContents })) as UpdateStatus;
    expect(asked).toEqual(pushed().at(-1));
    // No URL reaches the window.
    expect(JSON.stringify(pushed())).not.toContain('http');

    await app.controller.start();
    await waitForState(app, 'listening');
    expect(menu().item('update').enabled).toBe(false);
    expect(pushed().at(-1)?.canRestart).toBe(false);
    await mock.ipcMain.invoke('updates:restart', { webContents: window.webContents });
    expect(mock.electronMock.quitCalls).toBe(0);

    await app.controller.stop();
    await waitForState(app, 'idle');
    expect(menu().item('update').enabled).toBe(true);
  });

  it('the settings turn it off, and a foreign page cannot ask for a check', async () => {
    const app = await launch();
    const window = app.showMainWindow() as unknown as mock.BrowserWindow;
    window.webContents.finishLoad();
    const result = await mock.ipcMain.invoke('settings:update', { webContents: window.webContents }, { updates: { enabled: false } });
    expect(result).toMatchObject({ ok: true, view: { settings: { updates: { enabled: false, channel: 'stable' } } } });
    expect(app.updates.status.enabled).toBe(false);
    await mock.ipcMain.invoke('updates:check', { webContents: window.webContents });
    expect(feed.requests).toEqual([]);

    const refused = await mock.ipcMain.invoke('settings:update', { webContents: window.webContents }, { updates: { feed: 'http://example.com/feed/' } });
    expect(refused).toMatchObject({ ok: false, problems: [{ path: 'updates.feed', said: { key: 'setting.notFeedUrl' } }] });

    window.webContents.mainFrame.url = 'https://evil.example/';
    await expect(mock.ipcMain.invoke('updates:check', { webContents: window.webContents })).rejects.toThrow(/refused/);
  });
});
