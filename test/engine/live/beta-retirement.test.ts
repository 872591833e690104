import { afterEach, describe, expect, it } from 'vitest';
import { ResilientConnection } from '../../../src/engine/realtime/resilient';
import { resolveEndpoint } from '../../../src/engine/realtime/endpoints';
import { classify, describeFailure } from '../../../src/engine/realtime/reconnect';
import { parseSettings } from '../../../src/engine/settings';
import { startWsServer, type WsServer } from '../realtime/helpers/servers';

/**
 * Since 2026-05-12 OpenAI answers the beta Realtime shape with `beta_api_shape_disabled` and closes
 * with 4000. Kaiwa shows one clear message naming what to change and does not reconnect.
 */
let server: WsServer | null = null;
const keepers: ResilientConnection[] = [];

afterEach(async () => {
  for (const k of keepers.splice(0)) k.close();
  await server?.close();
  server = null;
});

describe('the retired beta Realtime shape', () => {
  it('beta_api_shape_disabled then close 4000: one config failure saying to use GA, and no reconnect', async () => {
    server = await startWsServer();
    let connections = 0;
    server.wss.on('connection', (socket) => {
      connections++;
      socket.once('message', () => {
        socket.send(
          JSON.stringify({
            type: 'error',
            event_id: 'evt_1',
            error: { type: 'invalid_request_error', code: 'beta_api_shape_disabled', message: 'The beta API shape is no longer supported.' },
          }),
        );
        socket.close(4000, 'beta_api_shape_disabled');
      });
    });
    const settings = parseSettings({ provider: 'custom', url: `ws://127.0.0.1:${server.port}/v1/realtime?model=gpt-realtime`, dialect: 'beta' });
    const keeper = new ResilientConnection({
      endpoint: resolveEndpoint(settings, {}),
      sessionUpdate: () => ({ type: 'session.update', session: { type: 'realtime', instructions: 'hi' } }),
      backoff: { baseMs: 5, random: () => 0.5 },
    });
    keepers.push(keeper);
    const failures: { code: string; message: string }[] = [];
    const seen: string[] = [];
    keeper.on('failed', (f) => failures.push(f));
    keeper.on('event', (e) => seen.push(e.type));
    keeper.on('disconnected', () => seen.push('disconnected'));
    keeper.on('state', ({ state }) => seen.push(state));
    await keeper.connect();
    await new Promise((r) => setTimeout(r, 300));
    expect(failures).toHaveLength(1);
    expect(failures[0]!.code).toBe('config');
    expect(failures[0]!.message).toMatch(/beta Realtime API shape/);
    expect(failures[0]!.message).toMatch(/dialect to GA/);
    expect(failures[0]!.message).toMatch(/\/openai\/v1/);
    expect(seen).not.toContain('reconnecting');
    expect(seen).not.toContain('disconnected');
    expect(connections).toBe(1);
  });

  it('a close 4000 naming beta_api_shape_disabled is not retried either; 4000 for another reason still is', () => {
    const retired = { kind: 'close' as const, close: { code: 4000, reason: 'beta_api_shape_disabled', wasClean: true } };
    expect(classify(retired)).toEqual({ retryable: false, code: 'config', rateLimited: false });
    expect(describeFailure(retired)).toMatch(/dialect to GA/);
    const other = { kind: 'close' as const, close: { code: 4000, reason: 'maintenance', wasClean: true } };
    expect(classify(other).retryable).toBe(true);
  });
});
