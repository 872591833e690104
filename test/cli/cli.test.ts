import { describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import { closedPort } from '../../harness/ports';
import { readWavAsEngineAudio } from '../../src/engine/audio/wav';
import { startSimulator } from '../../src/simulator';
import { readConversationFile } from '../../src/engine/conversation-log/file';
import { speechWav, speechPerSuite, SPOKEN_QUESTION } from '../../harness/speech';
import { expectCleanExit, FAILING_SOUND_SYSTEM, runKaiwa, startKaiwa, type CliRun } from '../../harness/cli';
import { locateReply, receivedOfType, replyAudio } from '../../harness/replies';

const suite = speechPerSuite('question', SPOKEN_QUESTION);

/** A line of `--transcript FILE.jsonl`: the format of the desktop app's history (engine/conversation-log). */
interface TranscriptLine {
  kind: string;
  speaker?: string;
  text?: string;
}

async function transcript(path: string): Promise<TranscriptLine[]> {
  return (await readFile(path, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as TranscriptLine);
}


/** A failure: non-zero, exactly one line on stderr, and no stack trace anywhere. */
function expectOneLineFailure(run: CliRun, pattern: RegExp): void {
  expect(run.signal).toBeNull();
  expect(run.code).not.toBe(0);
  const lines = run.stderr.split('\n').filter(Boolean);
  expect(lines, run.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^kaiwa: /);
  expect(lines[0]).toMatch(pattern);
  for (const out of [run.stderr, run.stdout]) expect(out).not.toMatch(/\n\s+at .+:\d+:\d+/);
}

describe.concurrent('a scripted conversation from a WAV file, against the simulator', () => {
  for (const dialect of ['ga', 'beta'] as const) {
    for (const mode of ['server_vad', 'semantic_vad', 'manual'] as const) {
      it(`${dialect} dialect, ${mode}: both sides transcribed, the whole reply recorded, exits 0 by itself`, async () => {
        const sim = await startSimulator({ port: 0, dialect, replyMs: 1500 });
        try {
          const out = suite.dir.file(`${dialect}-${mode}.wav`);
          const jsonl = suite.dir.file(`${dialect}-${mode}.jsonl`);
          const run = await runKaiwa([
            '--provider', 'local', '--url', sim.url, '--dialect', dialect, '--turn-detection', mode,
            '--input', suite.speech.path, '--output', out, '--transcript', jsonl,
          ]);
          expectCleanExit(run);

          const lines = await transcript(jsonl);
          const finals = lines.filter((l) => l.kind === 'transcript');
          expect(finals.some((l) => l.speaker === 'user' && l.text)).toBe(true);
          expect(finals.some((l) => l.speaker === 'assistant' && l.text)).toBe(true);
          expect(lines.filter((l) => l.kind === 'error')).toEqual([]);
          // The conversation's meter closes the transcript, and its total is the run's last word.
          const meter = lines.at(-1) as unknown as { kind: string; meter: { final: boolean; tokens: { total: number }; costUsd: number } };
          expect(meter).toMatchObject({ kind: 'meter', meter: { final: true } });
          expect(meter.meter.tokens.total).toBeGreaterThan(0);
          expect(run.stdout).toContain(`[${meter.meter.tokens.total.toLocaleString('en')} tokens · ~$`);
          // The History tab's reader takes every line of it.
          expect(readConversationFile(jsonl)).toEqual(lines);

          const session = sim.sessions[0]!;
          expect(session.dialect).toBe(dialect);
          const td = session.config.audio.input.turn_detection;
          if (mode === 'manual') {
            expect(td).toBeNull();
            expect(receivedOfType(session.received, 'input_audio_buffer.commit')).toHaveLength(1);
            expect(receivedOfType(session.received, 'response.create')).toHaveLength(1);
          } else {
            expect(td?.type).toBe(mode);
          }

          // Exactly one reply, and all of it is in the recording: the CLI waited for it to finish.
          const replies = [...replyAudio(session.sent).values()];
          expect(replies).toHaveLength(1);
          const heard = await readWavAsEngineAudio(out);
          const found = locateReply(heard, replies[0]!);
          expect(found?.played).toBe(replies[0]!.length);
        } finally {
          await sim.close();
        }
      });
    }
  }

  it('with no key and no --provider/--url, talks to the built-in simulator', async () => {
    const jsonl = suite.dir.file('default.jsonl');
    const run = await runKaiwa(['--input', suite.speech.path, '--transcript', jsonl]);
    expectCleanExit(run);
    const speakers = (await transcript(jsonl)).filter((l) => l.kind === 'transcript').map((l) => l.speaker);
    expect(speakers).toEqual(['user', 'assistant']);
    expect(run.stdout).toMatch(/^you: /m);
    expect(run.stdout).toMatch(/^kaiwa: /m);
  });
});

describe.concurrent('the conversation goes on, and ends cleanly', () => {
  it('shows a server error event and carries on (a push-to-talk turn too short to commit)', async () => {
    const sim = await startSimulator({ port: 0, replyMs: 800 });
    try {
      const blip = await speechWav(suite.dir.path, 'blip', [{ silenceMs: 50 }]);
      const jsonl = suite.dir.file('blip.jsonl');
      const run = await runKaiwa(['--provider', 'local', '--url', sim.url, '--turn-detection', 'manual', '--input', blip.path, '--transcript', jsonl]);
      expectCleanExit(run);
      expect(run.stdout).toMatch(/^error \(server\): .+/m);
      const lines = await transcript(jsonl);
      expect(lines.find((l) => l.kind === 'error')).toMatchObject({ code: 'server', fatal: false });
      // The reply asked for after the failed commit still came and was transcribed.
      expect(lines.some((l) => l.kind === 'transcript' && l.speaker === 'assistant')).toBe(true);
    } finally {
      await sim.close();
    }
  });

  it('stops cleanly on SIGTERM: exit 143, nothing on stderr, the output WAV finalised', async () => {
    const out = suite.dir.file('sigterm.wav');
    const sim = await startSimulator({ port: 0, replyMs: 5000 });
    const cli = startKaiwa(['--provider', 'local', '--url', sim.url, '--input', suite.speech.path, '--output', out]);
    // Mid-conversation: the user's turn is transcribed, a reply is playing.
    await cli.waitForOutput(/^you: /m);
    cli.child.kill('SIGTERM');
    const run = await cli.done;
    expect(run.signal).toBeNull();
    expect(run.code).toBe(143);
    expect(run.stderr).toBe('');
    await sim.close();
    // The header was patched with the real length: more than the 2 s of conversation before the signal.
    const heard = await readWavAsEngineAudio(out);
    expect(heard.length).toBeGreaterThan(2 * 24_000);
  });
});

describe('without --input', () => {
  it('on a machine with no sound devices, says so, listens to silence, and honours --duration', async () => {
    const run = await runKaiwa(['--duration', '0.5']);
    expectCleanExit(run);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe('Realtime · gpt-realtime · local simulator');
    expect(lines[1]).toBe('No microphone found: listening to silence. (Use --input FILE.wav to speak a file.)');
    expect(lines[2]).toBe('No speaker found: replies are not played.');
    expect(run.stdout).toMatch(/^\[listening\]$/m);
  });
});

describe.concurrent('bad input: one clear line on stderr, a non-zero exit, no stack trace', () => {
  it('an unknown flag', async () => {
    expectOneLineFailure(await runKaiwa(['--bogus']), /--bogus/);
  });

  it('an input file that is not a WAV', async () => {
    const path = suite.dir.file('not-audio.wav');
    await writeFile(path, 'this is text, not RIFF audio\n');
    expectOneLineFailure(await runKaiwa(['--input', path]), /not-audio\.wav.*WAV/i);
  });

  it('an input file that does not exist', async () => {
    expectOneLineFailure(await runKaiwa(['--input', suite.dir.file('missing.wav')]), /missing\.wav: no such file/);
  });

  it('an invalid URL', async () => {
    expectOneLineFailure(await runKaiwa(['--url', 'not a url']), /--url/);
  });

  it('a refused connection', async () => {
    const port = await closedPort();
    expectOneLineFailure(await runKaiwa(['--url', `ws://127.0.0.1:${port}/v1/realtime`, '--input', suite.speech.path]), /refused/);
  });

  it('a 401 from the server, without showing the key', async () => {
    const sim = await startSimulator({ port: 0, requireApiKey: 'sk-the-right-key' });
    try {
      const run = await runKaiwa(['--url', sim.url, '--input', suite.speech.path], { env: { OPENAI_API_KEY: 'sk-wrong-key-123456' } });
      expectOneLineFailure(run, /API key was rejected \(401\)/);
      expect(run.stdout + run.stderr).not.toContain('sk-wrong-key-123456');
    } finally {
      await sim.close();
    }
  });

  it('--help prints usage and exits 0', async () => {
    const run = await runKaiwa(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: kaiwa/);
    expect(run.stderr).toBe('');
  });

  it('--version prints the package version, in the language asked, and exits 0', async () => {
    const { version } = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const run = await runKaiwa(['--version']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`Kaiwa ${version}\n`);
    expect(run.stderr).toBe('');
    const help = await runKaiwa(['--help', '--language', 'ja']);
    expect(help.stdout).toMatch(/--version\s+Kaiwa のバージョンを表示して終了する/);
  });
});

// PortAudio's ALSA and JACK probes print natively to stderr; the addon silences them (patches/),
// so on a machine without usable devices stderr holds exactly Kaiwa's own lines.
describe('a quiet start on a sound system without usable devices', () => {
  it('prints no sound-system messages, only its own notes', async () => {
    const run = await runKaiwa(['--duration', '0.5'], { env: FAILING_SOUND_SYSTEM });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout.split('\n').slice(0, 3)).toEqual([
      'Realtime · gpt-realtime · local simulator',
      'No microphone found: listening to silence. (Use --input FILE.wav to speak a file.)',
      'No speaker found: replies are not played.',
    ]);
  });

  it('reports a bad input file in one line, before any device is opened', async () => {
    const run = await runKaiwa(['--input', '/etc/passwd'], { env: { ...FAILING_SOUND_SYSTEM, KAIWA_AUDIO_DEBUG: '1' } });
    expect(run.code).toBe(1);
    // Even with the sound system's own messages on, none appear: no device was opened.
    expect(run.stderr.split('\n').filter(Boolean)).toEqual([expect.stringMatching(/^kaiwa: cannot use --input \/etc\/passwd: /)]);
  });

  it('shows the sound system\'s own messages with KAIWA_AUDIO_DEBUG=1', async () => {
    const run = await runKaiwa(['--duration', '0.5'], { env: { ...FAILING_SOUND_SYSTEM, KAIWA_AUDIO_DEBUG: '1' } });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^ALSA lib .*Unknown PCM kaiwa_nowhere$/m);
  });
});
