import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = fileURLToPath(new URL('../bin/kaiwa.mjs', import.meta.url));

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunningCli {
  child: ChildProcess;
  /** Resolves once stdout has matched `pattern`. */
  waitForOutput(pattern: RegExp): Promise<void>;
  done: Promise<CliRun>;
}

/**
 * An environment with no sound system: ALSA with an empty configuration and no PulseAudio server.
 * The CLI tests use files; without this, a CLI run while the audio rig is up (test/audio) would play
 * into the rig's speaker sink that those tests are recording.
 */
export const NO_SOUND_SYSTEM = {
  ALSA_CONFIG_PATH: fileURLToPath(new URL('alsa/empty.conf', import.meta.url)),
  PULSE_SERVER: 'unix:/nonexistent/kaiwa-test',
};

/** A sound system where every device fails, and says so on stderr (see alsa/no-devices.conf). */
export const FAILING_SOUND_SYSTEM = {
  ALSA_CONFIG_PATH: fileURLToPath(new URL('alsa/no-devices.conf', import.meta.url)),
  PULSE_SERVER: 'unix:/nonexistent/kaiwa-test',
  JACK_DEFAULT_SERVER: 'kaiwa-test-no-such-server',
};

/** This environment without any API key or locale (unless given in `env`) and with no sound system (unless `env` gives one). */
export function kaiwaEnv(extra: Record<string, string> = {}): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of ['OPENAI_API_KEY', 'AZURE_OPENAI_API_KEY', 'AZURE_OPENAI_ENDPOINT', 'AZURE_OPENAI_DEPLOYMENT', 'KAIWA_URL', 'KAIWA_MODEL', 'KAIWA_VOICE', 'KAIWA_DIALECT', 'KAIWA_PROTOCOL', 'KAIWA_AUDIO_DEBUG',
    // The CLI speaks the locale's language: English unless a test asks for another.
    'LANG', 'LC_ALL', 'LC_MESSAGES', 'LANGUAGE']) {
    delete env[name];
  }
  return Object.assign(env, NO_SOUND_SYSTEM, extra);
}

/** The command that runs the CLI: node and its entry (for a terminal multiplexer, say). */
export const KAIWA_COMMAND = [process.execPath, BIN] as const;

/**
 * Starts `node bin/kaiwa.mjs ARGS` without any API key or locale from this environment (unless given in
 * `env`) and with no sound system (unless `env` gives one); it is killed after `timeoutMs`, which a
 * test then sees as `signal: 'SIGKILL'`.
 */
export function startKaiwa(args: string[], options: { env?: Record<string, string>; timeoutMs?: number } = {}): RunningCli {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, env: kaiwaEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const watchers: Array<{ pattern: RegExp; resolve: () => void }> = [];
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
    for (const w of [...watchers]) {
      if (w.pattern.test(stdout)) {
        watchers.splice(watchers.indexOf(w), 1);
        w.resolve();
      }
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 45_000);
  const done = new Promise<CliRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return {
    child,
    done,
    waitForOutput: (pattern) =>
      pattern.test(stdout)
        ? Promise.resolve()
        : Promise.race([
            new Promise<void>((resolve) => watchers.push({ pattern, resolve })),
            done.then((run) => {
              throw new Error(`exited (${run.code ?? run.signal}) before printing ${pattern}:\n${run.stdout}${run.stderr}`);
            }),
          ]),
  };
}

/** Runs the CLI to completion. */
export function runKaiwa(args: string[], options: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<CliRun> {
  return startKaiwa(args, options).done;
}

/** A run that ended by itself, with exit code 0 and nothing on stderr. */
export function expectCleanExit(run: CliRun): void {
  expect(run.signal, `killed: did not exit by itself\n${run.stdout}`).toBeNull();
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
}
