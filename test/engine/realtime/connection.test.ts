import { once } from 'node:events';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { createI18n, messageWords } from '../../../src/shared/i18n';
import { ConnectionError, RealtimeConnection, type CloseInfo, type ProtocolErrorInfo } from '../../../src/engine/realtime/connection';
import { resolveEndpoint, type Endpoint } from '../../../src/engine/realtime/endpoints';
import { parseSettings, type SettingsInput } from '../../../src/engine/settings';
import type { RealtimeServerEvent } from '../../../src/engine/realtime/dialects';
import { startRefusingServer, startSilentServer, startWsServer, unusedPort, type Started } from './helpers/servers';

const KEY = 'sk-test-0123456789abcdef';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function track<T extends Started>(server: T): T {
  cleanups.push(() => server.close());
  return server;
}

function connection(endpoint: Endpoint, connectTimeoutMs?: number): RealtimeConnection {
  const conn = new RealtimeConnection(endpoint, { connectTimeoutMs });
  cleanups.push(() => conn.close());
  return conn;
}

function local(port: number, input: SettingsInput = {}, path = '/v1/realtime'): Endpoint {
  return resolveEndpoint(parseSettings({ provider: 'local', ...input }), {}, { localUrl: `ws://127.0.0.1:${port}${path}` });
}

/** The OpenAI endpoint (its headers) pointed at a local server: its own URL is the real API. */
function retarget(endpoint: Endpoint, port: number): Endpoint {
  const url = new URL(endpoint.url);
  const local = { ...endpoint, url: `ws://127.0.0.1:${port}${url.pathname}${url.search}`, redactedUrl: `ws://127.0.0.1:${port}${url.pathname}` };
  Object.defineProperty(local, 'headers', { value: endpoint.headers, enumerable: false });
  return local as Endpoint;
}

async function rejection(promise: Promise<unknown>): Promise<ConnectionError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ConnectionError);
    return err as ConnectionError;
  }
  throw new Error('expected connect() to fail');
}

async function open(input: SettingsInput = {}): Promise<{ conn: RealtimeConnection; socket: WebSocket }> {
  const server = track(await startWsServer());
  const conn = connection(local(server.port, input));
  const accepted = server.nextConnection();
  await conn.connect();
  const { socket } = await accepted;
  return { conn, socket };
}

describe('handshake', () => {
  it.each([
    ['OpenAI GA', { provider: 'openai' }, { authorization: `Bearer ${KEY}` }, [], '/v1/realtime?model=gpt-realtime'],
    ['OpenAI beta', { provider: 'openai', dialect: 'beta' }, { authorization: `Bearer ${KEY}`, 'openai-beta': 'realtime=v1' }, [], '/v1/realtime?model=gpt-realtime'],
  ] as const)('%s headers arrive', async (_name, input, headers, absent, path) => {
    const server = track(await startWsServer());
    const endpoint = retarget(resolveEndpoint(parseSettings(input), { apiKey: KEY }), server.port);
    const accepted = server.nextConnection();
    await connection(endpoint).connect();
    const { request } = await accepted;
    expect(request.url).toBe(path);
    expect(request.headers).toMatchObject(headers);
    for (const name of absent) expect(request.headers).not.toHaveProperty(name);
  });

  it('Azure GA and preview: path, query and api-key arrive (no Authorization)', async () => {
    const server = track(await startWsServer());
    const azure = (extra: SettingsInput['azure']) =>
      resolveEndpoint(parseSettings({ provider: 'azure', azure: { endpoint: `http://127.0.0.1:${server.port}`, deployment: 'rt', ...extra } }), { apiKey: KEY });

    let accepted = server.nextConnection();
    await connection(azure({})).connect();
    let { request } = await accepted;
    expect(request.url).toBe('/openai/v1/realtime?model=rt');
    expect(request.headers['api-key']).toBe(KEY);
    expect(request.headers).not.toHaveProperty('authorization');
    expect(request.headers).not.toHaveProperty('openai-beta');

    accepted = server.nextConnection();
    const preview = connection(azure({ apiVersion: '2024-10-01-preview' }));
    await preview.connect();
    ({ request } = await accepted);
    expect(preview.dialect.name).toBe('beta');
    expect(request.url).toBe('/openai/realtime?api-version=2024-10-01-preview&deployment=rt');
    expect(request.headers['api-key']).toBe(KEY);
  });

  it('custom URL with a key sends Bearer; local sends no auth', async () => {
    const server = track(await startWsServer());
    let accepted = server.nextConnection();
    await connection(resolveEndpoint(parseSettings({ provider: 'custom', url: `ws://127.0.0.1:${server.port}/rt` }), { apiKey: KEY })).connect();
    expect((await accepted).request.headers.authorization).toBe(`Bearer ${KEY}`);

    accepted = server.nextConnection();
    await connection(local(server.port)).connect();
    const { request } = await accepted;
    expect(request.headers).not.toHaveProperty('authorization');
    expect(request.headers).not.toHaveProperty('api-key');
  });

  it.each([
    [401, 'auth', 'The API key was rejected (401).', 'failure.httpKeyRejected'],
    [403, 'auth', 'The API key has no access to this model or resource (403).', 'failure.httpNoAccess'],
    [404, 'not-found', 'The model or deployment was not found (404).', 'failure.httpNotFound'],
    [429, 'rate-limit', 'Too many requests, or the quota is used up (429).', 'failure.httpTooManyRequests'],
    [500, 'server', 'The server failed to open the session (500).', 'failure.httpServerFailed'],
    [503, 'server', 'The server failed to open the session (503).', 'failure.httpServerFailed'],
    [400, 'config', 'The server refused the request (400); check the endpoint settings.', 'failure.httpRefused'],
  ] as const)('HTTP %i -> %s', async (status, code, message, key) => {
    const body = JSON.stringify({ error: { message: `Bad thing, key ${KEY} echoed.`, type: 'invalid_request_error' } });
    const server = track(await startRefusingServer(status, body));
    const endpoint = retarget(resolveEndpoint(parseSettings({ provider: 'openai' }), { apiKey: KEY }), server.port);
    const conn = connection(endpoint);
    const error = await rejection(conn.connect());
    expect(error.code).toBe(code);
    expect(error.status).toBe(status);
    expect(error.message).toBe(`${message} The server said: Bad thing, key *** echoed.`);
    // For people: the status's own key, the server's words passed on (masked) beside it.
    expect(error.said).toEqual({ key: 'failure.serverSaid', params: { failure: { key, params: { status } }, detail: 'Bad thing, key *** echoed.' } });
    expect(conn.state).toBe('closed');
  });

  it('a non-JSON refusal body is not echoed', async () => {
    const server = track(await startRefusingServer(401, '<html>Authorization: Bearer x</html>', 'text/html'));
    const error = await rejection(connection(local(server.port)).connect());
    expect(error).toMatchObject({ code: 'auth', status: 401, message: 'The API key was rejected (401).' });
    expect(error.said).toEqual({ key: 'failure.httpKeyRejected', params: { status: 401 } });
  });

  it('a server that accepts TCP but never answers -> network timeout, not before the set time', async () => {
    const server = track(await startSilentServer());
    const timeout = 300;
    const started = performance.now();
    const error = await rejection(connection(local(server.port), timeout).connect());
    const elapsed = performance.now() - started;
    expect(error.code).toBe('network');
    expect(error.message).toBe(`Connecting to 127.0.0.1:${server.port} timed out after 300 ms.`);
    expect(error.said).toEqual({ key: 'failure.timedOut', params: { host: `127.0.0.1:${server.port}`, ms: 300 } });
    expect(elapsed).toBeGreaterThanOrEqual(timeout - 5);
    expect(elapsed).toBeLessThan(timeout + 2_000);
  });

  it('a refused port -> network', async () => {
    const port = await unusedPort();
    const error = await rejection(connection(local(port)).connect());
    expect(error).toMatchObject({ code: 'network', message: `Could not connect to 127.0.0.1:${port}: the connection was refused.` });
    expect(error.said).toEqual({ key: 'failure.refused', params: { host: `127.0.0.1:${port}` } });
  });

  it('close() during connect rejects it; connect() twice is refused', async () => {
    const server = track(await startSilentServer());
    const conn = connection(local(server.port));
    const pending = conn.connect();
    conn.close();
    const closed = await rejection(pending);
    expect(closed.message).toBe('The connection was closed before it opened.');
    expect(closed.said).toEqual({ key: 'failure.closedBeforeOpen' });
    const twice = await rejection(conn.connect());
    expect(twice.code).toBe('internal');
    expect(twice.said).toEqual({ key: 'failure.openedTwice' });
  });
});

describe('open connection', () => {
  it('decodes server events and encodes client events (GA)', async () => {
    const { conn, socket } = await open();
    const received = once(conn, 'event') as Promise<[RealtimeServerEvent]>;
    socket.send(JSON.stringify({ type: 'response.output_audio.delta', event_id: 'e', response_id: 'r', item_id: 'i', output_index: 0, content_index: 0, delta: 'AAA=' }));
    expect((await received)[0]).toMatchObject({ type: 'response.output_audio.delta', delta: 'AAA=' });

    const inbound = once(socket, 'message');
    conn.send({ type: 'input_audio_buffer.append', audio: 'AAAA' });
    expect(JSON.parse(String((await inbound)[0]))).toEqual({ type: 'input_audio_buffer.append', audio: 'AAAA' });
    expect(conn.bufferedAmount).toBeGreaterThanOrEqual(0);
  });

  it('translates both ways in the beta dialect', async () => {
    const { conn, socket } = await open({ dialect: 'beta' });
    const received = once(conn, 'event') as Promise<[RealtimeServerEvent]>;
    socket.send(JSON.stringify({ type: 'response.audio.delta', event_id: 'e', response_id: 'r', item_id: 'i', output_index: 0, content_index: 0, delta: 'AAA=' }));
    expect((await received)[0].type).toBe('response.output_audio.delta');

    const inbound = once(socket, 'message');
    conn.send({ type: 'session.update', session: { type: 'realtime', output_modalities: ['audio'], audio: { output: { voice: 'marin' } } } });
    expect(JSON.parse(String((await inbound)[0]))).toEqual({ type: 'session.update', session: { modalities: ['text', 'audio'], voice: 'marin' } });
    expect(() => conn.send({ type: 'output_audio_buffer.clear' })).toThrow(/beta Realtime protocol/);
  });

  it('malformed server JSON -> protocol-error, and the connection stays open', async () => {
    const { conn, socket } = await open();
    const errors: ProtocolErrorInfo[] = [];
    conn.on('protocol-error', (info) => errors.push(info));
    const received = once(conn, 'event') as Promise<[RealtimeServerEvent]>;
    socket.send('{"type": "error", oops');
    socket.send(JSON.stringify({ type: 'response.output_audio.delta', response_id: 'r', item_id: 'i', pad: 'x'.repeat(1_000) }));
    socket.send(JSON.stringify({ type: 'a.future.event' }));
    socket.send(Buffer.from([1, 2, 3]), { binary: true });
    socket.send(JSON.stringify({ type: 'input_audio_buffer.cleared', event_id: 'e' }));
    expect((await received)[0].type).toBe('input_audio_buffer.cleared');
    expect(errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/^Invalid JSON/),
      "'response.output_audio.delta' is missing 'delta'.",
      'The server sent a binary frame.',
    ]);
    // For people: by key, put into words in their language.
    const ja = createI18n('ja').t;
    expect(errors.map((e) => (typeof e.said === 'string' ? e.said : messageWords(ja, e.said)))).toEqual([
      expect.stringMatching(/^JSON として読めません：/),
      '「response.output_audio.delta」に「delta」がありません。',
      'サーバーがバイナリフレーム（3 バイト）を送ってきました。Realtime プロトコルにはないものです。',
    ]);
    expect(errors[0]?.raw).toBe('{"type": "error", oops');
    for (const e of errors) expect(e.raw.length).toBeLessThanOrEqual(200);
    expect(conn.state).toBe('open');
    const inbound = once(socket, 'message');
    conn.send({ type: 'input_audio_buffer.commit' });
    expect(JSON.parse(String((await inbound)[0]))).toEqual({ type: 'input_audio_buffer.commit' });
  });

  it('the server closing with a code -> close {code, reason, wasClean: true}', async () => {
    const { conn, socket } = await open();
    const closed = once(conn, 'close') as Promise<[CloseInfo]>;
    socket.close(4000, 'session expired');
    expect((await closed)[0]).toEqual({ code: 4000, reason: 'session expired', wasClean: true });
    expect(conn.state).toBe('closed');
    expect(() => conn.send({ type: 'input_audio_buffer.commit' })).toThrow("Cannot send 'input_audio_buffer.commit': the connection is closed.");
  });

  it('the socket dropping -> close {code: 1006, wasClean: false}', async () => {
    const { conn, socket } = await open();
    const closed = once(conn, 'close') as Promise<[CloseInfo]>;
    socket.terminate();
    expect((await closed)[0]).toEqual({ code: 1006, reason: '', wasClean: false });
  });

  it('close() is idempotent: one close frame (1000), one close event', async () => {
    const { conn, socket } = await open();
    const closes: CloseInfo[] = [];
    conn.on('close', (info) => closes.push(info));
    const serverSaw = once(socket, 'close') as Promise<[number, Buffer]>;
    const closed = once(conn, 'close');
    conn.close();
    conn.close();
    expect(conn.state).toBe('closing');
    await closed;
    conn.close();
    expect((await serverSaw)[0]).toBe(1000);
    expect(closes).toEqual([{ code: 1000, reason: '', wasClean: true }]);
  });

  it('never puts the key in what it exposes, connecting or open', async () => {
    const server = track(await startWsServer());
    const endpoint = retarget(resolveEndpoint(parseSettings({ provider: 'openai' }), { apiKey: KEY }), server.port);
    const conn = connection(endpoint);
    const exposed = () => [JSON.stringify(conn), inspect(conn, { depth: 20, showHidden: false }), String(conn)].join('\n');
    const connecting = conn.connect();
    expect(exposed()).not.toContain(KEY);
    await connecting;
    expect(exposed()).not.toContain(KEY);
    expect(exposed()).toContain('127.0.0.1'); // the check looks at real content
  });
});
