import { writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { readWavAsEngineAudio } from '../../src/engine/audio/wav';
import { startSimulator } from '../../src/simulator';
import { expectCleanExit, runKaiwa } from '../../harness/cli';
import { speechPerSuite, SPOKEN_QUESTION } from '../../harness/speech';
import { plainPng, writeBadPictures } from '../../harness/pictures';

// `--text` and `--image` (issue 23), the CLI as a child process against the simulator.

const suite = speechPerSuite('question', SPOKEN_QUESTION);


type Received = Array<{ event: unknown }>;
const typesOf = (received: Received) => received.map((r) => (r.event as { type?: string }).type);
/** What the user's items held, in order: 'input_text:WORDS', 'input_image', 'input_audio'. */
function userItems(received: Received): string[] {
  return received.flatMap(({ event }) => {
    const e = event as { type?: string; item?: { role?: string; content?: Array<{ type: string; text?: string }> } };
    if (e.type !== 'conversation.item.create' || e.item?.role !== 'user') return [];
    return (e.item.content ?? []).map((c) => (c.type === 'input_text' ? `input_text:${c.text}` : c.type));
  });
}

// One run at a time: each is a node process with a conversation, and the machine's cores are shared.
describe('typed turns and pictures from the command line', () => {
  it('--text twice with --output: each typed turn answered aloud, in order, and the run ends after the last reply', async () => {
    const sim = await startSimulator({ port: 0, replyMs: 800 });
    try {
      const out = suite.dir.file('typed.wav');
      const run = await runKaiwa(['--provider', 'local', '--url', sim.url, '--text', 'Hello there', '--text', '東京の天気は？', '--output', out]);
      expectCleanExit(run);
      expect(run.stdout).toMatch(/^you \(typed\): Hello there$/m);
      expect(run.stdout).toMatch(/^you \(typed\): 東京の天気は？$/m);
      expect(run.stdout).toMatch(/^kaiwa: You typed: Hello there/m);
      expect(run.stdout).toMatch(/^kaiwa: You typed: 東京の天気は？/m);
      expect(run.stdout.indexOf('Hello there')).toBeLessThan(run.stdout.indexOf('東京の天気は？'));
      const received = sim.sessions[0]!.received as Received;
      expect(userItems(received)).toEqual(['input_text:Hello there', 'input_text:東京の天気は？']);
      expect(typesOf(received).filter((t) => t === 'response.create')).toHaveLength(2);
      expect((await readWavAsEngineAudio(out)).length).toBeGreaterThan(24_000);
    } finally {
      await sim.close();
    }
  }, 60_000);

  it('--image with --input: the picture joins the conversation before the spoken turn is committed, and is shown as a line', async () => {
    const sim = await startSimulator({ port: 0, replyMs: 800 });
    try {
      const picture = suite.dir.file('red.png');
      await writeFile(picture, await plainPng(1600, 900));
      const run = await runKaiwa(['--provider', 'local', '--url', sim.url, '--input', suite.speech.path, '--image', picture, '--output', suite.dir.file('pic.wav')]);
      expectCleanExit(run);
      expect(run.stdout).toMatch(/^🖼 red\.png 1024×576$/m);
      // Server VAD commits the spoken turn: the picture was in the conversation before that.
      const session = sim.sessions[0]!;
      const image = (session.received as Array<{ at: number; event: unknown }>).find(({ event }) => JSON.stringify(event).includes('"input_image"'));
      const committed = (session.sent as Array<{ at: number; event: unknown }>).find(({ event }) => (event as { type?: string }).type === 'input_audio_buffer.committed');
      expect(image).toBeDefined();
      expect(image!.at).toBeLessThan(committed!.at);
    } finally {
      await sim.close();
    }
  }, 60_000);

  it('--image with --text: the picture before the words', async () => {
    const sim = await startSimulator({ port: 0, replyMs: 500 });
    try {
      const picture = suite.dir.file('blue.png');
      await writeFile(picture, await plainPng(200, 100, [10, 20, 230]));
      const run = await runKaiwa(['--provider', 'local', '--url', sim.url, '--image', picture, '--text', 'What is this?', '--output', suite.dir.file('pic-text.wav')]);
      expectCleanExit(run);
      expect(userItems(sim.sessions[0]!.received as Received)).toEqual(['input_image', 'input_text:What is this?']);
    } finally {
      await sim.close();
    }
  }, 60_000);

  it('bad pictures: one line each, and the conversation goes on', async () => {
    const sim = await startSimulator({ port: 0, replyMs: 500 });
    try {
      const bad = await writeBadPictures(suite.dir.file);
      const missing = suite.dir.file('missing.png');
      const images = [...Object.values(bad), missing, suite.dir.path].flatMap((path) => ['--image', path]);
      const run = await runKaiwa(['--provider', 'local', '--url', sim.url, ...images, '--text', 'Still there?', '--output', suite.dir.file('bad.wav')]);
      expectCleanExit(run);
      // Each file in one line that names it and says what is wrong with it.
      const problems: Array<[string, RegExp]> = [
        [bad['not-an-image'], /not a picture Kaiwa can read/],
        [bad['zero-px'], /0 px|damaged/],
        [bad['thirty-thousand-px'], /30000×2 px/],
        [bad['over-50-mb'], /larger than 50 MB/],
        [bad['corrupt-png'], /damaged/],
        [missing, /no such file/],
        [suite.dir.path, /it is a directory/],
      ];
      const lines = run.stdout.split('\n');
      for (const [path, problem] of problems) {
        const about = lines.filter((line) => line.startsWith(`cannot use picture ${path}: `));
        expect(about, path).toHaveLength(1);
        expect(about[0]).toMatch(problem);
      }
      expect(run.stdout).toMatch(/^kaiwa: You typed: Still there\?/m);
      expect(userItems(sim.sessions[0]!.received as Received)).toEqual(['input_text:Still there?']);
    } finally {
      await sim.close();
    }
  }, 60_000);

  it('the beta dialect cannot take pictures: one line, nothing sent, the typed turn answered', async () => {
    const sim = await startSimulator({ port: 0, dialect: 'beta', replyMs: 500 });
    try {
      const picture = suite.dir.file('beta.png');
      await writeFile(picture, await plainPng(64, 64));
      const run = await runKaiwa(['--provider', 'local', '--url', sim.url, '--dialect', 'beta', '--image', picture, '--image', picture, '--text', 'Hi', '--output', suite.dir.file('beta.wav')]);
      expectCleanExit(run);
      expect(run.stdout.split('\n').filter((line) => /picture/i.test(line))).toHaveLength(1);
      expect(userItems(sim.sessions[0]!.received as Received)).toEqual(['input_text:Hi']);
    } finally {
      await sim.close();
    }
  }, 60_000);
});
