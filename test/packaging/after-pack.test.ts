import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import afterPack, { addonDir, relocateAddon } from '../../scripts/dist-after-pack.mjs';

/** The afterPack hook on a real copy of the addon, linked the way node-gyp links it unpatched. */

const release = fileURLToPath(new URL('../../node_modules/naudiodon2/build/Release/', import.meta.url));
const runpath = (file: string) => execFileSync('patchelf', ['--print-rpath', file], { encoding: 'utf8' }).trim();

let appOutDir: string;
let addon: string;

beforeEach(async () => {
  appOutDir = await mkdtemp(join(tmpdir(), 'kaiwa-afterpack-'));
  const dir = addonDir(appOutDir);
  await mkdir(dir, { recursive: true });
  addon = join(dir, 'naudiodon.node');
  await copyFile(join(release, 'naudiodon.node'), addon);
  await copyFile(join(release, 'libportaudio.so.2'), join(dir, 'libportaudio.so.2'));
});
afterEach(async () => {
  await rm(appOutDir, { recursive: true, force: true });
});

describe('scripts/dist-after-pack.mjs', () => {
  it('rewrites an absolute RUNPATH to $ORIGIN', async () => {
    execFileSync('patchelf', ['--set-rpath', '/home/builder/kaiwa/node_modules/naudiodon2/build/Release', addon]);
    expect(relocateAddon(appOutDir)).toEqual({ addon, before: '/home/builder/kaiwa/node_modules/naudiodon2/build/Release', changed: true });
    expect(runpath(addon)).toBe('$ORIGIN');
  });

  it('leaves an addon that already uses $ORIGIN untouched', async () => {
    execFileSync('patchelf', ['--set-rpath', '$ORIGIN', addon]);
    const before = await stat(addon);
    expect(relocateAddon(appOutDir)).toMatchObject({ changed: false });
    expect((await stat(addon)).mtimeMs).toBe(before.mtimeMs);
  });

  it('runs for Linux only, and fails the build when the addon was not unpacked', async () => {
    await rm(addon);
    await expect(afterPack({ electronPlatformName: 'darwin', appOutDir })).resolves.toBeUndefined();
    await expect(afterPack({ electronPlatformName: 'linux', appOutDir })).rejects.toThrow(/lacks .*naudiodon\.node: check asarUnpack/);
  });
});
