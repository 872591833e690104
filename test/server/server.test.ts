import { request, type IncomingMessage } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type Settings } from '../../src/engine';
import { readWav } from '../../src/engine/audio/wav';
import { startKaiwaServer, type KaiwaServer } from '../../src/server';
import { startSimulator, type RunningSimulator } from '../../src/simulator';
import { ffmpegDecoder } from '../../src/engine/audio/ffmpeg';
import { tempDir } from '../../harness/temp';

const FIXTURES = join(__dirname, '../fixtures/recordings');
const M4A = readFileSync(join(FIXTURES, 'question.m4a'));
const WAV = readFileSync(join(FIXTURES, 'question.wav'));
const TOKEN = 'test-token-0123456789abcdefghijklmnopqrstuvwxyz';

interface Reply {
  status: number;
  headers: IncomingMessage['headers'];
  body: Buffer;
  /** ms from the end of the request to its first body byte, and to its last. */
  firstByteMs: number;
  lastByteMs: number;
}

function post(server: { port: number }, body: Buffer, headers: Record<string, string> = {}, options: { host?: string; abortAfterBytes?: number } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    let sent = performance.now();
    const req = request(
      {
        host: '127.0.0.1',
        port: server.port,
        method: 'POST',
        path: '/v1/turn',
        headers: { Host: options.host ?? `127.0.0.1:${server.port}`, Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'audio/mp4', ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let first = -1;
        let size = 0;
        const done = () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks), firstByteMs: first, lastByteMs: performance.now() - sent });
        res.on('data', (d: Buffer) => {
          if (first < 0) first = performance.now() - sent;
          chunks.push(d);
          size += d.length;
          if (options.abortAfterBytes !== undefined && size >= options.abortAfterBytes) {
            req.destroy();
            done();
          }
        });
        res.on('end', done);
        res.on('error', () => undefined);
      },
    );
    req.on('error', (error) => (options.abortAfterBytes !== undefined ? undefined : reject(error)));
    req.end(body, () => (sent = performance.now()));
  });
}

const errorOf = (reply: Reply) => (JSON.parse(reply.body.toString()) as { error: { code: string; message: string } }).error;
const typesOf = (received: Array<{ event: unknown }>) => received.map((r) => (r.event as { type?: string }).type);

describe('kaiwa serve: POST /v1/turn against the simulator', () => {
  let simulator: RunningSimulator;
  let server: KaiwaServer;
  const settings: Settings = { ...DEFAULT_SETTINGS, provider: 'local' };

  beforeAll(async () => {
    // The reply streams at the pace of speech (3 s over ~3 s), so "before it is complete" is measurable.
    simulator = await startSimulator({ realtimeFactor: 1 });
    server = await startKaiwaServer({ settings, credentials: {}, localUrl: simulator.url, token: TOKEN, port: 0, maxBodyBytes: 200_000, maxConcurrentTurns: 2 });
  });
  afterAll(async () => {
    await server.close();
    await simulator.close();
  });

  it('an m4a in, audio/wav out, streamed: the first bytes arrive long before the reply is complete', async () => {
    const reply = await post(server, M4A);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('audio/wav');
    expect(reply.headers['transfer-encoding']).toBe('chunked');
    expect(reply.headers['access-control-allow-origin']).toBeUndefined();
    const wav = readWav(reply.body);
    expect(wav.sampleRate).toBe(24_000);
    expect(wav.frames / 24_000).toBeGreaterThan(2.5); // the simulator's 3 s reply
    expect(reply.firstByteMs).toBeLessThan(reply.lastByteMs - 1500);
    // Manual turn detection: the recording committed and the reply asked for by Kaiwa.
    const types = typesOf(simulator.sessions.at(-1)!.received as Array<{ event: unknown }>);
    expect(types).toContain('input_audio_buffer.commit');
    expect(types).toContain('response.create');
    expect(server.activeTurns).toBe(0);
  }, 30_000);

  it('NDJSON: transcript lines, base64 audio with levels, usage, done', async () => {
    const reply = await post(server, WAV, { Accept: 'application/x-ndjson', 'Content-Type': 'audio/wav', 'X-Kaiwa-Conversation': 'nd-1' });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const lines = reply.body.toString().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const kinds = new Set(lines.map((l) => l.type));
    for (const kind of ['transcript.delta', 'transcript', 'audio', 'usage', 'done']) expect(kinds).toContain(kind);
    const audio = lines.filter((l) => l.type === 'audio');
    expect(audio.reduce((ms, l) => ms + (l.ms as number), 0)).toBeGreaterThan(2500);
    expect(typeof audio[0]!.rmsDb).toBe('number');
    expect(lines.at(-1)).toMatchObject({ type: 'done', conversation: 'nd-1' });
    expect(lines.find((l) => l.type === 'transcript' && l.speaker === 'user')).toMatchObject({ text: expect.stringMatching(/2\.\d s of speech/) });
  }, 30_000);

  it('a follow-up in the same conversation keeps its session and context', async () => {
    const before = simulator.sessions.length;
    expect((await post(server, WAV, { 'X-Kaiwa-Conversation': 'follow-up' })).status).toBe(200);
    const session = simulator.sessions.at(-1)!;
    const itemsAfterFirst = session.items.size;
    expect((await post(server, M4A, { 'X-Kaiwa-Conversation': 'follow-up' })).status).toBe(200);
    expect(simulator.sessions.length).toBe(before + 1); // one session for both turns
    expect(itemsAfterFirst).toBeGreaterThanOrEqual(2);
    expect(session.items.size).toBeGreaterThan(itemsAfterFirst); // the second turn joined the first
  }, 40_000);

  it('refuses what it must, each with a JSON error and its status', async () => {
    expect((await post(server, M4A, { Authorization: 'Bearer wrong' })).status).toBe(401);
    const missing = await post(server, M4A, { Authorization: '' });
    expect(missing.status).toBe(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer');
    expect(errorOf(missing).code).toBe('auth');
    // DNS rebinding: a page at evil.example resolving to 127.0.0.1 sends its own Host.
    expect((await post(server, M4A, {}, { host: `evil.example:${server.port}` })).status).toBe(403);
    expect((await post(server, M4A, {}, { host: `127.0.0.1:${server.port + 1}` })).status).toBe(403);
    expect((await post(server, Buffer.alloc(300_000, 1))).status).toBe(413);
    expect((await post(server, M4A, { 'Content-Type': 'text/html' })).status).toBe(415);
    const notAudio = await post(server, Buffer.from('not audio at all, just words'));
    expect(notAudio.status).toBe(415);
    expect(errorOf(notAudio).code).toBe('media-type');
    const corrupt = await post(server, M4A.subarray(0, 2000));
    expect(corrupt.status).toBe(400);
    expect(errorOf(corrupt).message).toMatch(/cannot decode/);
    expect((await post(server, Buffer.alloc(0))).status).toBe(400);
    expect((await post(server, M4A, { 'X-Kaiwa-Conversation': 'bad id with spaces' })).status).toBe(400);
    expect(server.activeTurns).toBe(0);
  }, 30_000);

  it('m4a goes to the decoder the server is given; without ffmpeg it is a 415 that says so, and WAV still answers', async () => {
    const empty = await tempDir();
    const noFfmpeg = await startKaiwaServer({ settings, credentials: {}, localUrl: simulator.url, token: TOKEN, port: 0, decodeAac: ffmpegDecoder({ env: { PATH: empty.path } }) });
    try {
      const refused = await post(noFfmpeg, M4A);
      expect(refused.status).toBe(415);
      expect(errorOf(refused)).toEqual({ code: 'media-type', message: 'm4a needs ffmpeg: install it, or convert to wav' });
      expect((await post(noFfmpeg, WAV, { 'Content-Type': 'audio/wav' })).status).toBe(200);
    } finally {
      await noFfmpeg.close();
      await empty.cleanup();
    }
  }, 30_000);

  it('429 when more turns run than allowed', async () => {
    const statuses = (await Promise.all([post(server, WAV), post(server, WAV), post(server, WAV)])).map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 429]);
  }, 40_000);

  it('a client that disconnects mid-stream cancels the turn at the model; nothing is left running', async () => {
    const reply = await post(server, WAV, { 'X-Kaiwa-Conversation': 'leaver' }, { abortAfterBytes: 4000 });
    expect(reply.status).toBe(200);
    const session = simulator.sessions.at(-1)!;
    await expect.poll(() => typesOf(session.received as Array<{ event: unknown }>).includes('response.cancel'), { timeout: 3000 }).toBe(true);
    await expect.poll(() => server.activeTurns, { timeout: 3000 }).toBe(0);
    // The conversation still answers the next question.
    expect((await post(server, WAV, { 'X-Kaiwa-Conversation': 'leaver' })).status).toBe(200);
  }, 40_000);
});

describe('kaiwa serve: the model fails', () => {
  it('502 with the reason when the model refuses the key, and the key is not in it', async () => {
    const simulator = await startSimulator({ requireApiKey: 'right-key' });
    const server = await startKaiwaServer({
      settings: { ...DEFAULT_SETTINGS, provider: 'custom', url: simulator.url },
      credentials: { apiKey: 'wrong-key' },
      token: TOKEN,
      port: 0,
    });
    try {
      const reply = await post(server, WAV);
      expect(reply.status).toBe(502);
      expect(errorOf(reply).code).toBe('auth');
      expect(reply.body.toString()).not.toContain('wrong-key');
    } finally {
      await server.close();
      await simulator.close();
    }
  }, 30_000);
});
