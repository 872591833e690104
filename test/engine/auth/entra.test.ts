import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionError } from '../../../src/engine/realtime/connection';
import { resolveEndpoint } from '../../../src/engine/realtime/endpoints';
import { ResilientConnection } from '../../../src/engine/realtime/resilient';
import { LiveKeeper } from '../../../src/engine/live/keeper';
import { resolveLiveEndpoint } from '../../../src/engine/live/endpoints';
import { liveSessionStart } from '../../../src/engine/session/live/start';
import { parseSettings, type Credentials, type SettingsInput } from '../../../src/engine/settings';
import { Assistant } from '../../../src/engine/assistant';
import { NullInput, NullOutput } from '../../../src/engine/audio/devices/null';
import type { AssistantEvent } from '../../../src/engine/events';
import { startSimulator, type RunningSimulator } from '../../../src/simulator';
import { startWsServer, type WsServer } from '../realtime/helpers/servers';
import { installFakeAz, type FakeAz } from './fake-az';

/**
 * Microsoft Entra ID end to end on 127.0.0.1: a fake `az` on PATH hands out tokens, the bearer
 * header reaches the server on every connect, a token about to expire is fetched anew for the
 * reconnect, and a missing or failing `az` says so in one line. No token in logs or events.
 */

let az: FakeAz | null = null;
const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await az?.cleanup();
  az = null;
});

const entra = (port: number, extra: SettingsInput = {}) =>
  parseSettings({ provider: 'azure', azure: { endpoint: `http://127.0.0.1:${port}`, deployment: 'gpt-realtime', auth: 'entra' }, ...extra });
const UPDATE = () => ({ type: 'session.update' as const, session: { type: 'realtime' as const, instructions: 'hi' } });

async function wsServer(): Promise<WsServer> {
  const server = await startWsServer();
  closers.push(() => server.close());
  return server;
}

function connection(port: number, credentials: Credentials = {}): ResilientConnection {
  const c = new ResilientConnection({ endpoint: resolveEndpoint(entra(port), credentials), sessionUpdate: UPDATE, rollover: false, backoff: { baseMs: 5, maxMs: 10 } });
  closers.push(() => c.close());
  return c;
}

/** Refuses every upgrade with `status`, its error message quoting the Authorization header it got (as some gateways do). */
async function echoingRefusal(status: number): Promise<{ port: number }> {
  const server = createServer();
  server.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
    const body = JSON.stringify({ error: { message: `Principal with ${req.headers.authorization ?? 'nothing'} lacks data action Microsoft.CognitiveServices/accounts/OpenAI/*` } });
    socket.end(`HTTP/1.1 ${status} Refused\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  closers.push(() => new Promise((resolve) => server.close(resolve)));
  return { port: (server.address() as AddressInfo).port };
}

async function refusal(promise: Promise<unknown>): Promise<ConnectionError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(ConnectionError);
  return error as ConnectionError;
}

describe('Microsoft Entra ID through the Azure CLI', () => {
  it('sends the token as Authorization: Bearer (no api-key); a token expiring in a minute is fetched anew for the reconnect', async () => {
    az = await installFakeAz({ expiresInS: 60 });
    const server = await wsServer();
    const c = connection(server.port);
    const first = server.nextConnection();
    await c.connect();
    const { socket, request } = await first;
    expect(request.url).toBe('/openai/v1/realtime?model=gpt-realtime');
    expect(request.headers.authorization).toBe('Bearer fake-entra-token-1');
    expect(request.headers).not.toHaveProperty('api-key');
    expect(await az.args()).toEqual([expect.stringMatching(/^account get-access-token --output json --resource https:\/\/cognitiveservices\.azure\.com$/)]);

    const second = server.nextConnection();
    socket.terminate();
    const again = await second;
    expect(again.request.headers.authorization).toBe('Bearer fake-entra-token-2');
    expect(await az.calls()).toBe(2);
  });

  it('a token good for an hour is kept for the reconnect (no second az run)', async () => {
    az = await installFakeAz({ expiresInS: 3600 });
    const server = await wsServer();
    const c = connection(server.port);
    const first = server.nextConnection();
    await c.connect();
    const second = server.nextConnection();
    (await first).socket.terminate();
    expect((await second).request.headers.authorization).toBe('Bearer fake-entra-token-1');
    expect(await az.calls()).toBe(1);
  });

  it('az (and azd) not installed: one clear line, no connection attempted', async () => {
    az = await installFakeAz(null);
    const server = await wsServer();
    let upgrades = 0;
    server.wss.on('connection', () => upgrades++);
    const error = await refusal(connection(server.port).connect());
    expect(error.code).toBe('auth');
    expect(error.said).toEqual({ key: 'auth.cliMissing' });
    expect(upgrades).toBe(0);
  });

  it('az not signed in, or signed in to another tenant: said as such', async () => {
    az = await installFakeAz({ stderr: "ERROR: Please run 'az login' to setup account." });
    expect((await refusal(connection(1).connect())).said).toEqual({ key: 'auth.notSignedIn' });
    await az.cleanup();
    az = await installFakeAz({ stderr: "ERROR: AADSTS90002: Tenant '0000-bad' not found. Check to make sure you have the correct tenant ID." });
    expect((await refusal(connection(1).connect())).said).toEqual({ key: 'auth.wrongTenant' });
  });

  it('401 and 403 from the resource: the token refused, or the account lacks the role; the token masked in what the server said', async () => {
    az = await installFakeAz({ expiresInS: 3600 });
    for (const [status, key] of [[403, 'failure.entraNoRole'], [401, 'failure.entraRejected']] as const) {
      const refusing = await echoingRefusal(status);
      const error = await refusal(connection(refusing.port).connect());
      expect(error.code).toBe('auth');
      expect(error.said).toMatchObject({ key: 'failure.serverSaid', params: { failure: { key, params: { status } } } });
      expect(JSON.stringify(error.said) + error.message).not.toContain('fake-entra-token');
    }
  });

  it('an injected token source (the app’s browser sign-in) is used instead of the CLI', async () => {
    az = await installFakeAz(null);
    const server = await wsServer();
    const scopes: unknown[] = [];
    const c = connection(server.port, { azureTokens: { getToken: async (scope) => (scopes.push(scope), { token: 'browser-token', expiresOnTimestamp: Date.now() + 3_600_000 }) } });
    const first = server.nextConnection();
    await c.connect();
    expect((await first).request.headers.authorization).toBe('Bearer browser-token');
    expect(scopes).toEqual(['https://cognitiveservices.azure.com/.default']);
  });
});

describe('Entra on every Azure shape, against the simulator (it admits only the token az handed out)', () => {
  let sim: RunningSimulator;
  /** Each endpoint resolved (each conversation) runs az once: the Nth admits token N. */
  async function simulator(token = 1): Promise<RunningSimulator> {
    az ??= await installFakeAz({ expiresInS: 3600 });
    const started = await startSimulator({ requireApiKey: `fake-entra-token-${token}`, replyMs: 300, realtimeFactor: 50 });
    closers.push(() => started.close());
    return (sim = started);
  }

  it('Realtime preview (beta, api-version URL) and GPT-Live open with the bearer token', async () => {
    await simulator();
    const beta = new ResilientConnection({ endpoint: resolveEndpoint(entra(sim.port, { azure: { endpoint: `http://127.0.0.1:${sim.port}`, deployment: 'gpt-4o-realtime-preview', auth: 'entra', apiVersion: '2024-10-01-preview' } }), {}), sessionUpdate: UPDATE, rollover: false });
    closers.push(() => beta.close());
    const session = sim.nextSession(0);
    await beta.connect();
    expect((await session).dialect).toBe('beta');

    await simulator(2);
    const liveSettings = entra(sim.port, { protocol: 'live', azure: { endpoint: `http://127.0.0.1:${sim.port}`, deployment: 'gpt-live-1', auth: 'entra' } });
    const keeper = new LiveKeeper({ endpoint: resolveLiveEndpoint(liveSettings, {}), start: () => liveSessionStart(liveSettings, []), renewal: false, closeTimeoutMs: 200 });
    closers.push(() => keeper.close());
    const started = await keeper.open();
    expect(started.session.model).toBe('gpt-live-1');
  });

  it('a whole conversation: the token is in no event, no log line, no endpoint print', async () => {
    await simulator();
    const events: AssistantEvent[] = [];
    const log: string[] = [];
    const settings = entra(sim.port);
    const assistant = new Assistant({ settings, credentials: {}, input: new NullInput(), output: new NullOutput(), log: (line) => log.push(line) });
    assistant.subscribe((e) => events.push(e));
    closers.push(() => assistant.stop());
    await assistant.start();
    expect(assistant.state).toBe('listening');
    const endpoint = resolveEndpoint(settings, {});
    const seen = JSON.stringify(events) + log.join('\n') + JSON.stringify(endpoint) + inspect(endpoint, { showHidden: false });
    expect(seen).not.toContain('fake-entra-token');
    expect(events.filter((e) => e.type === 'error')).toEqual([]);
  });
});
