import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as mock from '../mocks/electron';
import { closedPort } from '../../harness/ports';
import { tempDir } from '../../harness/temp';
import { Updates, type UpdatesOptions } from '../../src/main/updates';
import type { UpdateStatus } from '../../src/shared/ipc';
import { appImagePayload, startUpdateFeed, type FeedRelease, type UpdateFeed } from './fixtures/update-feed';

vi.mock('electron', () => import('../mocks/electron'));

// electron-updater runs for real (provider, download, sha512 check, AppImage install on quit);
// its HTTP goes through the `electron` double's `net` (Node's http, 127.0.0.1 only) to a feed this
// test serves.

const NOTES = ['## English', 'Barge-in is faster.', '## 日本語', '割り込みが速くなりました。'].join('\n');

let dir: Awaited<ReturnType<typeof tempDir>>;
let feed: UpdateFeed | undefined;
let updates: Updates | undefined;
let statuses: UpdateStatus[];
let logLines: string[];
let busy: boolean;
let appImage: string;
let marker: string;

beforeEach(async () => {
  dir = await tempDir('kaiwa-updates-');
  mock.resetElectronMock(dir.file('userData'));
  for (const sub of ['userData', 'resources', 'cache', 'apps']) mkdirSync(dir.file(sub));
  statuses = [];
  logLines = [];
  busy = false;
  marker = dir.file('apps/ran');
  appImage = dir.file('apps/Kaiwa.AppImage');
  writeFileSync(appImage, appImagePayload(marker, 'old'));
  chmodSync(appImage, 0o755);
  vi.stubEnv('APPIMAGE', appImage);
});

afterEach(async () => {
  updates?.dispose();
  updates = undefined;
  await feed?.close();
  feed = undefined;
  vi.unstubAllEnvs();
  await dir.cleanup();
});

const release = (overrides: Partial<FeedRelease> = {}): FeedRelease => ({
  version: '0.2.0',
  file: 'Kaiwa-0.2.0-x86_64.AppImage',
  payload: appImagePayload(marker, '0.2.0'),
  notes: NOTES,
  ...overrides,
});

function appUpdateYml(url: string): void {
  writeFileSync(dir.file('resources/app-update.yml'), `provider: generic\nurl: ${url}\nupdaterCacheDirName: kaiwa-updater-test\n`);
}

function makeUpdates(env: Record<string, string | undefined> = { APPIMAGE: appImage }, extra: Partial<UpdatesOptions> = {}): Updates {
  updates = new Updates({
    version: mock.app.getVersion(),
    install: { platform: 'linux', isPackaged: true, env, resourcesPath: dir.file('resources') },
    paths: { resources: dir.file('resources'), cache: dir.file('cache') },
    log: (line) => logLines.push(line),
    busy: () => busy,
    onStatus: (status) => statuses.push(status),
    openExternal: (url) => mock.shell.openExternal(url),
    quit: () => mock.app.quit(),
    // The schedule is the schedule test's; here checks are asked for.
    timing: { first: 3_600_000, every: 3_600_000 },
    ...extra,
  });
  return updates;
}

const failures = () => logLines.filter((l) => l.startsWith('updates: check failed'));
const quitApp = () => mock.app.emit('quit', { preventDefault() {} }, 0);

describe('an AppImage updates itself from the feed', () => {
  it('finds, downloads, verifies, offers, and installs on quit', async () => {
    feed = await startUpdateFeed(release());
    appUpdateYml(feed.url);
    const u = makeUpdates();
    u.apply({ enabled: true, channel: 'stable' });
    await u.check();

    const status = u.status;
    expect(status).toMatchObject({ mode: 'self', enabled: true, phase: 'ready', canRestart: true, next: { version: '0.2.0' } });
    expect(status.next?.notes).toEqual({ en: 'Barge-in is faster.', ja: '割り込みが速くなりました。' });
    expect(status.lastCheck?.problem).toBeUndefined();
    // The window saw it found, downloading, then ready.
    expect(statuses.map((s) => s.phase)).toEqual(expect.arrayContaining(['checking', 'downloading', 'ready']));
    expect(feed.requests.map((r) => r.path)).toEqual(expect.arrayContaining(['/latest-linux.yml', '/Kaiwa-0.2.0-x86_64.AppImage']));
    expect(logLines).toContain('updates: 0.2.0 downloaded, sha512 verified; installed on quit');

    // Nothing is installed before quit; at quit the new image replaces the old and runs once to finish.
    expect(readFileSync(appImage, 'utf8')).toContain('old');
    quitApp();
    expect(readFileSync(appImage)).toEqual(release().payload);
    expect(readFileSync(marker, 'utf8')).toBe('0.2.0 exit-after-install=true silent=true\n');
  });

  it('sends nothing but what the feed request needs', async () => {
    feed = await startUpdateFeed(release());
    appUpdateYml(feed.url);
    const u = makeUpdates();
    u.apply({ enabled: true, channel: 'stable' });
    await u.check();

    expect(feed.requests.length).toBeGreaterThan(0);
    for (const { headers } of feed.requests) {
      expect(headers['x-user-staging-id']).toBeUndefined();
      const sent = Object.keys(headers).filter((h) => !['host', 'connection', 'transfer-encoding', 'content-length'].includes(h));
      for (const name of sent) expect(['accept', 'cache-control', 'range', 'user-agent']).toContain(name);
    }
    // Through Electron's net, in electron-updater's own session (no cookies, no cache shared with the window).
    expect(mock.net.requests.every((r) => (r.session as { partition: string }).partition === 'electron-updater')).toBe(true);
  });

  it('refuses a download whose sha512 does not match latest-linux.yml: one log line, one line in Settings, no dialog', async () => {
    const tampered = release({ lie: Buffer.from('the bytes the feed promised') });
    feed = await startUpdateFeed(tampered);
    appUpdateYml(feed.url);
    const u = makeUpdates();
    u.apply({ enabled: true, channel: 'stable' });
    await u.check();

    expect(u.status).toMatchObject({ phase: 'idle', canRestart: false, lastCheck: { problem: 'hash' } });
    expect(u.status.next).toBeUndefined();
    expect(failures()).toHaveLength(1);
    expect(failures()[0]).toMatch(/^updates: check failed \(hash\): sha512 checksum mismatch/);
    expect(mock.dialog.errorBoxes).toEqual([]);
    expect(mock.Notification.shown).toEqual([]);
    // Nothing to install at quit: the old image stays.
    quitApp();
    expect(readFileSync(appImage, 'utf8')).toContain('old');
    expect(existsSync(marker)).toBe(false);
  });

  it('says the feed is unreachable or down, once, and does not retry by itself', async () => {
    appUpdateYml(`http://127.0.0.1:${await closedPort()}/`);
    const u = makeUpdates();
    u.apply({ enabled: true, channel: 'stable' });
    await u.check();
    expect(u.status.lastCheck?.problem).toBe('network');
    expect(failures()).toEqual([expect.stringMatching(/^updates: check failed \(network\): .*ECONNREFUSED/)]);
    const requests = mock.net.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(mock.net.requests.length).toBe(requests);

    feed = await startUpdateFeed(release());
    feed.failWith = 503;
    u.apply({ enabled: true, channel: 'stable', feed: feed.url });
    await u.check();
    expect(u.status.lastCheck?.problem).toBe('feed');
    expect(failures()).toHaveLength(2);
    expect(failures()[1]).not.toContain('\n');
    expect(mock.dialog.errorBoxes).toEqual([]);
  });

  it('says so when the feed has nothing newer', async () => {
    feed = await startUpdateFeed(release({ version: mock.app.getVersion() }));
    appUpdateYml(feed.url);
    const u = makeUpdates();
    u.apply({ enabled: true, channel: 'stable' });
    await u.check();
    expect(u.status).toMatchObject({ phase: 'idle', lastCheck: {} });
    expect(u.status.lastCheck?.problem).toBeUndefined();
    expect(feed.requests.map((r) => r.path)).toEqual(['/latest-linux.yml']);
  });
});

describe('never in the middle of a conversation', () => {
  it('a check that falls due during a conversation waits for its end', async () => {
    feed = await startUpdateFeed(release());
    appUpdateYml(feed.url);
    busy = true;
    const u = makeUpdates(undefined, { timing: { first: 20, every: 3_600_000 } });
    u.apply({ enabled: true, channel: 'stable' });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(feed.requests).toEqual([]);

    busy = false;
    u.busyChanged();
    await vi.waitFor(() => expect(u.status.phase).toBe('ready'), { timeout: 5_000 });
  });

  it('"Restart to update" waits until the conversation ends', async () => {
    feed = await startUpdateFeed(release());
    appUpdateYml(feed.url);
    const u = makeUpdates();
    u.apply({ enabled: true, channel: 'stable' });
    await u.check();
    busy = true;
    u.busyChanged();
    expect(u.status.canRestart).toBe(false);
    expect(u.restart()).toBe(false);
    expect(mock.electronMock.quitCalls).toBe(0);
    expect(readFileSync(appImage, 'utf8')).toContain('old');

    busy = false;
    u.busyChanged();
    expect(u.status.canRestart).toBe(true);
    expect(u.restart()).toBe(true);
    expect(mock.electronMock.quitCalls).toBe(1);
    expect(readFileSync(appImage)).toEqual(release().payload);
    // The new version is started (detached); it notes that it ran.
    await vi.waitFor(() => expect(readFileSync(marker, 'utf8')).toContain('0.2.0'), { timeout: 5_000 });
  });
});

describe('the settings', () => {
  it('turned off: no check, and nothing installs at quit', async () => {
    feed = await startUpdateFeed(release());
    appUpdateYml(feed.url);
    const u = makeUpdates();
    u.apply({ enabled: false, channel: 'stable' });
    await u.check();
    expect(feed.requests).toEqual([]);
    expect(u.status).toMatchObject({ enabled: false, phase: 'idle' });
  });

  it('the beta channel reads beta-linux.yml; a self-hosted feed replaces app-update.yml\'s', async () => {
    feed = await startUpdateFeed(release({ version: '0.3.0-beta.1', channel: 'beta' }));
    // The built-in provider (GitHub) cannot be reached from a test: the double refuses it.
    writeFileSync(dir.file('resources/app-update.yml'), 'provider: github\nowner: kaiwa-app\nrepo: kaiwa\nupdaterCacheDirName: kaiwa-updater-test\n');
    const u = makeUpdates();
    u.apply({ enabled: true, channel: 'stable' });
    await u.check();
    expect(mock.net.requests[0]?.url).toMatch(/^https:\/\/github\.com\/kaiwa-app\/kaiwa\/releases/);
    expect(u.status.lastCheck?.problem).toBe('network');

    u.apply({ enabled: true, channel: 'beta', feed: feed.url });
    await u.check();
    expect(feed.requests[0]?.path).toBe('/beta-linux.yml');
    expect(u.status).toMatchObject({ phase: 'ready', next: { version: '0.3.0-beta.1' } });
  });
});

describe('a .deb install is only told', () => {
  it('says a new version is there, downloads nothing, and main opens its link', async () => {
    feed = await startUpdateFeed(release({ file: 'kaiwa_0.2.0_amd64.deb', payload: Buffer.from('a deb') }));
    appUpdateYml(feed.url);
    writeFileSync(dir.file('resources/package-type'), 'deb');
    vi.stubEnv('APPIMAGE', undefined);
    const u = makeUpdates({});
    u.apply({ enabled: true, channel: 'stable' });
    await u.check();

    expect(u.status).toMatchObject({ mode: 'notify', phase: 'available', canRestart: false, next: { version: '0.2.0' } });
    expect(feed.requests.map((r) => r.path)).toEqual(['/latest-linux.yml']);
    expect(u.restart()).toBe(false);
    expect(await u.openDownload()).toBe(true);
    expect(mock.shell.opened).toEqual([`${feed.url}kaiwa_0.2.0_amd64.deb`]);
  });

  it('a development run has no updater at all', async () => {
    const u = new Updates({
      version: '0.1.0',
      install: { platform: 'linux', isPackaged: false, env: {}, resourcesPath: dir.file('resources') },
      paths: { resources: dir.file('resources'), cache: dir.file('cache') },
      log: (line) => logLines.push(line),
      busy: () => false,
      onStatus: () => undefined,
      openExternal: () => Promise.resolve(),
      quit: () => undefined,
    });
    u.apply({ enabled: true, channel: 'stable' });
    await u.check();
    expect(u.status).toMatchObject({ mode: 'none', enabled: false });
    expect(mock.net.requests).toEqual([]);
    u.dispose();
  });
});
