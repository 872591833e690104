#!/usr/bin/env node
// Runs after `patch-package` (package.json postinstall). naudiodon2 compiles itself at install, before
// our patch (patches/naudiodon2+*.patch) touches its C++: rebuild it when a patched source is newer
// than the addon. Then make sure the addon finds the libportaudio.so.2 copied next to it through a
// `$ORIGIN` runpath (the patched binding.gyp links it so; patchelf repairs an addon built without
// the patch), so it still loads once electron-builder unpacks it somewhere else.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
let root;
try {
  root = dirname(require.resolve('naudiodon2/package.json'));
} catch {
  console.log('native-audio: naudiodon2 is not installed; nothing to do');
  process.exit(0);
}
const release = join(root, 'build', 'Release');
const addon = join(release, 'naudiodon.node');

const newestSource = Math.max(
  ...['binding.gyp', ...readdirSync(join(root, 'src')).map((f) => join('src', f))].map(
    (f) => statSync(join(root, f)).mtimeMs,
  ),
);
if (!existsSync(addon) || statSync(addon).mtimeMs < newestSource) {
  console.log('native-audio: rebuilding naudiodon2 with the patched sources');
  execFileSync('npm', ['rebuild', 'naudiodon2', '--foreground-scripts'], {
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
}

if (process.platform === 'linux') {
  const dynamic = execFileSync('readelf', ['-d', addon], { encoding: 'utf8' });
  const runpath = /\((?:RUNPATH|RPATH)\)\s+Library r(?:un)?path: \[([^\]]*)\]/.exec(dynamic)?.[1];
  if (runpath !== '$ORIGIN') {
    execFileSync('patchelf', ['--set-rpath', '$ORIGIN', addon], { stdio: 'inherit' });
  }
  if (!existsSync(join(release, 'libportaudio.so.2'))) {
    throw new Error(`native-audio: ${release}/libportaudio.so.2 is missing (naudiodon2 copies it at build)`);
  }
  console.log(`native-audio: ${addon} runpath $ORIGIN (was ${runpath ?? 'none'})`);
}
