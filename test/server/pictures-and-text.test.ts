import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type Settings } from '../../src/engine';
import { readWav } from '../../src/engine/audio/wav';
import { startKaiwaServer, type KaiwaServer } from '../../src/server';
import { startSimulator, type RunningSimulator } from '../../src/simulator';
import { formBody, postTurn, type TurnReply } from '../../harness/turn-endpoint';
import { plainPng, writeBadPictures, type BadPicture } from '../../harness/pictures';
import { tempDir } from '../../harness/temp';

// POST /v1/turn with pictures and typed words (issue 23): multipart/form-data with an audio (or a
// text) part and image parts, and text/plain answered aloud; every bad request a JSON error.

const M4A = readFileSync(join(__dirname, '../fixtures/recordings/question.m4a'));
const TOKEN = 'pictures-test-token-0123456789abcdefghijklmnopqrs';

const errorOf = (reply: TurnReply) => (JSON.parse(reply.body.toString()) as { error: { code: string; message: string } }).error;
const typesOf = (received: Array<{ event: unknown }>) => received.map((r) => (r.event as { type?: string }).type);
/** The content types of the user items the simulator received, in order. */
function userParts(received: Array<{ event: unknown }>): string[] {
  return received.flatMap(({ event }) => {
    const e = event as { type?: string; item?: { role?: string; content?: Array<{ type: string }> } };
    return e.type === 'conversation.item.create' && e.item?.role === 'user' ? (e.item.content ?? []).map((c) => c.type) : [];
  });
}
const ndjson = (reply: TurnReply) => reply.body.toString().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

async function serve(settings: Settings, simulator: RunningSimulator, maxBodyBytes?: number): Promise<KaiwaServer> {
  return startKaiwaServer({ settings, credentials: {}, localUrl: simulator.url, token: TOKEN, port: 0, ...(maxBodyBytes ? { maxBodyBytes } : {}) });
}

describe('kaiwa serve: pictures and typed words', () => {
  let simulator: RunningSimulator;
  let server: KaiwaServer;
  let red: Buffer;
  let blue: Buffer;

  beforeAll(async () => {
    simulator = await startSimulator({ port: 0 });
    server = await serve({ ...DEFAULT_SETTINGS, provider: 'local', protocol: 'realtime' }, simulator);
    [red, blue] = await Promise.all([plainPng(800, 600, [220, 30, 30]), plainPng(300, 300, [20, 40, 220])]);
  });
  afterAll(async () => {
    await server.close();
    await simulator.close();
  });

  it('multipart: an audio part and two image parts; the pictures join the conversation before the recording is committed', async () => {
    const form = await formBody([
      ['audio', { data: M4A, file: 'question.m4a', type: 'audio/mp4' }],
      ['image', { data: red, file: 'red.png', type: 'image/png' }],
      ['image', { data: blue, file: 'blue.png', type: 'image/png' }],
    ]);
    const reply = await postTurn(server.port, TOKEN, form.body, form.contentType);
    expect(reply.status, reply.body.toString()).toBe(200);
    expect(reply.type).toBe('audio/wav');
    expect(readWav(reply.body).frames).toBeGreaterThan(24_000);
    const received = simulator.sessions.at(-1)!.received as Array<{ event: unknown }>;
    const types = typesOf(received);
    const images = received.filter(({ event }) => JSON.stringify(event).includes('"input_image"'));
    expect(images).toHaveLength(2);
    const lastImage = received.lastIndexOf(images[1]!);
    expect(lastImage).toBeLessThan(types.indexOf('input_audio_buffer.commit'));
  }, 30_000);

  it('text/plain in UTF-8: the words are a typed turn, answered aloud (NDJSON: the typed line and the reply)', async () => {
    const reply = await postTurn(server.port, TOKEN, Buffer.from('東京の天気は？'), 'text/plain; charset=utf-8', { Accept: 'application/x-ndjson' });
    expect(reply.status, reply.body.toString()).toBe(200);
    const lines = ndjson(reply);
    expect(lines.find((l) => l.type === 'transcript' && l.speaker === 'user')).toMatchObject({ text: '東京の天気は？', typed: true });
    expect(lines.find((l) => l.type === 'transcript' && l.speaker === 'assistant')?.text).toMatch(/東京の天気は？/);
    expect(lines.filter((l) => l.type === 'audio').length).toBeGreaterThan(0);
    const received = simulator.sessions.at(-1)!.received as Array<{ event: unknown }>;
    expect(userParts(received)).toEqual(['input_text']);
    expect(typesOf(received)).not.toContain('input_audio_buffer.commit');
  }, 30_000);

  it('multipart: a text part with a picture', async () => {
    const form = await formBody([['text', 'What colour is this?'], ['image', { data: red, file: 'red.png' }]]);
    const reply = await postTurn(server.port, TOKEN, form.body, form.contentType, { Accept: 'application/x-ndjson' });
    expect(reply.status, reply.body.toString()).toBe(200);
    const received = simulator.sessions.at(-1)!.received as Array<{ event: unknown }>;
    expect(userParts(received)).toEqual(['input_image', 'input_text']);
    // The picture as the model got it (downscaled inside 1024 px), without its thumbnail; then the answer.
    const lines = ndjson(reply);
    expect(lines.find((l) => l.type === 'picture')).toMatchObject({ picture: { width: 800, height: 600, mime: 'image/jpeg', source: 'endpoint', name: 'red.png' } });
    expect(JSON.stringify(lines)).not.toContain('thumbnail');
    expect(lines.at(-1)).toMatchObject({ type: 'done' });
  }, 30_000);

  it('refuses a bad picture with a JSON error saying what is wrong, before anything reaches the model; the conversation goes on', async () => {
    const dir = await tempDir();
    try {
      const bad = await writeBadPictures(dir.file);
      const expected: Record<Exclude<BadPicture, 'over-50-mb'>, RegExp> = {
        'not-an-image': /not a picture/,
        'zero-px': /damaged|0 px/,
        'thirty-thousand-px': /30000×2 px/,
        'corrupt-png': /damaged/,
      };
      const sessionsBefore = simulator.sessions.length;
      for (const [name, message] of Object.entries(expected)) {
        const form = await formBody([['audio', { data: M4A, file: 'q.m4a' }], ['image', { data: red, file: 'fine.png' }], ['image', { data: await readFile(bad[name as BadPicture]), file: `${name}.png` }]]);
        const reply = await postTurn(server.port, TOKEN, form.body, form.contentType, { 'X-Kaiwa-Conversation': 'kept' });
        expect(reply.status, name).toBe(400);
        const error = errorOf(reply);
        expect(error.code).toBe('bad-image');
        expect(error.message).toMatch(message);
      }
      expect(simulator.sessions.length).toBe(sessionsBefore); // nothing opened for a refused turn
      // The same conversation answers the next (good) request.
      expect((await postTurn(server.port, TOKEN, M4A, 'audio/mp4', { 'X-Kaiwa-Conversation': 'kept' })).status).toBe(200);
    } finally {
      await dir.cleanup();
    }
  }, 60_000);

  it.each([
    ['empty words', Buffer.from('  \n '), 'text/plain; charset=utf-8', 400, 'empty'],
    ['more than 4,000 characters', Buffer.from('あ'.repeat(4001)), 'text/plain; charset=utf-8', 400, 'too-long'],
    ['words not in UTF-8', Buffer.from([0x82, 0xa0, 0x82, 0xa2]), 'text/plain', 400, 'bad-text'],
    ['another charset', Buffer.from('hi'), 'text/plain; charset=shift_jis', 415, 'media-type'],
    ['a form that does not parse', Buffer.from('not a form'), 'multipart/form-data; boundary=xyz', 400, 'bad-form'],
  ])('%s: a JSON error with its status', async (_name, body, type, status, code) => {
    const reply = await postTurn(server.port, TOKEN, body, type);
    expect(reply.status).toBe(status);
    expect(errorOf(reply).code).toBe(code);
  });

  it('refuses forms without a turn, with two, with unknown parts or too many pictures', async () => {
    const cases: Array<[Parameters<typeof formBody>[0], string, RegExp]> = [
      [[['image', { data: red, file: 'a.png' }]], 'empty', /no audio part and no text part/],
      [[['text', 'hi'], ['audio', { data: M4A, file: 'q.m4a' }]], 'bad-form', /one audio part or one text part/],
      [[['text', 'hi'], ['picture', { data: red, file: 'a.png' }]], 'bad-form', /unknown part 'picture'/],
      [[['text', 'hi'], ...Array.from({ length: 9 }, () => ['image', { data: red, file: 'a.png' }] as [string, { data: Buffer; file: string }])], 'too-many-images', /at most 8/],
      [[['text', 'hi'], ['image', 'not a file']], 'bad-image', /text field/],
    ];
    for (const [parts, code, message] of cases) {
      const form = await formBody(parts);
      const reply = await postTurn(server.port, TOKEN, form.body, form.contentType);
      expect(reply.status, code).toBe(400);
      expect(errorOf(reply)).toMatchObject({ code, message: expect.stringMatching(message) });
    }
  });

  it('keeps the size limit for forms: 413', async () => {
    const small = await serve({ ...DEFAULT_SETTINGS, provider: 'local', protocol: 'realtime' }, simulator, 100_000);
    try {
      const form = await formBody([['audio', { data: M4A, file: 'q.m4a' }], ['image', { data: Buffer.alloc(200_000, 7), file: 'big.png' }]]);
      const reply = await postTurn(small.port, TOKEN, form.body, form.contentType);
      expect(reply.status).toBe(413);
      expect(errorOf(reply).code).toBe('too-large');
    } finally {
      await small.close();
    }
  });
});

describe('kaiwa serve: a conversation that cannot take pictures', () => {
  it('the beta dialect: one clear JSON error, nothing sent; words alone still work', async () => {
    const simulator = await startSimulator({ port: 0, dialect: 'beta' });
    const server = await serve({ ...DEFAULT_SETTINGS, provider: 'local', protocol: 'realtime', dialect: 'beta' }, simulator);
    try {
      const form = await formBody([['text', 'What is this?'], ['image', { data: await plainPng(10, 10), file: 'a.png' }]]);
      const reply = await postTurn(server.port, TOKEN, form.body, form.contentType);
      expect(reply.status).toBe(400);
      expect(errorOf(reply)).toMatchObject({ code: 'pictures-unsupported', message: expect.stringMatching(/beta/i) });
      expect(simulator.sessions).toHaveLength(0);
      expect((await postTurn(server.port, TOKEN, Buffer.from('Hello'), 'text/plain; charset=utf-8')).status).toBe(200);
    } finally {
      await server.close();
      await simulator.close();
    }
  }, 30_000);
});
