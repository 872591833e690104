#!/usr/bin/env node
// `npm start`: the desktop app when Electron can run here, otherwise the terminal front end.
//
// 1. Electron's binary present -> build the app if out/ is missing or older than src/, then launch it.
// 2. Missing -> one attempt to fetch it with electron's own install.js (bounded by a timeout).
// 3. Still missing -> one line saying so, then `node bin/kaiwa.mjs` with the user's arguments.
//
// `require('electron')` is not used to find the binary: in this Electron version it starts a
// download itself when the binary is missing, with no timeout and its output on our terminal.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const INSTALL_TIMEOUT_MS = Number(process.env.KAIWA_ELECTRON_INSTALL_TIMEOUT_MS) || 60_000;

/** The Electron executable if it is installed, else undefined. */
function electronBinary() {
  let moduleDir;
  try {
    moduleDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return undefined;
  }
  let relative;
  try {
    relative = readFileSync(join(moduleDir, 'path.txt'), 'utf8').trim();
  } catch {
    return undefined;
  }
  const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH || join(moduleDir, 'dist');
  const binary = join(dist, relative);
  return existsSync(binary) ? binary : undefined;
}

/** Runs electron's install.js once; resolves with why it failed, or undefined on success. */
function fetchElectron() {
  if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) return Promise.resolve('ELECTRON_SKIP_BINARY_DOWNLOAD is set');
  let installer;
  try {
    installer = join(dirname(createRequire(import.meta.url).resolve('electron/package.json')), 'install.js');
  } catch {
    return Promise.resolve('the electron package is not installed');
  }
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [installer], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], timeout: INSTALL_TIMEOUT_MS });
    let output = '';
    const keep = (chunk) => {
      output = (output + chunk.toString()).slice(-4_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (error) => resolve(`could not run the installer: ${error.message}`));
    child.on('close', (code, signal) => {
      if (signal) resolve(`the download did not finish within ${Math.round(INSTALL_TIMEOUT_MS / 1000)} s`);
      else if (code !== 0) resolve(`download failed: ${firstError(output)}`);
      else resolve(undefined);
    });
  });
}

/** The gist of an installer failure: its first error line, without the stack. */
function firstError(output) {
  const line = output
    .split('\n')
    .map((l) => l.trim())
    .find((l) => /error|fail/i.test(l) && !l.startsWith('at '));
  return (line ?? 'unknown error').replace(/^(\w*Error: )/, '').slice(0, 160);
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function buildIsStale() {
  const outputs = ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'].map((p) => join(root, p));
  if (!outputs.every((p) => existsSync(p))) return true;
  const built = Math.min(...outputs.map((p) => statSync(p).mtimeMs));
  return newestMtime(join(root, 'src')) > built;
}

/** Runs a child with our terminal; resolves with its exit code. SIGINT reaches it from the tty. */
function run(command, commandArgs) {
  return new Promise((resolve) => {
    const child = spawn(command, commandArgs, { cwd: root, stdio: 'inherit' });
    const forward = (signal) => child.kill(signal);
    const ignore = () => undefined;
    process.on('SIGINT', ignore);
    process.on('SIGTERM', forward);
    process.on('SIGHUP', forward);
    child.on('error', (error) => {
      process.stderr.write(`kaiwa: could not start ${command}: ${error.message}\n`);
      resolve(1);
    });
    child.on('close', (code, signal) => {
      process.off('SIGINT', ignore);
      process.off('SIGTERM', forward);
      process.off('SIGHUP', forward);
      resolve(code ?? (signal === 'SIGINT' ? 130 : 1));
    });
  });
}

async function main() {
  let electron = electronBinary();
  let reason;
  if (!electron) {
    reason = await fetchElectron();
    electron = electronBinary();
    if (!electron && !reason) reason = 'the installer finished but no binary is there';
  }
  if (!electron) {
    process.stderr.write(`Electron is not available on this machine (${reason}); starting the terminal front end instead.\n`);
    return run(process.execPath, [join(root, 'bin', 'kaiwa.mjs'), ...args]);
  }
  if (buildIsStale()) {
    const built = await run(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build']);
    if (built !== 0) return built;
  }
  return run(electron, [root, ...args]);
}

process.exitCode = await main();
