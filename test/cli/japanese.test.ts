import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort } from '../../harness/ports';
import { runKaiwa } from '../../harness/cli';
import { speechWav, type SpeechWav } from '../../harness/speech';
import { tempDir } from '../../harness/temp';
import { startSimulator } from '../../src/simulator';

// The terminal front end speaks the locale's language (LC_ALL, LC_MESSAGES, LANG): Japanese under
// ja_JP.UTF-8, English under C. One line on stderr for a failure, as in English.

let dir: Awaited<ReturnType<typeof tempDir>>;
let speech: SpeechWav;

beforeAll(async () => {
  dir = await tempDir();
  speech = await speechWav(dir.path, 'hello', [{ silenceMs: 300 }, { say: 'Hello Kaiwa.' }, { silenceMs: 1200 }]);
});
afterAll(() => dir?.cleanup());

const JA = { LANG: 'ja_JP.UTF-8' };
const C = { LANG: 'C' };

describe.concurrent('CLI in Japanese and English', () => {
  it('a bad flag', async () => {
    const [ja, c] = await Promise.all([runKaiwa(['--bogus'], { env: JA }), runKaiwa(['--bogus'], { env: C })]);
    expect(ja.code).toBe(2);
    expect(ja.stderr).toBe('kaiwa: --bogus というフラグはありません（--help を参照）\n');
    expect(c.code).toBe(2);
    expect(c.stderr).toBe('kaiwa: unknown flag --bogus (see --help)\n');
  });

  it('LC_ALL wins over LANG; a command line that does not parse speaks the environment\'s language', async () => {
    const [all, flag] = await Promise.all([
      runKaiwa(['--bogus'], { env: { LANG: 'en_US.UTF-8', LC_ALL: 'ja_JP.UTF-8' } }),
      runKaiwa(['--language', 'en', '--url', 'http://nope'], { env: JA }),
    ]);
    expect(all.stderr).toMatch(/^kaiwa: --bogus というフラグはありません/);
    // A bad value after a good --language: the flags did not parse, so the environment decides.
    expect(flag.stderr).toMatch(/^kaiwa: --url には ws:\/\/ または wss:\/\/ の URL を指定してください/);
  });

  it('a refused connection', async () => {
    const port = await closedPort();
    const args = ['--url', `ws://127.0.0.1:${port}/v1/realtime`, '--input', speech.path];
    const [ja, c, chosen] = await Promise.all([runKaiwa(args, { env: JA }), runKaiwa(args, { env: C }), runKaiwa(['--language', 'ja', ...args], { env: C })]);
    expect(ja.code).toBe(1);
    expect(chosen.stderr).toMatch(/^kaiwa: 接続できませんでした: /); // --language wins over the locale
    expect(ja.stderr.split('\n').filter(Boolean)).toEqual([expect.stringMatching(/^kaiwa: 接続できませんでした: .*refused/i)]);
    expect(c.stderr.split('\n').filter(Boolean)).toEqual([expect.stringMatching(/^kaiwa: The connection failed: .*refused/i)]);
  });

  it('the state lines and transcript lines of a conversation', async () => {
    const sim = await startSimulator({ port: 0, replyMs: 800 });
    try {
      const args = ['--provider', 'local', '--url', sim.url, '--input', speech.path];
      const [ja, c] = await Promise.all([runKaiwa(args, { env: JA }), runKaiwa(args, { env: C })]);
      expect(ja.code, ja.stderr).toBe(0);
      expect(ja.stdout).toContain('[聞いています]\n');
      expect(ja.stdout).toContain('[話しています]\n');
      expect(ja.stdout).toMatch(/^あなた：/m);
      expect(ja.stdout).not.toMatch(/\[(listening|speaking)\]/);
      expect(c.code, c.stderr).toBe(0);
      expect(c.stdout).toContain('[listening]\n');
      expect(c.stdout).toMatch(/^you: /m);
    } finally {
      await sim.close();
    }
  });
});
