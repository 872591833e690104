import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startSimulator, type SimulatorOptions } from '../../../src/simulator';
import type { ConnectOptions } from './client';
import { useSimulator } from './helpers';

const harness = useSimulator();
const start = (options?: SimulatorOptions) => harness.start(options);
const connect = (options?: ConnectOptions) => harness.open(options);

/** The handshake's HTTP status and body, for refused upgrades. */
function handshake(url: string, headers: Record<string, string>): Promise<{ status: number; body: string } | 'open'> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => {
      ws.close();
      resolve('open');
    });
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.once('error', (err) => {
      if (!String(err.message).includes('Unexpected server response')) reject(err);
    });
  });
}

describe('handshake and session.created', () => {
  it('speaks GA by default: session.created with the GA session shape first', async () => {
    const { url } = await start();
    expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/v1\/realtime\?model=/);
    const client = await connect();
    const created = await client.next('session.created');
    expect(client.received[0]!.event.type).toBe('session.created');
    const session = created.session as { id: string };
    expect(session).toMatchObject({
      type: 'realtime',
      object: 'realtime.session',
      model: 'gpt-realtime',
      audio: {
        input: { format: { type: 'audio/pcm', rate: 24000 }, turn_detection: { type: 'server_vad', create_response: true, interrupt_response: true } },
        output: { format: { type: 'audio/pcm', rate: 24000 } },
      },
    });
    expect(session.id).toMatch(/^sess_\w+$/);
    expect(harness.sim().sessions[0]!.dialect).toBe('ga');
  });

  it('speaks beta when the handshake carries OpenAI-Beta: realtime=v1', async () => {
    await start();
    const client = await connect({ dialect: 'beta' });
    const created = await client.next('session.created');
    expect(created.session).toMatchObject({ turn_detection: { type: 'server_vad' }, input_audio_format: 'pcm16' });
    expect(created.session).not.toHaveProperty('audio');
    expect(harness.sim().sessions[0]!.dialect).toBe('beta');
  });

  it("speaks beta on Azure's preview path and takes the deployment as the model name only when beta allows it", async () => {
    await start();
    const client = await connect({
      dialect: 'beta',
      headers: { 'OpenAI-Beta': '' },
      path: '/openai/realtime?api-version=2024-10-01-preview&deployment=gpt-4o-realtime-preview',
    });
    const created = await client.next('session.created');
    expect(harness.sim().sessions[0]!.dialect).toBe('beta');
    expect((created.session as { model: string }).model).toBe('gpt-4o-realtime-preview');
  });

  it('accepts any path and query in GA, reporting the asked model', async () => {
    await start();
    const client = await connect({ path: '/openai/v1/realtime?model=my-deployment' });
    const created = await client.next('session.created');
    expect((created.session as { model: string }).model).toBe('my-deployment');
    expect(harness.sim().sessions[0]!.dialect).toBe('ga');
  });

  it('a forced dialect option wins over the headers', async () => {
    await start({ dialect: 'beta' });
    const client = await connect({ dialect: 'beta', headers: { 'OpenAI-Beta': '' } });
    await client.next('session.created');
    expect(harness.sim().sessions[0]!.dialect).toBe('beta');
  });
});

describe('requireApiKey', () => {
  const KEY = 'sk-test-simulator-0123456789';

  it('refuses a handshake without a key: 401 with an OpenAI-shaped JSON error', async () => {
    const { url } = await start({ requireApiKey: KEY });
    const result = await handshake(url, {});
    expect(result).not.toBe('open');
    const { status, body } = result as { status: number; body: string };
    expect(status).toBe(401);
    expect(JSON.parse(body)).toMatchObject({ error: { type: 'invalid_request_error', message: expect.stringContaining('API key') } });
    expect(harness.sim().sessions).toHaveLength(0);
  });

  it('refuses a wrong key with code invalid_api_key, never echoing the key', async () => {
    const { url } = await start({ requireApiKey: KEY });
    const result = (await handshake(url, { Authorization: 'Bearer sk-wrong-key-42' })) as { status: number; body: string };
    expect(result.status).toBe(401);
    expect(JSON.parse(result.body).error.code).toBe('invalid_api_key');
    expect(result.body).not.toContain('sk-wrong-key-42');
    expect(result.body).not.toContain(KEY);
  });

  it('accepts the key as a Bearer token or as the api-key header', async () => {
    const { url } = await start({ requireApiKey: KEY });
    expect(await handshake(url, { Authorization: `Bearer ${KEY}` })).toBe('open');
    expect(await handshake(url, { 'api-key': KEY })).toBe('open');
  });

  it("accepts the browser form (subprotocol openai-insecure-api-key.KEY) and agrees to 'realtime' only", async () => {
    const { url } = await start({ requireApiKey: KEY });
    const ws = new WebSocket(url, ['realtime', `openai-insecure-api-key.${KEY}`]);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    expect(ws.protocol).toBe('realtime');
    ws.close();
    expect(await handshake(url, { 'Sec-WebSocket-Protocol': 'realtime, openai-insecure-api-key.sk-nope' })).toMatchObject({ status: 401 });
  });
});

describe.each(['ga', 'beta'] as const)('session.update and invalid events (%s)', (dialect) => {
  it('merges session.update and answers session.updated with the full configuration', async () => {
    await start();
    const client = await connect({ dialect });
    await client.next('session.created');
    client.send({
      type: 'session.update',
      session: {
        type: 'realtime',
        instructions: 'Be brief.',
        audio: {
          input: { transcription: { model: 'whisper-1' }, turn_detection: { type: 'server_vad', silence_duration_ms: 500 } },
        },
      },
    });
    const updated = (await client.next('session.updated')).session;
    const session = harness.sim().sessions[0]!;
    expect(session.config.instructions).toBe('Be brief.');
    expect(session.config.audio.input.transcription).toEqual({ model: 'whisper-1' });
    expect(session.config.audio.input.turn_detection).toMatchObject({ type: 'server_vad', silence_duration_ms: 500, threshold: 0.5, prefix_padding_ms: 300 });
    const td = { type: 'server_vad', silence_duration_ms: 500, prefix_padding_ms: 300 };
    expect(updated).toMatchObject(dialect === 'ga' ? { audio: { input: { turn_detection: td } } } : { turn_detection: td });
    expect(updated).toMatchObject({ instructions: 'Be brief.' });

    client.send({ type: 'session.update', session: { type: 'realtime', audio: { input: { turn_detection: null } } } });
    const cleared = (await client.next('session.updated')).session;
    expect(harness.sim().sessions[0]!.config.audio.input.turn_detection).toBeNull();
    // GA reports null; the beta schema has no null here, so beta leaves the field out (see spec-gaps.ts).
    if (dialect === 'ga') expect(cleared).toMatchObject({ audio: { input: { turn_detection: null } } });
    else expect(cleared).not.toHaveProperty('turn_detection');
    expect(cleared).toMatchObject({ instructions: 'Be brief.' });
  });

  it('answers an invalid client event with the error event a real server sends, and carries on', async () => {
    await start();
    const client = await connect({ dialect });
    await client.next('session.created');

    client.sendRaw({ type: 'input_audio_buffer.append', event_id: 'evt_client_1' });
    const missing = await client.next('error');
    expect(missing.error).toEqual({
      type: 'invalid_request_error',
      code: 'missing_required_parameter',
      message: "Missing required parameter: 'audio'.",
      param: 'audio',
      event_id: 'evt_client_1',
    });

    client.sendRaw({ type: 'conversation.item.frobnicate', event_id: 'evt_client_2' });
    const unknown = await client.next('error');
    expect(unknown.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_value', param: 'type', event_id: 'evt_client_2' });

    client.sendRaw('{"type": "session.update", ');
    const badJson = await client.next('error');
    expect(badJson.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_json', event_id: null });

    client.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    const binary = await client.next('error');
    expect(binary.error).toMatchObject({ code: 'invalid_value', message: expect.stringContaining('Binary frames') });

    client.sendRaw({ type: 'conversation.item.truncate', item_id: 'x', content_index: 'zero', audio_end_ms: 0 });
    const wrongType = await client.next('error');
    expect(wrongType.error).toMatchObject({ code: 'invalid_value', param: 'content_index' });

    // The session is still alive and still listening.
    client.send({ type: 'input_audio_buffer.clear' });
    await client.next('input_audio_buffer.cleared');
    const received = harness.sim().sessions[0]!.received;
    expect(received.map((r) => (typeof r.event === 'string' ? 'text' : (r.event as { type: string }).type))).toEqual([
      'input_audio_buffer.append',
      'conversation.item.frobnicate',
      'text',
      'text',
      'conversation.item.truncate',
      'input_audio_buffer.clear',
    ]);
    expect(received.every((r, i) => i === 0 || r.at >= received[i - 1]!.at)).toBe(true);
  });
});

describe('options', () => {
  it('rejects nonsense options with a clear error', async () => {
    await expect(startSimulator({ replyMs: -5 })).rejects.toThrow(/replyMs must be a positive number/);
    await expect(startSimulator({ port: 70000 })).rejects.toThrow(/port must be an integer/);
  });

  it('listens on the port it was given', async () => {
    const probe = await startSimulator({ port: 0 });
    const port = probe.port;
    await probe.close();
    const fixed = await start({ port });
    expect(fixed.port).toBe(port);
    expect(fixed.url).toContain(`:${port}/`);
  });
});
