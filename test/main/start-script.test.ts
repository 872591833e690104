import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

// `npm start` on a machine without the Electron binary (this one: only the npm registry is
// reachable, so electron's own installer fails). Run for real, as a child process.

const root = join(__dirname, '..', '..');
const FALLBACK = /^Electron is not available on this machine \((.+)\); starting the terminal front end instead\.$/;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  fallbackAfterMs: number | undefined;
}

function start(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const began = performance.now();
    const child = spawn(process.execPath, [join(root, 'scripts', 'start.mjs'), ...args], {
      cwd: root,
      env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let fallbackAfterMs: number | undefined;
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      if (fallbackAfterMs === undefined && stderr.includes('starting the terminal front end')) fallbackAfterMs = performance.now() - began;
    });
    const guard = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`npm start hung; stderr so far: ${stderr}`));
    }, 90_000);
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr, fallbackAfterMs });
    });
  });
}

let blackHole: Server | undefined;
afterEach(async () => {
  blackHole?.closeAllConnections();
  await new Promise((resolve) => (blackHole ? blackHole.close(resolve) : resolve(undefined)));
  blackHole = undefined;
});

describe('npm start without the Electron binary', () => {
  it('tries the download once, says so in one line, and runs the CLI with the arguments forwarded', async () => {
    const run = await start(['--help']);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(FALLBACK);
    expect(lines[0]).toMatch(/download failed/);
    expect(run.stdout).toContain('Usage: kaiwa');
    expect(run.code).toBe(0);
    console.log(`npm start fell back to the CLI after ${Math.round(run.fallbackAfterMs ?? -1)} ms`);
  });

  it('forwards the CLI’s exit code', async () => {
    const run = await start(['--voice', 'nobody']);
    expect(run.stderr.split('\n')[0]).toMatch(FALLBACK);
    expect(run.code).not.toBe(0);
    expect(run.code).not.toBeNull();
  });

  it('a download that hangs is cut off by the timeout', async () => {
    // A mirror that accepts connections and never answers.
    blackHole = createServer(() => undefined);
    await new Promise<void>((resolve) => blackHole?.listen(0, '127.0.0.1', resolve));
    const { port } = blackHole.address() as AddressInfo;
    const run = await start(['--help'], {
      ELECTRON_MIRROR: `http://127.0.0.1:${port}/`,
      electron_config_cache: join(tmpdir(), 'kaiwa-test-electron-cache'),
      KAIWA_ELECTRON_INSTALL_TIMEOUT_MS: '1500',
    });
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(/did not finish within 2 s/)]);
    expect(run.fallbackAfterMs).toBeGreaterThanOrEqual(1_500);
    expect(run.stdout).toContain('Usage: kaiwa');
  });

  it('ELECTRON_SKIP_BINARY_DOWNLOAD skips the attempt', async () => {
    const run = await start(['--help'], { ELECTRON_SKIP_BINARY_DOWNLOAD: '1' });
    expect(run.stderr.trim()).toMatch(/\(ELECTRON_SKIP_BINARY_DOWNLOAD is set\)/);
  });
});
