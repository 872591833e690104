import type { Credentials, Settings } from '../settings';
import { say, type EngineMessage, type EngineMessageKey } from '../messages';
import { getDialect, type DialectName } from './dialects';
import { BearerTokens, developerCliCredential } from '../auth';

/**
 * Where to connect and how to authenticate, per ARCHITECTURE.md's Providers table.
 *
 * The API key lives only in `headers`, which is non-enumerable: `JSON.stringify(endpoint)`,
 * `{...endpoint}` and `console.log(endpoint)` never show it. Show `redactedUrl`, never headers.
 */
export interface Endpoint {
  readonly url: string;
  /** Handshake headers, auth included. Non-enumerable. */
  readonly headers: Readonly<Record<string, string>>;
  /**
   * Auth headers asked anew for every connect (Microsoft Entra ID: a fresh bearer token); they
   * add to `headers`. Non-enumerable.
   */
  readonly authHeaders?: () => Promise<Record<string, string>>;
  readonly dialect: DialectName;
  readonly provider: Settings['provider'];
  /** `url` with anything secret-looking (userinfo, key/token query values) masked; safe to log. */
  readonly redactedUrl: string;
}

/** Settings an endpoint cannot be made of: `said` for people (messages.ts), `message` the same in English for logs. */
export class EndpointError extends Error {
  readonly code = 'config' as const;
  constructor(
    message: string,
    readonly said: EngineMessage,
  ) {
    super(message);
    this.name = 'EndpointError';
  }
}

/** What a missing setting is, with its English for logs. */
export const MISSING = {
  openaiKey: ['endpoint.openaiKeyMissing', 'An OpenAI API key is required for the OpenAI provider.'],
  azureKey: ['endpoint.azureKeyMissing', 'An Azure OpenAI API key is required for the Azure provider.'],
  azureEndpoint: ['endpoint.azureEndpointMissing', 'The Azure OpenAI endpoint is required (e.g. https://my-resource.openai.azure.com).'],
  azureDeployment: ['endpoint.azureDeploymentMissing', 'The Azure OpenAI deployment name is required.'],
  customUrl: ['endpoint.customUrlMissing', 'A URL is required for the custom provider (ws:// or wss://).'],
  localUrl: ['endpoint.simulatorNotRunning', 'The built-in simulator is not running, so there is no local endpoint.'],
} as const satisfies Record<string, [EngineMessageKey, string]>;
export type Missing = keyof typeof MISSING;

/** The URLs `wsUrl` checks, named in its messages. */
const URL_NAMES = {
  'custom URL': 'endpoint.customUrl',
  'local simulator URL': 'endpoint.localUrl',
} as const satisfies Record<string, EngineMessageKey>;
type UrlName = keyof typeof URL_NAMES;

export function unknownProvider(settings: { provider: unknown }): EndpointError {
  const provider = String(settings.provider);
  return new EndpointError(`Unknown provider '${provider}'.`, say('endpoint.unknownProvider', { provider }));
}

export const OPENAI_REALTIME_URL = 'wss://api.openai.com/v1/realtime';
/** The preview API version of ARCHITECTURE.md, used when a beta Azure endpoint names none. */
export const AZURE_PREVIEW_API_VERSION = '2024-10-01-preview';

export function resolveEndpoint(settings: Settings, credentials: Credentials, opts: { localUrl?: string } = {}): Endpoint {
  const key = credentials.apiKey?.trim() || undefined;
  switch (settings.provider) {
    case 'openai':
      return openai(settings, need(key, 'openaiKey'));
    case 'azure':
      return azure(settings, azureCredential(settings, credentials));
    case 'custom': {
      const url = need(settings.url, 'customUrl');
      return make('custom', settings.dialect, wsUrl(url, 'custom URL'), key ? { Authorization: `Bearer ${key}` } : {}, key);
    }
    case 'local': {
      const url = need(opts.localUrl, 'localUrl');
      return make('local', settings.dialect, wsUrl(url, 'local simulator URL'), {}, undefined);
    }
    default:
      throw unknownProvider(settings as { provider: unknown });
  }
}

function openai(settings: Settings, key: string): Endpoint {
  const url = `${OPENAI_REALTIME_URL}?model=${encodeURIComponent(settings.model)}`;
  return make('openai', settings.dialect, url, { Authorization: `Bearer ${key}` }, key);
}

/** How an Azure endpoint authenticates: the resource's key, or Microsoft Entra ID bearer tokens fetched per connect. */
export interface AzureCredential {
  headers: Record<string, string>;
  key?: string;
  authHeaders?: () => Promise<Record<string, string>>;
}

export function azureCredential(settings: Settings, credentials: Credentials): AzureCredential {
  if (settings.azure.auth === 'entra') {
    const tokens = new BearerTokens(credentials.azureTokens ?? developerCliCredential());
    return { headers: {}, authHeaders: () => tokens.headers() };
  }
  const key = need(credentials.apiKey?.trim() || undefined, 'azureKey');
  return { headers: { 'api-key': key }, key };
}

function azure(settings: Settings, credential: AzureCredential): Endpoint {
  const { endpoint, deployment, apiVersion } = settings.azure;
  const origin = azureOrigin(need(endpoint, 'azureEndpoint'));
  const dep = encodeURIComponent(need(deployment, 'azureDeployment'));
  const { headers, key, authHeaders } = credential;
  if (dialectFor(settings) === 'beta') {
    const version = encodeURIComponent(apiVersion ?? AZURE_PREVIEW_API_VERSION);
    return make('azure', 'beta', `${origin}/openai/realtime?api-version=${version}&deployment=${dep}`, headers, key, authHeaders);
  }
  return make('azure', 'ga', `${origin}/openai/v1/realtime?model=${dep}`, headers, key, authHeaders);
}

/** The Realtime wire shape the settings make: the setting, except that an Azure API version means the preview (beta) endpoint. */
export function dialectFor(settings: Pick<Settings, 'provider' | 'dialect' | 'azure'>): DialectName {
  return settings.dialect === 'beta' || (settings.provider === 'azure' && settings.azure.apiVersion) ? 'beta' : 'ga';
}

/** `https://res.openai.azure.com/anything` -> `wss://res.openai.azure.com`. */
export function azureOrigin(endpoint: string): string {
  const text = /^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint) ? endpoint : `https://${endpoint}`;
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new EndpointError(`The Azure OpenAI endpoint '${endpoint}' is not a URL.`, say('endpoint.azureNotUrl', { endpoint }));
  }
  const scheme = { 'https:': 'wss:', 'wss:': 'wss:', 'http:': 'ws:', 'ws:': 'ws:' }[parsed.protocol];
  if (!scheme) {
    throw new EndpointError(`The Azure OpenAI endpoint must be an https:// URL, not '${parsed.protocol}'.`, say('endpoint.azureNotHttps', { scheme: parsed.protocol }));
  }
  return `${scheme}//${parsed.host}`;
}

export function wsUrl(url: string, what: UrlName): string {
  const name = say(URL_NAMES[what]);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new EndpointError(`The ${what} is not a valid URL.`, say('endpoint.urlInvalid', { what: name }));
  }
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
    throw new EndpointError(`The ${what} must start with ws:// or wss://, not '${parsed.protocol}'.`, say('endpoint.urlNotWs', { what: name, scheme: parsed.protocol }));
  }
  return url;
}

/** The value, or an EndpointError saying which setting is missing. */
export function need<T>(value: T | undefined | null | '', missing: Missing): T {
  if (value === undefined || value === null || value === '') {
    const [key, english] = MISSING[missing];
    throw new EndpointError(english, say(key));
  }
  return value;
}

function make(
  provider: Settings['provider'],
  dialect: DialectName,
  url: string,
  auth: Record<string, string>,
  key: string | undefined,
  authHeaders?: () => Promise<Record<string, string>>,
): Endpoint {
  return sealEndpoint({ url, dialect, provider }, { ...getDialect(dialect).handshakeHeaders, ...auth }, key, authHeaders);
}

type Sealed = {
  readonly headers: Readonly<Record<string, string>>;
  readonly authHeaders?: () => Promise<Record<string, string>>;
  readonly redactedUrl: string;
};

/**
 * Freezes an endpoint with its handshake `headers` (and `authHeaders`, when tokens are fetched per
 * connect) non-enumerable and a `redactedUrl` safe to log (the Realtime and the GPT-Live endpoints alike).
 */
export function sealEndpoint<T extends { url: string }>(
  fields: T,
  headers: Record<string, string>,
  key: string | undefined,
  authHeaders?: () => Promise<Record<string, string>>,
): T & Sealed {
  const redacted = key ? redactUrl(fields.url).split(key).join('***') : redactUrl(fields.url);
  const endpoint = { ...fields, redactedUrl: redacted };
  Object.defineProperty(endpoint, 'headers', { value: Object.freeze({ ...headers }), enumerable: false });
  if (authHeaders) Object.defineProperty(endpoint, 'authHeaders', { value: authHeaders, enumerable: false });
  return Object.freeze(endpoint) as T & Sealed;
}

const SECRET_PARAM = /key|token|secret|sig|auth|password/i;

/** Masks userinfo and query values whose names look secret (api-key, access_token, sig, ...). */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '(invalid URL)';
  }
  if (parsed.username) parsed.username = '***';
  if (parsed.password) parsed.password = '***';
  for (const name of [...parsed.searchParams.keys()]) {
    if (SECRET_PARAM.test(name)) parsed.searchParams.set(name, '***');
  }
  // URLSearchParams re-encodes '*'; keep the mask readable.
  return parsed.toString().replace(/%2A%2A%2A/g, '***');
}
