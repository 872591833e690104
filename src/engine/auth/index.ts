export { BearerTokens, REFRESH_AHEAD_MS } from './bearer';
export { developerCliCredential } from './cli-credential';
export { TokenError, tokenFailure } from './failure';
export { COGNITIVE_SERVICES_SCOPE, type AccessTokenSource } from './token-source';
