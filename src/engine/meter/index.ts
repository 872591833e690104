export { ConversationMeter, configuredModel, type MeterSettings } from './meter';
export { addTokens, durationCostUsd, NO_TOKENS, tokenCostUsd, tokensOf } from './cost';
export { priceOf, PRICES_AS_OF, PRICES_SOURCE, type DurationPrice, type ModelPrice, type TokenPrice, type TokenRates } from './prices';
export type { MeterReading, TokenTotals } from './reading';
export { CAP_END_GRACE_MS, MeterGuard, type MeterGuardHooks } from './guard';
