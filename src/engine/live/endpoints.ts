import type { Credentials, Settings } from '../settings';
import { azureCredential, azureOrigin, need, sealEndpoint, unknownProvider, wsUrl } from '../realtime/endpoints';

/**
 * Where a GPT-Live session connects and how it authenticates (ARCHITECTURE.md, "Providers"):
 * - OpenAI: `wss://api.openai.com/v1/live/sessions`, no query string (the model goes in
 *   `session.start`), `Authorization: Bearer`;
 * - Azure: `wss://RESOURCE.openai.azure.com/openai/v1/live/sessions`, `api-key`, or
 *   `Authorization: Bearer` when the credential is a Microsoft Entra access token (a JWT pasted as
 *   the key, or with `azure.auth` `entra` a token fetched per connect);
 * - custom: any ws:// or wss:// Live URL as given, Bearer when a key is set;
 * - local: the built-in simulator's origin + `/v1/live/sessions`.
 *
 * As for Realtime endpoints, the key lives only in the non-enumerable `headers`: JSON, spread and
 * `util.inspect` never show it; log `redactedUrl`.
 */
export interface LiveEndpoint {
  readonly url: string;
  /** Handshake headers, auth included. Non-enumerable. */
  readonly headers: Readonly<Record<string, string>>;
  /** Auth headers asked anew for every connect (Microsoft Entra ID tokens). Non-enumerable. */
  readonly authHeaders?: () => Promise<Record<string, string>>;
  readonly provider: Settings['provider'];
  readonly redactedUrl: string;
}

export const OPENAI_LIVE_URL = 'wss://api.openai.com/v1/live/sessions';
export const LIVE_PATH = '/v1/live/sessions';
const AZURE_LIVE_PATH = '/openai/v1/live/sessions';

export function resolveLiveEndpoint(settings: Settings, credentials: Credentials, opts: { localUrl?: string } = {}): LiveEndpoint {
  const key = credentials.apiKey?.trim() || undefined;
  switch (settings.provider) {
    case 'openai': {
      const apiKey = need(key, 'openaiKey');
      return sealEndpoint({ url: OPENAI_LIVE_URL, provider: 'openai' as const }, { Authorization: `Bearer ${apiKey}` }, apiKey);
    }
    case 'azure': {
      const credential = azureCredential(settings, credentials);
      const origin = azureOrigin(need(settings.azure.endpoint, 'azureEndpoint'));
      const headers = credential.key ? azureAuth(credential.key) : credential.headers;
      return sealEndpoint({ url: `${origin}${AZURE_LIVE_PATH}`, provider: 'azure' as const }, headers, credential.key, credential.authHeaders);
    }
    case 'custom': {
      const url = wsUrl(need(settings.url, 'customUrl'), 'custom URL');
      return sealEndpoint({ url, provider: 'custom' as const }, key ? { Authorization: `Bearer ${key}` } : {}, key);
    }
    case 'local': {
      const base = wsUrl(need(opts.localUrl, 'localUrl'), 'local simulator URL');
      return sealEndpoint({ url: `${new URL(base).origin}${LIVE_PATH}`, provider: 'local' as const }, {}, undefined);
    }
    default:
      throw unknownProvider(settings as { provider: unknown });
  }
}

/** An Entra ID access token is a JWT (three base64url parts, the header starting `eyJ`); anything else is a resource key. */
function azureAuth(credential: string): Record<string, string> {
  return /^eyJ[\w-]*\.[\w-]+\.[\w-]+$/.test(credential) ? { Authorization: `Bearer ${credential}` } : { 'api-key': credential };
}
