import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../harness/cli';
import { TestClient } from './realtime/client';
import { LiveTestClient } from './live/client';

/** `npm run sim` is `tsx src/simulator/main.ts`; run the same through node's --import hook. */
function sim(args: string[]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['--import', 'tsx', 'src/simulator/main.ts', ...args], { cwd: REPO_ROOT, stdio: 'pipe' });
}

function collect(child: ChildProcessWithoutNullStreams): { out: () => string; err: () => string; exit: Promise<number | null> } {
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { out: () => out, err: () => err, exit };
}

const children: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

describe('npm run sim', () => {
  it('prints its URL, serves sessions in the chosen dialect, and exits cleanly on SIGTERM', async () => {
    const child = sim(['--port', '0', '--dialect', 'beta', '--reply-ms', '400']);
    children.push(child);
    const io = collect(child);
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', () => {
        const match = /ws:\/\/\S+/.exec(io.out());
        if (match) resolve(match[0]);
      });
      child.on('close', () => reject(new Error(`exited early: ${io.err()}`)));
    });
    expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/v1\/realtime/);

    const client = await TestClient.connect(url, { dialect: 'beta', headers: { 'OpenAI-Beta': '' } });
    const created = await client.next('session.created');
    expect(created.session).toHaveProperty('input_audio_format', 'pcm16');
    client.send({ type: 'response.create' });
    await client.next('response.done');
    expect(client.all('response.audio.delta').reduce((n, e) => n + Buffer.from(String(e.delta), 'base64').length / 2, 0)).toBe(400 * 24);
    expect(client.invalid).toEqual([]);

    child.kill('SIGTERM');
    expect(await io.exit).toBe(0);
    await client.closed;
  });

  it('prints the GPT-Live URL too and serves Live sessions on the same port', async () => {
    const child = sim(['--port', '0', '--reply-ms', '300']);
    children.push(child);
    const io = collect(child);
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', () => {
        const match = /ws:\/\/\S+\/v1\/live\/sessions/.exec(io.out());
        if (match) resolve(match[0]);
      });
      child.on('close', () => reject(new Error(`exited early: ${io.err()}`)));
    });
    const client = await LiveTestClient.connect(url);
    const started = await client.start();
    expect(started.session).toMatchObject({ model: 'gpt-live-1' });
    expect(client.invalid).toEqual([]);
    child.kill('SIGTERM');
    expect(await io.exit).toBe(0);
    await client.closed;
  });

  it.each([
    [['--port', 'abc'], /--port must be an integer/],
    [['--dialect', 'klingon'], /--dialect must be ga, beta or auto/],
    [['--reply-ms=0'], /--reply-ms must be a positive number/],
    [['--colour'], /Unknown option '--colour'/],
  ])('refuses %j with a one-line error and exit code 2', async (args, message) => {
    const child = sim(args);
    children.push(child);
    const io = collect(child);
    expect(await io.exit).toBe(2);
    const firstLine = io.err().split('\n')[0]!;
    expect(firstLine).toMatch(/^kaiwa-sim: /);
    expect(firstLine).toMatch(message);
  });
});
