import { request, type IncomingMessage } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type Settings } from '../../src/engine';
import { readWav } from '../../src/engine/audio/wav';
import { startKaiwaServer, type KaiwaServer } from '../../src/server';
import { startSimulator, type RunningSimulator } from '../../src/simulator';

// A GPT-Live turn through the endpoint, over real sockets: HTTP client -> Kaiwa's server ->
// WebSocket -> the simulator's GPT-Live endpoint, and the spoken answer back the same way.
const M4A = readFileSync(join(__dirname, '../fixtures/recordings/question.m4a'));
const TOKEN = 'live-test-token-0123456789abcdefghijklmnopqrstuvw';

function post(port: number, body: Buffer, headers: Record<string, string> = {}): Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method: 'POST', path: '/v1/turn', headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'audio/mp4', ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const typeOf = (r: { event: unknown }) => (r.event as { type?: string }).type;

describe('kaiwa serve: a GPT-Live turn against the simulator', () => {
  let simulator: RunningSimulator;
  let server: KaiwaServer;
  const settings: Settings = { ...DEFAULT_SETTINGS, provider: 'local', protocol: 'live' };

  beforeAll(async () => {
    simulator = await startSimulator({ record: true });
    server = await startKaiwaServer({ settings, credentials: {}, localUrl: simulator.url, token: TOKEN, port: 0 });
  });
  afterAll(async () => {
    await server.close();
    await simulator.close();
  });

  it('an m4a in, the model’s spoken answer out as audio/wav; the Live session saw valid events only', async () => {
    const reply = await post(server.port, M4A);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('audio/wav');
    const wav = readWav(reply.body);
    expect(wav.sampleRate).toBe(24_000);
    expect(wav.frames / 24_000).toBeGreaterThan(1); // the simulated model's answer, not silence of an empty turn
    expect(simulator.sessions).toHaveLength(0); // no Realtime session: the turn went over GPT-Live
    const session = simulator.liveSessions.at(-1)!;
    expect(session.violations).toEqual([]);
    const types = session.received.map(typeOf);
    expect(types[0]).toBe('session.start');
    expect(types.filter((t) => t === 'session.input_audio.append').length).toBeGreaterThan(10); // the recording, streamed
    expect(server.activeTurns).toBe(0);
  }, 40_000);

  it('NDJSON over GPT-Live: the user’s and the model’s transcripts, audio, and done; a follow-up keeps the session', async () => {
    const before = simulator.liveSessions.length;
    const first = await post(server.port, M4A, { Accept: 'application/x-ndjson', 'X-Kaiwa-Conversation': 'live-1' });
    expect(first.status).toBe(200);
    const lines = first.body.toString().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const kinds = new Set(lines.map((l) => l.type));
    for (const kind of ['transcript', 'audio', 'done']) expect(kinds).toContain(kind);
    expect(lines.some((l) => l.type === 'transcript' && l.speaker === 'assistant')).toBe(true);
    expect(lines.at(-1)).toMatchObject({ type: 'done', conversation: 'live-1' });

    expect((await post(server.port, M4A, { 'X-Kaiwa-Conversation': 'live-1' })).status).toBe(200);
    expect(simulator.liveSessions.length).toBe(before + 1); // both turns on one Live session
    expect(simulator.liveSessions.at(-1)!.violations).toEqual([]);
  }, 60_000);
});
