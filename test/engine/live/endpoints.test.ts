import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseSettings, type SettingsInput } from '../../../src/engine/settings';
import { EndpointError } from '../../../src/engine/realtime/endpoints';
import { resolveLiveEndpoint, type LiveEndpoint } from '../../../src/engine/live/endpoints';

const KEY = 'sk-live-test-0123456789abcdef';
const settings = (input: SettingsInput) => parseSettings({ model: 'gpt-live-1', ...input });

function expectNoKey(endpoint: LiveEndpoint, key = KEY): void {
  expect(JSON.stringify(endpoint)).not.toContain(key);
  expect(inspect(endpoint, { depth: 5, showHidden: false })).not.toContain(key);
  expect(JSON.stringify({ ...endpoint })).not.toContain(key);
  expect(endpoint.url).not.toContain(key);
  expect(endpoint.redactedUrl).not.toContain(key);
}

describe('resolveLiveEndpoint', () => {
  it('OpenAI: the Live sessions URL with no query string (the model goes in session.start), Bearer auth', () => {
    const endpoint = resolveLiveEndpoint(settings({ provider: 'openai' }), { apiKey: KEY });
    expect(endpoint).toMatchObject({ url: 'wss://api.openai.com/v1/live/sessions', provider: 'openai' });
    expect(new URL(endpoint.url).search).toBe('');
    expect(endpoint.headers).toEqual({ Authorization: `Bearer ${KEY}` });
    expectNoKey(endpoint);
  });

  it('Azure: the resource origin + /openai/v1/live/sessions with the api-key header', () => {
    const endpoint = resolveLiveEndpoint(
      settings({ provider: 'azure', azure: { endpoint: 'https://my-res.openai.azure.com/openai/deployments/x', deployment: 'live' } }),
      { apiKey: KEY },
    );
    expect(endpoint.url).toBe('wss://my-res.openai.azure.com/openai/v1/live/sessions');
    expect(endpoint.headers).toEqual({ 'api-key': KEY });
    expectNoKey(endpoint);
  });

  it('Azure with a Microsoft Entra access token (a JWT): Authorization Bearer instead of api-key', () => {
    const token = 'eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL2NvZ25pdGl2ZXNlcnZpY2VzIn0.c2lnbmF0dXJl';
    const endpoint = resolveLiveEndpoint(settings({ provider: 'azure', azure: { endpoint: 'https://my-res.openai.azure.com' } }), { apiKey: token });
    expect(endpoint.url).toBe('wss://my-res.openai.azure.com/openai/v1/live/sessions');
    expect(endpoint.headers).toEqual({ Authorization: `Bearer ${token}` });
    expectNoKey(endpoint, token);
  });

  it('custom: any ws(s) Live URL as given, Bearer only when a key is set', () => {
    const url = 'ws://10.0.0.5:9000/v1/live/sessions';
    expect(resolveLiveEndpoint(settings({ provider: 'custom', url }), {}).headers).toEqual({});
    const withKey = resolveLiveEndpoint(settings({ provider: 'custom', url }), { apiKey: KEY });
    expect(withKey.url).toBe(url);
    expect(withKey.headers).toEqual({ Authorization: `Bearer ${KEY}` });
    expectNoKey(withKey);
  });

  it('local: the simulator origin + /v1/live/sessions, whatever path the Realtime URL has', () => {
    const endpoint = resolveLiveEndpoint(settings({ provider: 'local' }), {}, { localUrl: 'ws://127.0.0.1:8765/v1/realtime?model=gpt-realtime' });
    expect(endpoint.url).toBe('ws://127.0.0.1:8765/v1/live/sessions');
    expect(endpoint.headers).toEqual({});
  });

  it('a missing key, endpoint or URL is a config error that names what is missing', () => {
    const cases: [SettingsInput, RegExp][] = [
      [{ provider: 'openai' }, /OpenAI API key/],
      [{ provider: 'azure', azure: {} }, /Azure OpenAI API key/],
      [{ provider: 'custom' }, /URL is required/],
    ];
    for (const [input, message] of cases) {
      expect(() => resolveLiveEndpoint(settings(input), {})).toThrow(EndpointError);
      expect(() => resolveLiveEndpoint(settings(input), {})).toThrow(message);
    }
    expect(() => resolveLiveEndpoint(settings({ provider: 'azure', azure: {} }), { apiKey: KEY })).toThrow(/endpoint is required/);
    expect(() => resolveLiveEndpoint(settings({ provider: 'local' }), {})).toThrow(/simulator is not running/);
  });
});
