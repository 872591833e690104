import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseSettings, type SettingsInput } from '../../../src/engine/settings';
import { EndpointError, redactUrl, resolveEndpoint, type Endpoint } from '../../../src/engine/realtime/endpoints';

const KEY = 'sk-test-0123456789abcdef';
const key = { apiKey: KEY };
const settings = (input: SettingsInput) => parseSettings(input);

function expectNoKey(endpoint: Endpoint): void {
  expect(JSON.stringify(endpoint)).not.toContain(KEY);
  expect(inspect(endpoint, { depth: 5 })).not.toContain(KEY);
  expect(String(endpoint)).not.toContain(KEY);
  expect(JSON.stringify({ ...endpoint })).not.toContain(KEY);
  expect(endpoint.url).not.toContain(KEY);
  expect(endpoint.redactedUrl).not.toContain(KEY);
}

function configError(fn: () => unknown): EndpointError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(EndpointError);
    expect((err as EndpointError).code).toBe('config');
    expect((err as Error).message).not.toContain(KEY);
    return err as EndpointError;
  }
  throw new Error('expected an EndpointError');
}

describe('resolveEndpoint', () => {
  it('OpenAI GA: model in the query, Bearer auth', () => {
    const endpoint = resolveEndpoint(settings({ provider: 'openai', model: 'gpt-realtime' }), key);
    expect(endpoint).toMatchObject({
      url: 'wss://api.openai.com/v1/realtime?model=gpt-realtime',
      redactedUrl: 'wss://api.openai.com/v1/realtime?model=gpt-realtime',
      dialect: 'ga',
      provider: 'openai',
    });
    expect(endpoint.headers).toEqual({ Authorization: `Bearer ${KEY}` });
    expectNoKey(endpoint);
  });

  it('OpenAI beta adds the OpenAI-Beta header', () => {
    const endpoint = resolveEndpoint(settings({ provider: 'openai', dialect: 'beta', model: 'gpt-4o-realtime-preview-2024-12-17' }), key);
    expect(endpoint.url).toBe('wss://api.openai.com/v1/realtime?model=gpt-4o-realtime-preview-2024-12-17');
    expect(endpoint.dialect).toBe('beta');
    expect(endpoint.headers).toEqual({ Authorization: `Bearer ${KEY}`, 'OpenAI-Beta': 'realtime=v1' });
    expectNoKey(endpoint);
  });

  it('Azure GA: https endpoint becomes wss, deployment as model, api-key header', () => {
    const endpoint = resolveEndpoint(
      settings({ provider: 'azure', azure: { endpoint: 'https://my-res.openai.azure.com/', deployment: 'my-realtime' } }),
      key,
    );
    expect(endpoint).toMatchObject({ url: 'wss://my-res.openai.azure.com/openai/v1/realtime?model=my-realtime', dialect: 'ga', provider: 'azure' });
    expect(endpoint.headers).toEqual({ 'api-key': KEY });
    expectNoKey(endpoint);
  });

  it('Azure preview when an api-version is set: beta dialect, deployment in the query', () => {
    const endpoint = resolveEndpoint(
      settings({
        provider: 'azure',
        azure: { endpoint: 'https://my-res.openai.azure.com/openai/deployments/x', deployment: 'rt', apiVersion: '2025-04-01-preview' },
      }),
      key,
    );
    expect(endpoint.url).toBe('wss://my-res.openai.azure.com/openai/realtime?api-version=2025-04-01-preview&deployment=rt');
    expect(endpoint.dialect).toBe('beta');
    expect(endpoint.headers).toEqual({ 'api-key': KEY, 'OpenAI-Beta': 'realtime=v1' });
    expectNoKey(endpoint);
  });

  it('Azure with the beta dialect and no api-version uses the preview default', () => {
    const endpoint = resolveEndpoint(
      settings({ provider: 'azure', dialect: 'beta', azure: { endpoint: 'https://r.openai.azure.com', deployment: 'rt' } }),
      key,
    );
    expect(endpoint.url).toBe('wss://r.openai.azure.com/openai/realtime?api-version=2024-10-01-preview&deployment=rt');
    expect(endpoint.dialect).toBe('beta');
  });

  it('custom URL: Bearer only when a key is given; secret query values are redacted', () => {
    const withKey = resolveEndpoint(settings({ provider: 'custom', url: 'wss://gw.example/rt?token=abc123&model=m' }), key);
    expect(withKey.url).toBe('wss://gw.example/rt?token=abc123&model=m');
    expect(withKey.redactedUrl).toBe('wss://gw.example/rt?token=***&model=m');
    expect(withKey.headers).toEqual({ Authorization: `Bearer ${KEY}` });
    expectNoKey(withKey);
    const without = resolveEndpoint(settings({ provider: 'custom', url: 'ws://127.0.0.1:9000/rt' }), {});
    expect(without.headers).toEqual({});
    expect(without.dialect).toBe('ga');
  });

  it('local: the in-process simulator URL, no auth even if a key is stored', () => {
    const endpoint = resolveEndpoint(settings({ provider: 'local' }), key, { localUrl: 'ws://127.0.0.1:4567/v1/realtime' });
    expect(endpoint).toMatchObject({ url: 'ws://127.0.0.1:4567/v1/realtime', provider: 'local', dialect: 'ga' });
    expect(endpoint.headers).toEqual({});
    const beta = resolveEndpoint(settings({ provider: 'local', dialect: 'beta' }), {}, { localUrl: 'ws://127.0.0.1:4567/' });
    expect(beta.headers).toEqual({ 'OpenAI-Beta': 'realtime=v1' });
  });

  it('missing key, endpoint, deployment or URL -> a config error with a human message', () => {
    expect(configError(() => resolveEndpoint(settings({ provider: 'openai' }), {})).message).toBe(
      'An OpenAI API key is required for the OpenAI provider.',
    );
    expect(configError(() => resolveEndpoint(settings({ provider: 'openai' }), { apiKey: '   ' })).message).toMatch(/API key is required/);
    expect(configError(() => resolveEndpoint(settings({ provider: 'azure', azure: { deployment: 'd' } }), key)).message).toMatch(
      /Azure OpenAI endpoint is required/,
    );
    expect(configError(() => resolveEndpoint(settings({ provider: 'azure', azure: { endpoint: 'https://r.openai.azure.com' } }), key)).message).toBe(
      'The Azure OpenAI deployment name is required.',
    );
    expect(configError(() => resolveEndpoint(settings({ provider: 'azure', azure: { endpoint: 'https://r.openai.azure.com', deployment: 'd' } }), {})).message).toMatch(
      /Azure OpenAI API key is required/,
    );
    expect(configError(() => resolveEndpoint(settings({ provider: 'custom' }), key)).message).toMatch(/URL is required for the custom provider/);
    expect(configError(() => resolveEndpoint(settings({ provider: 'local' }), key)).message).toMatch(/simulator is not running/);
    expect(
      configError(() => resolveEndpoint(settings({ provider: 'azure', azure: { endpoint: 'ftp://r.openai.azure.com', deployment: 'd' } }), key)).message,
    ).toMatch(/must be an https:\/\/ URL/);
  });

  it('says each problem by key for people (the words are in the catalogues)', () => {
    const said = (make: () => unknown) => configError(make).said;
    expect(said(() => resolveEndpoint(settings({ provider: 'openai' }), {}))).toEqual({ key: 'endpoint.openaiKeyMissing' });
    expect(said(() => resolveEndpoint(settings({ provider: 'azure', azure: { deployment: 'd' } }), key))).toEqual({ key: 'endpoint.azureEndpointMissing' });
    expect(said(() => resolveEndpoint(settings({ provider: 'azure', azure: { endpoint: 'https://r.openai.azure.com' } }), key))).toEqual({
      key: 'endpoint.azureDeploymentMissing',
    });
    expect(said(() => resolveEndpoint(settings({ provider: 'local' }), key))).toEqual({ key: 'endpoint.simulatorNotRunning' });
    expect(said(() => resolveEndpoint(settings({ provider: 'azure', azure: { endpoint: 'ftp://r.openai.azure.com', deployment: 'd' } }), key))).toEqual({
      key: 'endpoint.azureNotHttps',
      params: { scheme: 'ftp:' },
    });
    expect(said(() => resolveEndpoint(settings({ provider: 'local' }), key, { localUrl: 'http://127.0.0.1:1/' }))).toEqual({
      key: 'endpoint.urlNotWs',
      params: { what: { key: 'endpoint.localUrl' }, scheme: 'http:' },
    });
    expect(said(() => resolveEndpoint({ ...settings({}), provider: 'nope' } as never, key))).toEqual({ key: 'endpoint.unknownProvider', params: { provider: 'nope' } });
  });

  it('headers are not enumerable, and the endpoint is frozen', () => {
    const endpoint = resolveEndpoint(settings({ provider: 'openai' }), key);
    expect(Object.keys(endpoint)).not.toContain('headers');
    expect(Object.isFrozen(endpoint)).toBe(true);
    expect(Object.isFrozen(endpoint.headers)).toBe(true);
  });
});

describe('redactUrl', () => {
  it('masks userinfo and secret-looking query values, keeps the rest', () => {
    expect(redactUrl('wss://user:pw@h.example/p?api-key=K&sig=S&model=m')).toBe('wss://***:***@h.example/p?api-key=***&sig=***&model=m');
    expect(redactUrl('wss://h.example/p?model=m')).toBe('wss://h.example/p?model=m');
    expect(redactUrl('not a url')).toBe('(invalid URL)');
  });
});
