import { COGNITIVE_SERVICES_SCOPE, type AccessTokenSource } from './token-source';
import { TokenError, tokenFailure } from './failure';
import { say } from '../messages';

/**
 * The `Authorization: Bearer` header of every connect (the first, reconnects, Realtime rollovers,
 * GPT-Live renewals): a token fetched fresh, kept until shortly before it expires. The token is
 * held here only; it is never logged or written.
 */
export const REFRESH_AHEAD_MS = 2 * 60_000;

export class BearerTokens {
  private cached: { token: string; expiresAt: number } | null = null;
  private pending: Promise<string> | null = null;

  constructor(
    private readonly source: AccessTokenSource,
    private readonly now: () => number = Date.now,
  ) {}

  /** The handshake's auth header. Rejects with a TokenError (one clear line) when no token comes. */
  async headers(): Promise<Record<string, string>> {
    return { Authorization: `Bearer ${await this.token()}` };
  }

  private token(): Promise<string> {
    if (this.cached && this.cached.expiresAt - this.now() > REFRESH_AHEAD_MS) return Promise.resolve(this.cached.token);
    this.pending ??= this.fetch().finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  private async fetch(): Promise<string> {
    let got: Awaited<ReturnType<AccessTokenSource['getToken']>>;
    try {
      got = await this.source.getToken(COGNITIVE_SERVICES_SCOPE);
    } catch (error) {
      throw error instanceof TokenError ? error : tokenFailure(error);
    }
    if (!got?.token) throw new TokenError('The credential returned no token.', say('auth.notSignedIn'));
    this.cached = { token: got.token, expiresAt: got.expiresOnTimestamp };
    return got.token;
  }
}
