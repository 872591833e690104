import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readWav } from '../../src/engine/audio/wav';
import { startKaiwa } from '../../harness/cli';
import { closedPort } from '../../harness/ports';
import { tempDir } from '../../harness/temp';
import { postTurn, probe } from '../../harness/turn-endpoint';

// `kaiwa serve` as a person runs it: a child process (bin/kaiwa.mjs) with its in-process simulator,
// its config folder in a temp directory (never $HOME), a turn over HTTP, then Ctrl+C or SIGTERM.
const WAV = readFileSync(join(__dirname, '../fixtures/recordings/question.wav'));

const post = (port: number, token: string) => postTurn(port, token, WAV);
const refused = async (port: number) => (await probe(port)) === 'ECONNREFUSED';

let config: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  config = await tempDir('kaiwa-serve-cli-');
});
afterEach(() => config.cleanup());

/** Starts `kaiwa serve` and waits for its three lines; the token is the one it made in the config folder. */
async function serve(port: number, env: Record<string, string> = {}) {
  const cli = startKaiwa(['serve', '--port', String(port)], { env: { XDG_CONFIG_HOME: config.path, ...env }, timeoutMs: 60_000 });
  await cli.waitForOutput(/Try: /);
  return cli;
}

const tokenFile = () => join(config.path, 'kaiwa', 'serve-token');

describe('kaiwa serve (the CLI command)', () => {
  it('prints its URL and the token it made, answers a turn with the token, refuses one without, exits cleanly on SIGINT', async () => {
    const port = await closedPort();
    const cli = await serve(port);
    const token = readFileSync(tokenFile(), 'utf8').trim();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(statSync(tokenFile()).mode & 0o777).toBe(0o600);

    const answer = await post(port, token);
    expect(answer.status).toBe(200);
    expect(answer.type).toBe('audio/wav');
    expect(readWav(answer.body).frames / 24_000).toBeGreaterThan(1);
    expect((await post(port, 'wrong-token-0123456789abcdefghijklmnopqrstuvw')).status).toBe(401);

    cli.child.kill('SIGINT');
    const run = await cli.done;
    expect(run.signal).toBeNull();
    expect(run.code).toBe(130);
    expect(run.stdout).toContain(`Kaiwa answers at http://127.0.0.1:${port}/v1/turn`);
    expect(run.stdout).toContain(`Bearer token: ${token}\n`);
    expect(run.stderr).not.toMatch(/Error|at .*\.ts:\d+/);
    expect(await refused(port)).toBe(true);
  }, 60_000);

  it('keeps its token across runs (or takes KAIWA_SERVE_TOKEN), and SIGTERM ends it cleanly too', async () => {
    const port = await closedPort();
    const first = await serve(port);
    first.child.kill('SIGTERM');
    const firstRun = await first.done;
    expect(firstRun.code).toBe(143);
    const token = readFileSync(tokenFile(), 'utf8').trim();

    const second = await serve(port);
    expect((await post(port, token)).status).toBe(200);
    second.child.kill('SIGTERM');
    expect((await second.done).stdout).toContain(`Bearer token: ${token}\n`);

    const given = 'given-token-0123456789abcdefghijklmnopqrstuvwxyz';
    const third = await serve(port, { KAIWA_SERVE_TOKEN: given });
    expect((await post(port, token)).status).toBe(401);
    expect((await post(port, given)).status).toBe(200);
    third.child.kill('SIGTERM');
    const thirdRun = await third.done;
    expect(thirdRun.code).toBe(143);
    expect(await refused(port)).toBe(true);
  }, 90_000);

  it('a port in use is one line and exit 1', async () => {
    const port = await closedPort();
    const holder = await serve(port);
    const clash = await startKaiwa(['serve', '--port', String(port)], { env: { XDG_CONFIG_HOME: config.path } }).done;
    holder.child.kill('SIGTERM');
    await holder.done;
    expect(clash.code).toBe(1);
    expect(clash.stderr.trim().split('\n')).toEqual([`kaiwa: port ${port} is in use; choose another with --port`]);
  }, 60_000);
});
