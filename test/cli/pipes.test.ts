import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readWav } from '../../src/engine/audio/wav';
import { NO_SOUND_SYSTEM, REPO_ROOT } from '../../harness/cli';

const BIN = join(REPO_ROOT, 'bin/kaiwa.mjs');
const FIXTURES = join(REPO_ROOT, 'test/fixtures/recordings');

interface Piped {
  kaiwaCode: number | null;
  kaiwaSignal: NodeJS.Signals | null;
  stderr: string;
  /** What the reader process got on its stdin. */
  received: Buffer;
}

/**
 * `kaiwa ARGS | READER`: two processes joined by a real pipe, the way a shell joins them. stdin
 * is `stdinFile` when given.
 */
function pipeline(args: string[], reader: string[], stdinFile?: string): Promise<Piped> {
  const env: Record<string, string | undefined> = { ...process.env, ...NO_SOUND_SYSTEM, LANG: 'C' };
  for (const name of ['OPENAI_API_KEY', 'AZURE_OPENAI_API_KEY', 'KAIWA_URL', 'LC_ALL', 'LANGUAGE']) delete env[name];
  const stdin = stdinFile ? openSync(stdinFile, 'r') : 'ignore';
  const kaiwa = spawn(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, env, stdio: [stdin, 'pipe', 'pipe'] });
  if (typeof stdin === 'number') closeSync(stdin);
  const sink = spawn(reader[0]!, reader.slice(1), { stdio: [kaiwa.stdout!, 'pipe', 'inherit'] });
  let stderr = '';
  kaiwa.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const chunks: Buffer[] = [];
  sink.stdout!.on('data', (d: Buffer) => chunks.push(d));
  const timer = setTimeout(() => kaiwa.kill('SIGKILL'), 40_000);
  return new Promise((resolve) => {
    let sinkDone = false;
    let result: Omit<Piped, 'received'> | null = null;
    const finish = () => {
      if (sinkDone && result) {
        clearTimeout(timer);
        resolve({ ...result, received: Buffer.concat(chunks) });
      }
    };
    sink.on('exit', () => ((sinkDone = true), finish()));
    kaiwa.on('exit', (code, signal) => ((result = { kaiwaCode: code, kaiwaSignal: signal, stderr }), finish()));
  });
}

describe('kaiwa through pipes', () => {
  it('--input FILE.m4a --output - streams a WAV to the next process; status lines go to stderr', async () => {
    const run = await pipeline(['--input', join(FIXTURES, 'question.m4a'), '--output', '-'], ['cat']);
    expect(run.kaiwaCode).toBe(0);
    const wav = readWav(run.received);
    expect(wav.sampleRate).toBe(24_000);
    // The question (2.2 s), the simulator's 3 s reply and the settle time, all as heard.
    expect(wav.frames / 24_000).toBeGreaterThan(5);
    let loud = 0;
    for (const x of wav.channelData[0]!) if (Math.abs(x) > 0.05) loud++;
    expect(loud / 24_000).toBeGreaterThan(0.5); // the reply is in it
    expect(run.stderr).toContain('[speaking]');
    expect(run.stderr).toMatch(/kaiwa: .+/);
    expect(run.received.subarray(0, 4).toString('latin1')).toBe('RIFF'); // nothing but audio on stdout
  }, 45_000);

  it('--input - reads the recording from stdin (a WAV here)', async () => {
    const run = await pipeline(['--input', '-', '--output', '-'], ['cat'], join(FIXTURES, 'question.wav'));
    expect(run.kaiwaCode).toBe(0);
    expect(run.stderr).toMatch(/you: \(2\.\d s of speech\)/);
    expect(readWav(run.received).frames / 24_000).toBeGreaterThan(5);
  }, 45_000);

  it('--output /dev/stdout is the same stream (no seeking)', async () => {
    const run = await pipeline(['--input', join(FIXTURES, 'question.opus.ogg'), '--output', '/dev/stdout'], ['cat']);
    expect(run.kaiwaCode).toBe(0);
    expect(run.stderr).not.toMatch(/ESPIPE/);
    expect(readWav(run.received).frames / 24_000).toBeGreaterThan(5);
  }, 45_000);

  it('a reader that closes the pipe (| head -c 1000) ends the run cleanly: exit 0, no stack trace', async () => {
    const run = await pipeline(['--input', join(FIXTURES, 'question.mp3'), '--output', '-'], ['head', '-c', '1000']);
    expect(run.received.length).toBe(1000);
    expect(run.kaiwaSignal).toBeNull();
    expect(run.kaiwaCode).toBe(0);
    expect(run.stderr).not.toMatch(/EPIPE|at .+\(.+:\d+:\d+\)|Error/);
  }, 45_000);

  it('status lines piped into head while audio goes to a file: the closed pipe is a clean exit', async () => {
    const run = await pipeline(['--input', join(FIXTURES, 'question.flac'), '--output', '/dev/null'], ['head', '-n', '1']);
    expect(run.received.toString()).toBe('Realtime · gpt-realtime · local simulator\n');
    expect(run.kaiwaCode).toBe(0);
    expect(run.stderr).toBe('');
  }, 45_000);

  it('an unsupported or corrupt recording is one line and exit 1', async () => {
    const run = await pipeline(['--input', join(FIXTURES, 'README.md'), '--output', '-'], ['cat']);
    expect(run.kaiwaCode).toBe(1);
    expect(run.stderr).toBe(`kaiwa: cannot use --input ${join(FIXTURES, 'README.md')}: not a recording Kaiwa can read (it reads wav, m4a/aac, mp3, ogg/opus, ogg/vorbis, flac)\n`);
    expect(run.received.length).toBe(0);
  }, 45_000);
});
