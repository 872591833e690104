// electron-builder afterPack hook: the packaged audio addon must find PortAudio next to itself.
//
// node-gyp links naudiodon.node with an absolute RUNPATH (the build machine's node_modules). An app
// packaged that way works on the machine that built it and fails everywhere else, so on Linux the
// packaged copy's RUNPATH is checked and, if it is not `$ORIGIN`, rewritten with patchelf (Debian
// package `patchelf`). The copy is patched through a temporary file, so a hard link back into
// node_modules is never modified.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, renameSync } from 'node:fs';
import path from 'node:path';

const ORIGIN = '$ORIGIN';

export function addonDir(appOutDir) {
  return path.join(appOutDir, 'resources', 'app.asar.unpacked', 'node_modules', 'naudiodon2', 'build', 'Release');
}

function patchelf(args) {
  try {
    return execFileSync('patchelf', args, { encoding: 'utf8' }).trim();
  } catch (error) {
    if (error.code === 'ENOENT') throw new Error('patchelf is needed to package Kaiwa on Linux (apt-get install patchelf)');
    throw error;
  }
}

/** Makes the packaged addon load libportaudio.so.2 from its own folder; returns what it did. */
export function relocateAddon(appOutDir) {
  const dir = addonDir(appOutDir);
  const addon = path.join(dir, 'naudiodon.node');
  for (const file of [addon, path.join(dir, 'libportaudio.so.2')]) {
    if (!existsSync(file)) throw new Error(`packaged app lacks ${file}: check asarUnpack and files in electron-builder.yml`);
  }
  const before = patchelf(['--print-rpath', addon]);
  if (before === ORIGIN) return { addon, before, changed: false };
  const scratch = `${addon}.relocating`;
  copyFileSync(addon, scratch);
  patchelf(['--set-rpath', ORIGIN, scratch]);
  renameSync(scratch, addon);
  return { addon, before, changed: true };
}

export default async function afterPack(context) {
  if (context.electronPlatformName !== 'linux') return;
  const { addon, before, changed } = relocateAddon(context.appOutDir);
  if (changed) console.log(`  • kaiwa: RUNPATH of ${path.basename(addon)} set to ${ORIGIN} (was ${before || 'empty'})`);
}
