import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INVOKE_CHANNELS } from '../../src/shared/ipc';
import { DEFAULT_SETTINGS } from '../../src/engine/settings';

// The built app (electron-vite build), not the sources: the bundle's imports, its CommonJS preload
// and the paths it computes at run time must hold up. Built into test-artifacts/ (inside the
// project so the externalised dependencies resolve; out/ may be rebuilt by others meanwhile).

const run = promisify(execFile);
const root = join(__dirname, '..', '..');
const outDir = join(root, 'test-artifacts', 'main-bundle');
let userData: string;

beforeAll(async () => {
  userData = mkdtempSync(join(tmpdir(), 'kaiwa-bundle-'));
  await run(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build', '--outDir', outDir, '--logLevel', 'warn'], {
    cwd: root,
    maxBuffer: 1 << 24,
  });
}, 180_000);

afterAll(() => {
  rmSync(userData, { recursive: true, force: true });
  rmSync(outDir, { recursive: true, force: true });
});

describe('the built app', () => {
  it('main starts against the electron test double and finds its preload, page and icons', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', join(__dirname, 'fixtures', 'run-bundle.ts'), join(outDir, 'main', 'index.js'), userData], {
      cwd: root,
      timeout: 60_000,
    });
    const result = JSON.parse(stdout.trim().split('\n').at(-1) as string);
    expect(result).toMatchObject({
      handlers: INVOKE_CHANNELS.length,
      trays: 1,
      // The default global shortcuts: talk, interrupt, and look at this (the media key is off by default).
      shortcuts: [DEFAULT_SETTINGS.hotkeys.talk, DEFAULT_SETTINGS.hotkeys.interrupt, DEFAULT_SETTINGS.hotkeys.look],
      preload: join(outDir, 'preload', 'index.cjs'),
      preloadExists: true,
      page: join(outDir, 'renderer', 'index.html'),
      pageExists: true,
    });
    expect(result.trayIcon).toMatch(/assets[/\\]tray-idle\.png$/);
  });

  it.each([
    ['index.cjs', 'exposeInMainWorld'],
    ['decoder.cjs', 'decodeAudioData'],
  ])('the preload %s is a CommonJS script that needs nothing but electron (sandbox rules)', (file, marker) => {
    const preload = readFileSync(join(outDir, 'preload', file), 'utf8');
    expect(preload).not.toMatch(/^\s*(import|export)\s/m);
    const required = [...preload.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
    expect(required).toEqual(['electron']);
    expect(preload).toContain(marker);
  });
});
