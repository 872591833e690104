import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { tempDir } from './temp';

const run = promisify(execFile);

type TempDir = Awaited<ReturnType<typeof tempDir>>;

/** A phrase (espeak-ng's default English voice unless `voice` names another, e.g. 'ja') or a silence. */
export type SpeechSegment = { say: string; voice?: string } | { silenceMs: number };

export interface SpeechWav {
  path: string;
  /** Where each spoken segment lies in the file, in ms. */
  utterances: Array<{ text: string; startMs: number; endMs: number }>;
  durationMs: number;
}

/**
 * Writes a WAV of spoken phrases (espeak-ng) and silences, converted with sox to `rate` Hz mono
 * PCM16. Real speech, so server VAD has something honest to detect.
 */
export async function speechWav(dir: string, name: string, segments: SpeechSegment[], rate = 24_000): Promise<SpeechWav> {
  const parts: string[] = [];
  const utterances: SpeechWav['utterances'] = [];
  let at = 0;
  for (const [i, seg] of segments.entries()) {
    const part = join(dir, `${name}.part${i}.wav`);
    if ('say' in seg) {
      const raw = join(dir, `${name}.part${i}.raw.wav`);
      await run('espeak-ng', [...(seg.voice ? ['-v', seg.voice] : []), '-w', raw, seg.say]);
      await run('sox', [raw, '-r', String(rate), '-c', '1', '-b', '16', '-e', 'signed-integer', part]);
    } else {
      await run('sox', ['-n', '-r', String(rate), '-c', '1', '-b', '16', '-e', 'signed-integer', part, 'trim', '0', String(seg.silenceMs / 1000)]);
    }
    const ms = await durationMs(part);
    if ('say' in seg) utterances.push({ text: seg.say, startMs: at, endMs: at + ms });
    at += ms;
    parts.push(part);
  }
  const path = join(dir, `${name}.wav`);
  await run('sox', parts.length === 1 ? [parts[0]!, path] : [...parts, path]);
  return { path, utterances, durationMs: await durationMs(path) };
}

async function durationMs(path: string): Promise<number> {
  const { stdout } = await run('soxi', ['-D', path]);
  return Number(stdout.trim()) * 1000;
}

/** The question the end-to-end tests ask: real speech after 300 ms, then the 1.5 s silence that ends the turn. */
export const SPOKEN_QUESTION: SpeechSegment[] = [{ silenceMs: 300 }, { say: 'Hello Kaiwa, what is the weather like today?' }, { silenceMs: 1500 }];

/**
 * For the tests of a file (or a describe): a temp folder, and `segments` spoken into `<name>.wav`
 * in it, made before the tests and removed after them. Read `dir` and `speech` inside the tests.
 */
export function speechPerSuite(name: string, segments: SpeechSegment[]): { dir: TempDir; speech: SpeechWav } {
  const suite = {} as { dir: TempDir; speech: SpeechWav };
  beforeAll(async () => {
    suite.dir = await tempDir();
    suite.speech = await speechWav(suite.dir.path, name, segments);
  });
  afterAll(() => suite.dir?.cleanup());
  return suite;
}
