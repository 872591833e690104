import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { extractFile, listPackage, statFile } from '@electron/asar';
import { getCurrentFuseWire } from '@electron/fuses';
import { SENTINEL } from '@electron/fuses/dist/constants';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseJs } from 'acorn';

/**
 * Packages the real project with electron-builder `--dir` (Linux, this machine's architecture) and
 * checks the layout. The Electron binary cannot be downloaded here, so `electronDist` points at a
 * stand-in of an unpacked Electron distribution: electron-builder copies that folder, renames
 * `electron` to the executable name, moves LICENSE and adds `resources/` content; it never runs
 * the binary for a Linux `--dir` build. The project is built with electron-vite into a temp
 * folder (not out/, which other work may be rebuilding), and everything else comes from the
 * real electron-builder.yml with only what this sandbox needs overridden.
 */

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = (name: string) => join(root, 'node_modules', '.bin', name);
const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as {
  main: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const realConfig = parseYaml(await readFile(join(root, 'electron-builder.yml'), 'utf8')) as Record<string, unknown> & {
  files: (string | object)[];
  linux: { executableName: string };
  publish: Array<Record<string, unknown>>;
};

const ADDON_DIR = 'resources/app.asar.unpacked/node_modules/naudiodon2/build/Release';
/** The keyboard hook (hold-to-talk): uiohook-napi's prebuilt addon for this platform, unpacked. */
const HOOK_DIR = 'resources/app.asar.unpacked/node_modules/uiohook-napi';
const HOOK_PREBUILD = `prebuilds/${process.platform}-${process.arch}/uiohook-napi.node`;
/** Pictures: sharp's prebuilt N-API addon for this platform and the libvips it links through $ORIGIN. */
const SHARP_DIR = `resources/app.asar.unpacked/node_modules/@img/sharp-${process.platform}-${process.arch}`;
/** What the real config packs from out/; the test packs the same three builds from its temp folder. */
const OUT_PATTERNS = ['out/main/**', 'out/preload/**', 'out/renderer/**'];
/** Dependencies the config leaves out on purpose (see the comments in electron-builder.yml). */
const EXCLUDED = ['segfault-handler', 'nan', 'tsx', 'esbuild', 'openai', 'react', 'react-dom', 'scheduler'];

let work: string;
let appOutDir: string;
let asarPath: string;
let asarFiles: string[];
const timings: Record<string, number> = {};

async function timed<T>(label: string, task: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await task();
  } finally {
    timings[label] = Math.round(performance.now() - started);
  }
}

/**
 * Electron's fuse wire as a real Electron 45 binary ships it: the sentinel, wire version 1, eight
 * fuses ('1' on, '0' off) in FuseV1Options order: RunAsNode, EnableCookieEncryption,
 * EnableNodeOptionsEnvironmentVariable, EnableNodeCliInspectArguments,
 * EnableEmbeddedAsarIntegrityValidation, OnlyLoadAppFromAsar, LoadBrowserProcessSpecificV8Snapshot,
 * GrantFileProtocolExtraPrivileges.
 */
const ELECTRON_DEFAULT_FUSES = '10110001';

/**
 * The smallest folder electron-builder accepts as an unpacked Electron for Linux. The `electron`
 * stub carries a fuse wire, so the config's electronFuses are really flipped and can be read back.
 */
async function electronStandIn(dir: string): Promise<void> {
  await mkdir(join(dir, 'resources'), { recursive: true });
  const wire = `${SENTINEL}\x01\x08${ELECTRON_DEFAULT_FUSES}`;
  await writeFile(join(dir, 'electron'), `#!/bin/sh\necho "stand-in for the Electron binary" >&2\nexit 1\n# ${wire}\n`, 'latin1');
  await chmod(join(dir, 'electron'), 0o755);
  await writeFile(join(dir, 'LICENSE'), 'Electron stand-in license\n');
  await writeFile(join(dir, 'LICENSES.chromium.html'), '<html><body>stand-in</body></html>\n');
  const electronVersion = JSON.parse(await readFile(join(root, 'node_modules/electron/package.json'), 'utf8')).version as string;
  await writeFile(join(dir, 'version'), electronVersion);
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)));
}

/** Packages under node_modules/ of a path list: "ws", "@scope/name". */
function packagesIn(paths: string[]): Set<string> {
  const names = new Set<string>();
  for (const p of paths) {
    const m = /^\/?node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(p);
    if (m?.[1]) names.add(m[1]);
  }
  return names;
}

/** What a built file loads: static and dynamic imports, re-exports, require() of a literal. */
function moduleSpecifiers(code: string): string[] {
  const found: string[] = [];
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(visit);
    const n = node as { type?: string; source?: { value?: unknown }; callee?: { type: string; name?: string }; arguments?: { type: string; value?: unknown }[] };
    if ((n.type === 'ImportDeclaration' || n.type === 'ImportExpression' || n.type === 'ExportAllDeclaration' || n.type === 'ExportNamedDeclaration') && typeof n.source?.value === 'string') {
      found.push(n.source.value);
    }
    const first = n.arguments?.[0];
    if (n.type === 'CallExpression' && n.callee?.type === 'Identifier' && n.callee.name === 'require' && first?.type === 'Literal' && typeof first.value === 'string') {
      found.push(first.value);
    }
    for (const value of Object.values(node)) if (value && typeof value === 'object') visit(value);
  };
  visit(parseJs(code, { ecmaVersion: 'latest', sourceType: 'module', allowHashBang: true }));
  return found;
}

/** The installed sharp's version: its prebuilt addon's file name carries it. */
function sharpVersion(): string {
  return (JSON.parse(readFileSync(join(root, 'node_modules', 'sharp', 'package.json'), 'utf8')) as { version: string }).version;
}

function readelf(args: string[], file: string): string {
  return execFileSync('readelf', [...args, file], { encoding: 'utf8' });
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'kaiwa-dist-'));
  const outDir = join(work, 'out');
  const electronDist = join(work, 'electron-dist');
  const output = join(work, 'release');
  await electronStandIn(electronDist);

  await timed('electron-vite build', () => run(bin('electron-vite'), ['build', '--outDir', outDir, '--logLevel', 'warn'], { cwd: root, maxBuffer: 1 << 24 }));

  const electronVersion = (await readFile(join(electronDist, 'version'), 'utf8')).trim();
  const config = {
    ...realConfig,
    // The built app comes from the temp folder; every other pattern is the real one.
    files: [{ from: outDir, to: 'out' }, ...realConfig.files.filter((f) => !OUT_PATTERNS.includes(f as string))],
    directories: { ...(realConfig.directories as object), output },
    electronDist,
    electronVersion,
    // No Electron headers offline; the real config has it off too (naudiodon2 is N-API, asserted below).
    npmRebuild: false,
    compression: 'store',
  };
  const configFile = join(work, 'electron-builder.json');
  await writeFile(configFile, JSON.stringify(config, null, 2));
  const arch = process.arch === 'arm64' ? '--arm64' : '--x64';
  await timed('electron-builder --dir', () =>
    run(bin('electron-builder'), ['--linux', 'dir', arch, '--config', configFile, '--projectDir', root, '--publish', 'never'], {
      cwd: root,
      maxBuffer: 1 << 24,
      env: { ...process.env, CI: '1' },
    }),
  );

  appOutDir = join(output, process.arch === 'arm64' ? 'linux-arm64-unpacked' : 'linux-unpacked');
  asarPath = join(appOutDir, 'resources', 'app.asar');
  asarFiles = listPackage(asarPath, { isPack: false });
}, 300_000);

afterAll(async () => {
  if (Object.keys(timings).length) console.log('packaging timings (ms):', JSON.stringify(timings));
  if (asarPath) console.log(`app.asar: ${((await stat(asarPath)).size / 1e6).toFixed(1)} MB, ${asarFiles.length} entries`);
  if (work && !process.env.KAIWA_KEEP_DIST) await rm(work, { recursive: true, force: true });
});

describe('electron-builder --dir (linux)', () => {
  it('lays out the Electron distribution with our executable name and licenses', async () => {
    const top = await readdir(appOutDir);
    expect(top).toEqual(expect.arrayContaining([realConfig.linux.executableName, 'resources', 'LICENSE.electron.txt', 'LICENSES.chromium.html']));
    expect(top).not.toContain('electron');
    expect((await stat(join(appOutDir, realConfig.linux.executableName))).mode & 0o111).not.toBe(0);
  });

  it('packs exactly the three builds from out/ in the real config', () => {
    expect(realConfig.files.filter((f) => typeof f === 'string' && f.startsWith('out/'))).toEqual(OUT_PATTERNS);
  });

  it('flips the Electron fuses the config asks for', async () => {
    const wire = await getCurrentFuseWire(join(appOutDir, realConfig.linux.executableName));
    const state = (i: number) => String.fromCharCode(wire[i as keyof typeof wire] as number);
    expect(wire.version).toBe('1');
    // From the default 10110001: RunAsNode, NODE_OPTIONS and --inspect off; only app.asar on.
    expect([0, 1, 2, 3, 4, 5, 6, 7].map(state).join('')).toBe('00000101');
  });

  it('puts the built main, preload and renderer in app.asar, and nothing of the sources', async () => {
    const built = await filesUnder(join(work, 'out'));
    for (const part of ['main', 'preload', 'renderer']) expect(built.some((f) => f.startsWith(`${part}/`)), part).toBe(true);
    for (const file of built) expect(asarFiles).toContain(`/out/${file}`);
    expect(asarFiles).toContain('/out/renderer/index.html');

    const packaged = JSON.parse(extractFile(asarPath, 'package.json').toString('utf8')) as { main: string; desktopName?: string };
    expect(asarFiles).toContain(`/${packaged.main}`);
    expect(packaged.desktopName).toBe('kaiwa.desktop');

    const topLevel = new Set(asarFiles.map((f) => f.split('/')[1]));
    expect([...topLevel].sort()).toEqual(['node_modules', 'out', 'package.json']);
  });

  it('ships production dependencies only: no devDependencies, no excluded packages', () => {
    const unpacked = asarFiles.filter((f) => f.startsWith('/node_modules/'));
    const shipped = packagesIn(unpacked);
    for (const dev of Object.keys(pkg.devDependencies)) expect(shipped.has(dev), `devDependency ${dev} in the asar`).toBe(false);
    for (const name of EXCLUDED) expect(shipped.has(name), `${name} in the asar`).toBe(false);
    expect(shipped.has('vitest')).toBe(false);
    for (const dep of Object.keys(pkg.dependencies).filter((d) => !EXCLUDED.includes(d))) {
      expect(shipped.has(dep), `dependency ${dep} missing`).toBe(true);
    }
    // The local VAD reads its WebAssembly by package path (engine/audio/vad/webrtc-vad.ts).
    expect(asarFiles).toContain('/node_modules/@echogarden/fvad-wasm/fvad.wasm');
  });

  it('can resolve every package the built main and preload import', async () => {
    const shipped = packagesIn(asarFiles);
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`), 'electron']);
    const missing: string[] = [];
    let checked = 0;
    for (const part of ['main', 'preload']) {
      for (const file of await filesUnder(join(work, 'out', part))) {
        if (!/\.[cm]?js$/.test(file)) continue;
        const code = await readFile(join(work, 'out', part, file), 'utf8');
        for (const spec of moduleSpecifiers(code)) {
          checked++;
          if (spec.startsWith('.') || builtins.has(spec) || builtins.has(spec.split('/')[0]!)) continue;
          const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
          if (!shipped.has(name)) missing.push(`${part}/${file}: ${spec}`);
        }
      }
    }
    expect(checked).toBeGreaterThan(0);
    expect(missing).toEqual([]);
  });

  it('unpacks the audio addon and PortAudio next to it, outside the asar', async () => {
    const onDisk = await readdir(join(appOutDir, ADDON_DIR));
    expect(onDisk).toEqual(expect.arrayContaining(['naudiodon.node', 'libportaudio.so.2']));
    // Build leftovers and other platforms' PortAudio builds stay out.
    const unpacked = await filesUnder(join(appOutDir, 'resources', 'app.asar.unpacked'));
    expect(unpacked.filter((f) => /obj\.target|\.deps\/|portaudio\/bin|\.dll$|\.dylib$/.test(f))).toEqual([]);
  });

  it('links the addon to PortAudio through $ORIGIN, with no absolute path left', () => {
    const dynamic = readelf(['-d', '-W'], join(appOutDir, ADDON_DIR, 'naudiodon.node'));
    expect(dynamic).toMatch(/\(NEEDED\)\s+Shared library: \[libportaudio\.so\.2\]/);
    const paths = [...dynamic.matchAll(/\((RUNPATH|RPATH)\)\s+Library r(?:un)?path: \[([^\]]*)\]/g)].map((m) => `${m[1]}=${m[2]}`);
    expect(paths).toEqual(['RUNPATH=$ORIGIN']);
  });

  it('loads the packaged addon in Node with the PortAudio beside it, not the system one', async () => {
    const addon = join(appOutDir, ADDON_DIR, 'naudiodon.node');
    const probe = `
      const binding = require(${JSON.stringify(addon)});
      const maps = require('fs').readFileSync('/proc/self/maps', 'utf8');
      const portaudio = [...new Set(maps.split('\\n').filter((l) => l.includes('libportaudio')).map((l) => l.slice(l.indexOf('/'))))];
      const apis = binding.getHostAPIs();
      const functions = ['getDevices', 'getHostAPIs'].filter((name) => typeof binding[name] === 'function');
      process.stdout.write(JSON.stringify({ functions, portaudio, hostApis: apis.HostAPIs.length }));`;
    const { stdout } = await run(process.execPath, ['-e', probe], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR },
      timeout: 20_000,
    });
    const result = JSON.parse(stdout) as { functions: string[]; portaudio: string[]; hostApis: number };
    expect(result.functions).toEqual(['getDevices', 'getHostAPIs']);
    expect(result.portaudio).toEqual([join(appOutDir, ADDON_DIR, 'libportaudio.so.2')]);
    expect(result.hostApis).toBeGreaterThan(0);
  });

  it('unpacks the keyboard hook’s prebuild for this platform only, and none of its sources', async () => {
    // electron-builder unpacks a package with native code whole (the hook's JS comes along).
    const unpacked = await filesUnder(join(appOutDir, HOOK_DIR));
    expect(unpacked).toContain(HOOK_PREBUILD);
    expect(unpacked.filter((f) => f.endsWith('.node') || /^(libuiohook|src)\/|binding\.gyp$/.test(f))).toEqual([HOOK_PREBUILD]);
    const hookFiles = asarFiles.filter((f) => f.startsWith('/node_modules/uiohook-napi/'));
    expect(hookFiles).toEqual(expect.arrayContaining(['/node_modules/uiohook-napi/package.json', '/node_modules/uiohook-napi/dist/index.js', `/node_modules/uiohook-napi/${HOOK_PREBUILD}`]));
    expect(hookFiles.filter((f) => /\/(libuiohook|src)\/|binding\.gyp$/.test(f) || (f.includes('/prebuilds/') && !f.includes(`/prebuilds/${process.platform}-${process.arch}`)))).toEqual([]);
    // Its loader, which the hook's index.js requires at run time.
    expect(asarFiles).toContain('/node_modules/node-gyp-build/index.js');
  });

  it('finds the packaged keyboard hook the way node-gyp-build does at run time, and loads it in Node', async () => {
    const dir = join(appOutDir, HOOK_DIR);
    const probe = `
      const file = require(${JSON.stringify(join(root, 'node_modules', 'node-gyp-build'))}).path(${JSON.stringify(dir)});
      const addon = require(file);
      process.stdout.write(JSON.stringify({ file, functions: ['start', 'stop', 'keyTap'].filter((name) => typeof addon[name] === 'function') }));`;
    // Loading does not start the hook (that needs an X server; see test/main/key-hook.test.ts). Without
    // a display, libuiohook's unload handler makes the process exit 1 at its very end: that is all.
    const { stdout, stderr } = await run(process.execPath, ['-e', probe], { env: { PATH: process.env.PATH }, timeout: 20_000 }).catch(
      (error: { code: number; stdout: string; stderr: string }) => {
        expect(error.code).toBe(1);
        return error;
      },
    );
    expect(JSON.parse(stdout), stderr).toEqual({ file: join(dir, HOOK_PREBUILD), functions: ['start', 'stop', 'keyTap'] });
  });

  it('ships only N-API native code, so npmRebuild can stay off for any Electron version', async () => {
    // Native code packed inside the asar could not be loaded at all: the header must mark it unpacked.
    for (const inAsar of asarFiles.filter((f) => f.endsWith('.node'))) {
      expect(statFile(asarPath, inAsar.slice(1), false), inAsar).toMatchObject({ unpacked: true });
    }
    const natives = (await filesUnder(join(appOutDir, 'resources'))).filter((f) => f.endsWith('.node'));
    // Pictures (sharp), WebRTC's audio processing (echo cancellation) from LiveKit's per-platform
    // package, the audio addon, and the keyboard hook.
    expect(natives.sort()).toEqual([
      `app.asar.unpacked/node_modules/@img/sharp-${process.platform}-${process.arch}/lib/sharp-${process.platform}-${process.arch}-${sharpVersion()}.node`,
      `app.asar.unpacked/node_modules/@livekit/rtc-ffi-bindings-${process.platform}-${process.arch}-gnu/rtc-node.${process.platform}-${process.arch}-gnu.node`,
      'app.asar.unpacked/node_modules/naudiodon2/build/Release/naudiodon.node',
      `app.asar.unpacked/node_modules/uiohook-napi/${HOOK_PREBUILD}`,
    ]);
    for (const file of natives) {
      const symbols = readelf(['--dyn-syms', '-W'], join(appOutDir, 'resources', file));
      const undefinedSymbols = symbols.split('\n').filter((l) => /\sUND\s/.test(l));
      expect(undefinedSymbols.some((l) => /\bnapi_/.test(l)), `${file} uses N-API`).toBe(true);
      // V8 and node:: symbols tie a module to one Node/Electron ABI (NAN, raw V8).
      expect(undefinedSymbols.filter((l) => /_ZN2v8|_ZN4node/.test(l)), `${file} uses V8/node ABI directly`).toEqual([]);
    }
  });

  it('unpacks sharp with its libvips and loads it from the packaged app in Node: a picture is downscaled to JPEG', async () => {
    const sharpEntry = join(appOutDir, 'resources', 'app.asar.unpacked', 'node_modules', '@img', `sharp-${process.platform}-${process.arch}`, 'lib', `sharp-${process.platform}-${process.arch}-${sharpVersion()}.node`);
    const probe = `
      const addon = require(${JSON.stringify(sharpEntry)});
      const maps = require('fs').readFileSync('/proc/self/maps', 'utf8');
      const vips = [...new Set(maps.split('\\n').filter((l) => l.includes('libvips-cpp')).map((l) => l.slice(l.indexOf('/'))))];
      process.stdout.write(JSON.stringify({ vips, version: typeof addon.libvipsVersion === 'function' ? addon.libvipsVersion().semver : null }));`;
    const { stdout } = await run(process.execPath, ['-e', probe], { env: { PATH: process.env.PATH }, timeout: 20_000 });
    const result = JSON.parse(stdout) as { vips: string[]; version: string | null };
    // The libvips beside it in the unpacked app, not one of the system's or of the source tree.
    expect(result.vips).toHaveLength(1);
    expect(result.vips[0]!.startsWith(join(appOutDir, 'resources', 'app.asar.unpacked', 'node_modules', '@img'))).toBe(true);
    expect(result.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(await readdir(join(appOutDir, SHARP_DIR, 'lib'))).toEqual([`sharp-${process.platform}-${process.arch}-${sharpVersion()}.node`]);
  });

  it('writes app-update.yml into resources/ from the publish setting, so the updater knows its feed', async () => {
    const written = parseYaml(await readFile(join(appOutDir, 'resources', 'app-update.yml'), 'utf8')) as Record<string, unknown>;
    const publish = realConfig.publish[0]!;
    expect(written).toMatchObject({ provider: publish.provider, owner: publish.owner, repo: publish.repo });
    expect(written.updaterCacheDirName).toEqual(expect.any(String));
  });

  it('copies the tray and window icons as real files into resources/assets', async () => {
    const assets = await readdir(join(appOutDir, 'resources', 'assets'));
    for (const state of ['idle', 'listening', 'speaking']) {
      expect(assets).toEqual(expect.arrayContaining([`tray-${state}.png`, `tray-${state}@2x.png`, `trayTemplate-${state}.png`, `trayTemplate-${state}@2x.png`]));
    }
    expect(assets).toContain('icon.png');
  });
});
