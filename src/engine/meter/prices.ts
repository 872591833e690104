/**
 * The price table: what OpenAI lists for each voice model, in US dollars, the one place Kaiwa
 * keeps prices. Kaiwa's costs are estimates from it; the bill is what the provider says.
 *
 * Source: OpenAI's model pages (https://developers.openai.com/api/docs/models/MODEL, e.g.
 * gpt-realtime, gpt-realtime-mini, gpt-4o-realtime-preview, gpt-4o-mini-realtime-preview,
 * gpt-live-1) and https://developers.openai.com/api/docs/pricing, as read on `PRICES_AS_OF`.
 *
 * Azure OpenAI bills from its own price sheet (by region and deployment type). Kaiwa uses this same
 * table for Azure as an estimate, by the model name the server reports (or the deployment's name):
 * a deployment whose name is no model in the table has an unknown cost, never a zero one.
 */
export const PRICES_AS_OF = '2026-11-30';
export const PRICES_SOURCE = 'https://developers.openai.com/api/docs/pricing';

/** US dollars per million tokens. */
export interface TokenRates {
  input: number;
  cachedInput: number;
  output: number;
}

/** Realtime models bill tokens, by modality. */
export interface TokenPrice {
  kind: 'tokens';
  text: TokenRates;
  audio: TokenRates;
  /** Image input (models that take images); a model without it never reports image tokens. */
  image?: Omit<TokenRates, 'output'>;
}

/**
 * GPT-Live bills the session's active time by the second (the `seconds` of `session.usage.updated`).
 * Its lower standby rate applies to paused WebRTC sessions only; Kaiwa's WebSocket sessions are
 * always active.
 */
export interface DurationPrice {
  kind: 'duration';
  perMinute: number;
}

export type ModelPrice = TokenPrice | DurationPrice;

const rates = (input: number, cachedInput: number, output: number): TokenRates => ({ input, cachedInput, output });

const GPT_REALTIME: TokenPrice = { kind: 'tokens', text: rates(4, 0.4, 16), audio: rates(32, 0.4, 64), image: { input: 5, cachedInput: 0.5 } };
const GPT_REALTIME_MINI: TokenPrice = { kind: 'tokens', text: rates(0.6, 0.06, 2.4), audio: rates(10, 0.3, 20), image: { input: 0.8, cachedInput: 0.08 } };
const GPT_LIVE: DurationPrice = { kind: 'duration', perMinute: 0.05 };

/** By model id; a dated snapshot (`gpt-realtime-2025-08-28`) costs what its model does. */
const PRICES: Readonly<Record<string, ModelPrice>> = {
  'gpt-realtime': GPT_REALTIME,
  'gpt-realtime-1.5': GPT_REALTIME,
  'gpt-realtime-2': { ...GPT_REALTIME, text: rates(4, 0.4, 24) },
  'gpt-realtime-mini': GPT_REALTIME_MINI,
  'gpt-realtime-2.1-mini': GPT_REALTIME_MINI,
  'gpt-4o-realtime-preview': { kind: 'tokens', text: rates(5, 2.5, 20), audio: rates(40, 2.5, 80) },
  'gpt-4o-mini-realtime-preview': { kind: 'tokens', text: rates(0.6, 0.3, 2.4), audio: rates(10, 0.3, 20) },
  'gpt-live-1': GPT_LIVE,
  'gpt-live-1.1': GPT_LIVE,
};

const SNAPSHOT = /-\d{4}-\d{2}-\d{2}$/;

/** The price of a model, or undefined when the table does not know it (its cost is then unknown). */
export function priceOf(model: string | undefined): ModelPrice | undefined {
  if (!model) return undefined;
  const id = model.trim().toLowerCase();
  for (const key of [id, id.replace(SNAPSHOT, '')]) if (Object.hasOwn(PRICES, key)) return PRICES[key];
  return undefined;
}
