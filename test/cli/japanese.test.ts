import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { closedPort } from '../../harness/ports';
import { runKaiwa } from '../../harness/cli';
import { speechPerSuite } from '../../harness/speech';
import { startSimulator } from '../../src/simulator';
import { startRefusingServer } from '../engine/realtime/helpers/servers';

// The terminal front end speaks the locale's language (LC_ALL, LC_MESSAGES, LANG): Japanese under
// ja_JP.UTF-8, English under C. One line on stderr for a failure, as in English.

const suite = speechPerSuite('hello', [{ silenceMs: 300 }, { say: 'Hello Kaiwa.' }, { silenceMs: 1200 }]);

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
    const args = ['--url', `ws://127.0.0.1:${port}/v1/realtime`, '--input', suite.speech.path];
    const [ja, c, chosen] = await Promise.all([runKaiwa(args, { env: JA }), runKaiwa(args, { env: C }), runKaiwa(['--language', 'ja', ...args], { env: C })]);
    expect(ja.code).toBe(1);
    expect(chosen.stderr).toMatch(/^kaiwa: 接続できませんでした: /); // --language wins over the locale
    expect(ja.stderr).toBe(`kaiwa: 接続できませんでした: 127.0.0.1:${port} に接続できませんでした（接続が拒否されました）。\n`);
    expect(c.stderr).toBe(`kaiwa: The connection failed: Could not connect to 127.0.0.1:${port}: the connection was refused.\n`);
  });

  it('a refused key: the status in words, the server\'s own words passed on (the key masked)', async () => {
    const key = 'sk-test-refused-0123456789';
    const server = await startRefusingServer(401, JSON.stringify({ error: { message: `Incorrect API key provided: ${key}.` } }));
    try {
      const args = ['--url', `ws://127.0.0.1:${server.port}/v1/realtime`, '--input', suite.speech.path];
      const [ja, c] = await Promise.all([
        runKaiwa(args, { env: { ...JA, OPENAI_API_KEY: key } }),
        runKaiwa(args, { env: { ...C, OPENAI_API_KEY: key } }),
      ]);
      expect(ja.code).toBe(1);
      expect(ja.stderr).toBe('kaiwa: 接続できませんでした: API キーが拒否されました（401）。 サーバーからのメッセージ: Incorrect API key provided: ***.\n');
      expect(c.stderr).toBe('kaiwa: The connection failed: The API key was rejected (401). The server said: Incorrect API key provided: ***.\n');
    } finally {
      await server.close();
    }
  });

  it('a setting out of range, and a bad URL from the environment', async () => {
    const [ja, c, envJa, envC] = await Promise.all([
      runKaiwa(['--vad-threshold', '7'], { env: JA }),
      runKaiwa(['--vad-threshold', '7'], { env: C }),
      runKaiwa([], { env: { ...JA, KAIWA_URL: 'http://example.com/rt' } }),
      runKaiwa([], { env: { ...C, KAIWA_URL: 'http://example.com/rt' } }),
    ]);
    expect(ja.code).toBe(2);
    expect(ja.stderr).toBe('kaiwa: 設定が無効です：--vad-threshold は 1 以下にしてください（指定値：7）\n');
    expect(c.stderr).toBe("kaiwa: --vad-threshold must be at most 1 (got '7')\n");
    expect(envJa.code).toBe(2);
    expect(envJa.stderr).toBe('kaiwa: 環境変数の設定が無効です：url は ws:// または wss:// の URL にしてください\n');
    expect(envC.stderr).toBe('kaiwa: the environment sets an invalid setting: url: must be a ws:// or wss:// URL\n');
  });

  it('a provider without what it needs (the endpoint\'s own words)', async () => {
    const args = ['--provider', 'azure', '--input', suite.speech.path];
    const [ja, c] = await Promise.all([runKaiwa(args, { env: JA }), runKaiwa(args, { env: C })]);
    expect(ja.code).toBe(1);
    expect(ja.stderr).toBe('kaiwa: 無効な設定があります: Azure プロバイダーには Azure OpenAI の API キーが必要です。\n');
    expect(c.stderr).toBe('kaiwa: A setting is invalid: An Azure OpenAI API key is required for the Azure provider.\n');
  });

  it('an m4a where no ffmpeg is installed: one line that says what to do', async () => {
    const m4a = join(__dirname, '../fixtures/recordings/question.m4a');
    const noFfmpeg = { PATH: suite.dir.path };
    const [ja, c] = await Promise.all([runKaiwa(['--input', m4a], { env: { ...JA, ...noFfmpeg } }), runKaiwa(['--input', m4a], { env: { ...C, ...noFfmpeg } })]);
    expect(ja.code).toBe(1);
    expect(ja.stderr).toBe(`kaiwa: --input ${m4a} を使えません：m4a を読むには ffmpeg が必要です：ffmpeg を入れるか、wav に変換してください\n`);
    expect(c.code).toBe(1);
    expect(c.stderr).toBe(`kaiwa: cannot use --input ${m4a}: m4a needs ffmpeg: install it, or convert to wav\n`);
  });

  it('a recording or transcript that cannot be used: the path, and what is wrong, in words', async () => {
    const notRecording = join(__dirname, '../fixtures/recordings/README.md');
    const missing = suite.dir.file('missing.wav');
    const transcript = join(suite.dir.path, 'no-such-folder', 'talk.jsonl');
    const [badJa, badC, missingJa, missingC, logJa, logC, deviceJa, deviceC] = await Promise.all([
      runKaiwa(['--input', notRecording], { env: JA }),
      runKaiwa(['--input', notRecording], { env: C }),
      runKaiwa(['--input', missing], { env: JA }),
      runKaiwa(['--input', missing], { env: C }),
      runKaiwa(['--input', suite.speech.path, '--transcript', transcript], { env: JA }),
      runKaiwa(['--input', suite.speech.path, '--transcript', transcript], { env: C }),
      runKaiwa(['--input', suite.speech.path, '--output-device', 'no-such-speaker-anywhere'], { env: JA }),
      runKaiwa(['--input', suite.speech.path, '--output-device', 'no-such-speaker-anywhere'], { env: C }),
    ]);
    expect(badJa.code).toBe(1);
    expect(badJa.stderr).toBe(`kaiwa: --input ${notRecording} を使えません：Kaiwa が読める録音ではありません（読める形式：wav, m4a/aac, mp3, ogg/opus, ogg/vorbis, flac）\n`);
    expect(badC.stderr).toBe(`kaiwa: cannot use --input ${notRecording}: not a recording Kaiwa can read (it reads wav, m4a/aac, mp3, ogg/opus, ogg/vorbis, flac)\n`);
    expect(missingJa.stderr).toBe(`kaiwa: --input ${missing} を使えません：ファイルがありません\n`);
    expect(missingC.stderr).toBe(`kaiwa: cannot use --input ${missing}: no such file\n`);
    expect(logJa.code).toBe(1);
    expect(logJa.stderr).toMatch(new RegExp(`^kaiwa: トランスクリプト ${transcript} に書き込めません：.*ENOENT`));
    expect(logC.stderr).toMatch(new RegExp(`^kaiwa: cannot write transcript ${transcript}: .*ENOENT`));
    // No sound system in the CLI harness, or no such device in one: either way one line, in words.
    expect(deviceJa.code).toBe(1);
    expect(deviceJa.stderr).toMatch(/^kaiwa: (--output-device no-such-speaker-anywhere を使えません：|オーディオ機器の問題)/);
    expect(deviceC.stderr).toMatch(/^kaiwa: (cannot use --output-device no-such-speaker-anywhere: |audio device problem)/);
  });

  it('the state lines and transcript lines of a conversation', async () => {
    const sim = await startSimulator({ port: 0, replyMs: 800 });
    try {
      const args = ['--provider', 'local', '--url', sim.url, '--input', suite.speech.path];
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
