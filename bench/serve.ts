/**
 * The voice endpoint (issue 15's proof): time from a request to the first audio byte of its
 * answer, and how fast a minute of m4a (what a phone records) decodes.
 *
 * First audio byte: POST /v1/turn over a real socket to Kaiwa's server, which decodes the
 * recording and runs a turn against the in-process simulator; the clock runs from the request's
 * first byte to the first body byte of the answer (the WAV header goes out with the first audio).
 * Realtime with the m4a and with a WAV (the difference is the decode), and GPT-Live, which
 * listens at the pace of speech, so its figure includes the 2.2 s question itself.
 * Decode: test/fixtures/recordings/minute.m4a (60 s, AAC-LC 20 kb/s mono, read as data) to engine
 * audio (24 kHz mono PCM16), whole and without the resampling.
 * Run through bench/run.ts (`npm run bench -- serve`), or alone: `node --import tsx bench/serve.ts`.
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { decodeAsEngineAudio, decodeAudio } from '../src/engine/audio/decode';
import { ENGINE_SAMPLE_RATE } from '../src/engine/audio/devices/types';
import { parseSettings, type SettingsInput } from '../src/engine/settings';
import { startKaiwaServer } from '../src/server';
import { startSimulator, type RunningSimulator } from '../src/simulator';
import { quantile, round, type BenchRow } from './engine';

const RECORDINGS = fileURLToPath(new URL('../test/fixtures/recordings/', import.meta.url));
const QUESTION_M4A = readFileSync(`${RECORDINGS}question.m4a`);
const QUESTION_WAV = readFileSync(`${RECORDINGS}question.wav`);
const MINUTE_M4A = readFileSync(`${RECORDINGS}minute.m4a`);
const TOKEN = 'bench-token-0123456789abcdefghijklmnopqrstuvwxyz';
const REQUESTS = 7;

/** One turn: ms from the request's start to the first byte of its answer, and the answer's length. */
function firstByte(port: number, body: Buffer, type: string): Promise<{ firstMs: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let firstMs = -1;
    let bytes = 0;
    const req = request(
      { host: '127.0.0.1', port, method: 'POST', path: '/v1/turn', headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': type } },
      (res) => {
        if (res.statusCode !== 200) reject(new Error(`HTTP ${res.statusCode}`));
        res.on('data', (d: Buffer) => {
          if (firstMs < 0) firstMs = performance.now() - started;
          bytes += d.length;
        });
        res.on('end', () => resolve({ firstMs, bytes }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function turns(sim: RunningSimulator, overrides: SettingsInput, body: Buffer, type: string): Promise<number[]> {
  const server = await startKaiwaServer({ settings: parseSettings({ provider: 'local', ...overrides }), credentials: {}, localUrl: sim.url, token: TOKEN, port: 0 });
  try {
    await firstByte(server.port, body, type); // warm-up: the decoder's WebAssembly compiled, the first connection made
    const times: number[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      const { firstMs, bytes } = await firstByte(server.port, body, type);
      if (bytes <= 44) throw new Error('an answer without audio');
      times.push(firstMs);
    }
    return times;
  } finally {
    await server.close();
  }
}

async function time(action: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await action();
  return performance.now() - started;
}

export async function benchServe(): Promise<BenchRow[]> {
  const sim = await startSimulator({ record: false });
  const rows: BenchRow[] = [];
  try {
    const cases: Array<[string, SettingsInput, Buffer, string]> = [
      ['Realtime, m4a question', {}, QUESTION_M4A, 'audio/mp4'],
      ['Realtime, wav question', {}, QUESTION_WAV, 'audio/wav'],
      ['GPT-Live, m4a question (2.2 s heard at speech pace)', { model: 'gpt-live-1' }, QUESTION_M4A, 'audio/mp4'],
    ];
    for (const [label, overrides, body, type] of cases) {
      const times = await turns(sim, overrides, body, type);
      rows.push({ name: `request -> first audio byte, ${label}, median of ${REQUESTS}`, value: round(quantile(times, 0.5)), unit: 'ms' });
      rows.push({ name: `request -> first audio byte, ${label}, max`, value: round(Math.max(...times)), unit: 'ms' });
    }
  } finally {
    await sim.close();
  }

  const decoded = await decodeAsEngineAudio(MINUTE_M4A); // warm-up, and the length the speed is counted on
  const seconds = decoded.length / ENGINE_SAMPLE_RATE;
  const whole: number[] = [];
  const aacOnly: number[] = [];
  for (let i = 0; i < 5; i++) {
    whole.push(await time(() => decodeAsEngineAudio(MINUTE_M4A)));
    aacOnly.push(await time(() => decodeAudio(MINUTE_M4A)));
  }
  const wholeMs = quantile(whole, 0.5);
  rows.push({ name: `decode ${round(seconds)} s m4a -> 24 kHz mono PCM16, median of 5`, value: round(wholeMs), unit: 'ms' });
  rows.push({ name: `decode ${round(seconds)} s m4a, speed`, value: round((seconds * 1000) / wholeMs), unit: 'x real time' });
  rows.push({ name: `decode ${round(seconds)} s m4a, ffmpeg alone (no resampling), median of 5`, value: round(quantile(aacOnly, 0.5)), unit: 'ms' });
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.table(await benchServe());
}
