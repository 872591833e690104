import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLaunchArgs } from '../../src/main/argv';
import { autostartEntry, type LoginItemApp } from '../../src/main/login-item';

/**
 * The Linux desktop entries Kaiwa ships, checked with desktop-file-validate (Debian
 * desktop-file-utils): the menu entry electron-builder writes into the .deb and the AppImage from
 * electron-builder.yml (rendered by electron-builder's own LinuxTargetHelper), and the autostart
 * entry of "start at login".
 */

const run = promisify(execFile);
const root = new URL('../../', import.meta.url);
const config = parseYaml(await readFile(new URL('electron-builder.yml', root), 'utf8')) as {
  productName: string;
  extraMetadata: { desktopName: string };
  linux: { executableName: string; desktop: { desktopActions: Record<string, { Exec: string }> } } & Record<string, unknown>;
};
const { LinuxTargetHelper } = createRequire(import.meta.url)('app-builder-lib/out/targets/LinuxTargetHelper') as {
  LinuxTargetHelper: new (packager: unknown) => { computeDesktopEntry(options: unknown): Promise<string> };
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kaiwa-desktop-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function validate(name: string, text: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, text);
  const { stdout, stderr } = await run('desktop-file-validate', [file]).catch((error: { stdout: string; stderr: string }) => error);
  return `${stdout}${stderr}`.trim();
}

/** key=value lines of one group of a desktop file. */
function group(text: string, name: string): Record<string, string> {
  const body = text.split(/^\[/m).find((g) => g.startsWith(`${name}]`)) ?? '';
  return Object.fromEntries(
    body.split('\n').slice(1).filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

describe('menu entry of the .deb and the AppImage', () => {
  const packager = {
    platformSpecificBuildOptions: config.linux,
    config,
    executableName: config.linux.executableName,
    fileAssociations: [],
    info: { metadata: { desktopName: config.extraMetadata.desktopName } },
    appInfo: { productName: config.productName, sanitizedProductName: config.productName, description: '' },
  };

  it('is a valid desktop entry that matches the window (StartupWMClass) and the installed executable', async () => {
    const text = await new LinuxTargetHelper(packager).computeDesktopEntry(config.linux);
    expect(await validate('kaiwa.desktop', text)).toBe('');
    const entry = group(text, 'Desktop Entry');
    expect(entry).toMatchObject({ Name: 'Kaiwa', Exec: '/opt/Kaiwa/kaiwa %U', Icon: 'kaiwa', StartupWMClass: 'kaiwa' });
    expect(entry.Categories).toBe('Utility;');
  });

  it('offers the toggle and interrupt actions with flags the app understands', async () => {
    const text = await new LinuxTargetHelper(packager).computeDesktopEntry(config.linux);
    expect(group(text, 'Desktop Entry').Actions).toBe('toggle;interrupt;');
    for (const action of ['toggle', 'interrupt'] as const) {
      const argv = group(text, `Desktop Action ${action}`).Exec?.split(' ') ?? [];
      expect(argv[0]).toBe('/opt/Kaiwa/kaiwa');
      expect(parseLaunchArgs(argv)).toEqual({ actions: [action], showWindow: false });
    }
  });
});

describe('autostart entry ("start at login")', () => {
  const app: LoginItemApp = {
    isPackaged: true,
    getAppPath: () => '/opt/Kaiwa/resources/app.asar',
    setLoginItemSettings: () => undefined,
    getLoginItemSettings: () => ({ openAtLogin: false }),
  };

  it('is a valid desktop entry, also for an AppImage path that needs quoting', async () => {
    const plain = autostartEntry({ app, platform: 'linux', env: {}, execPath: '/opt/Kaiwa/kaiwa', homeDir: dir });
    expect(await validate('kaiwa-autostart.desktop', plain)).toBe('');
    const quoted = autostartEntry({ app, platform: 'linux', env: { APPIMAGE: '/home/me/My Apps/Kaiwa 100%.AppImage' }, execPath: '/tmp/.mount/kaiwa', homeDir: dir });
    expect(await validate('kaiwa-autostart-appimage.desktop', quoted)).toBe('');
    expect(parseLaunchArgs(['/opt/Kaiwa/kaiwa', '--hidden']).showWindow).toBe(false);
    expect(group(plain, 'Desktop Entry').Exec).toBe('/opt/Kaiwa/kaiwa --hidden');
  });
});
