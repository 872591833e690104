import { COGNITIVE_SERVICES_SCOPE, TokenError, tokenFailure, type AccessTokenSource } from '../engine/auth';
import { say } from '../engine/messages';
import type { Settings } from '../engine';
import type { AzureSignInResult } from '../shared/ipc';
import { mainSaid } from './said';

/**
 * The window's Microsoft Entra sign-in (azure.auth `entra`): the system browser, PKCE, the
 * tenant and app registration from Settings. After the one interactive sign-in the credential
 * renews tokens silently; the engine gets it as its token source. Without it the engine asks az/azd.
 */

/** What the sign-in needs of a credential: @azure/identity's InteractiveBrowserCredential, or a test's. */
export interface BrowserCredential extends AccessTokenSource {
  authenticate(scopes: string | string[]): Promise<{ username: string } | undefined>;
}
export type BrowserCredentialFactory = (ids: { tenantId?: string; clientId: string }) => BrowserCredential | Promise<BrowserCredential>;

/** @azure/identity is loaded on the first Sign in, not when the app starts (about a second of start-up). */
export const interactiveBrowserCredential: BrowserCredentialFactory = async ({ tenantId, clientId }) => {
  const { InteractiveBrowserCredential } = await import('@azure/identity');
  // The browser opens on Sign in only: a reconnect whose token cannot be renewed silently says so instead.
  return new InteractiveBrowserCredential({ clientId, redirectUri: 'http://localhost', disableAutomaticAuthentication: true, ...(tenantId ? { tenantId } : {}) });
};

/** A sign-in left unfinished in the browser (a closed tab never answers) ends after this. */
export const SIGN_IN_TIMEOUT_MS = 3 * 60_000;
const CANCELLED = /access_denied|AADSTS65004|user_cancel|cancel/i;

type AzureIds = Pick<Settings['azure'], 'tenantId' | 'clientId'>;

export class AzureSignIn {
  private current: { ids: string; tokens: AccessTokenSource; account: string } | undefined;
  private attempt = 0;

  constructor(private readonly makeCredential: BrowserCredentialFactory = interactiveBrowserCredential) {}

  /** The token source for these settings: only a sign-in made with the same tenant and client id. */
  tokensFor(azure: AzureIds): AccessTokenSource | undefined {
    return this.current?.ids === idsOf(azure) ? this.current.tokens : undefined;
  }

  status(azure: AzureIds): { signedIn: boolean; account?: string } {
    return this.tokensFor(azure) ? { signedIn: true, account: this.current!.account } : { signedIn: false };
  }

  /** Opens the browser; a second click starts afresh (the first attempt's outcome is dropped). */
  async signIn(azure: AzureIds): Promise<AzureSignInResult> {
    if (!azure.clientId) return { signedIn: false, problem: mainSaid('main.signIn.noClientId') };
    const attempt = ++this.attempt;
    let timer: NodeJS.Timeout | undefined;
    try {
      const credential = await this.makeCredential({ clientId: azure.clientId, ...(azure.tenantId ? { tenantId: azure.tenantId } : {}) });
      const record = await Promise.race([
        credential.authenticate(COGNITIVE_SERVICES_SCOPE),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('cancelled: the browser sign-in did not finish')), SIGN_IN_TIMEOUT_MS);
        }),
      ]);
      if (attempt !== this.attempt) return { signedIn: false, problem: mainSaid('main.signIn.cancelled') };
      const account = record?.username ?? '';
      this.current = { ids: idsOf(azure), tokens: renewing(credential), account };
      return { signedIn: true, account };
    } catch (error) {
      return { signedIn: false, problem: signInProblem(error) };
    } finally {
      clearTimeout(timer);
    }
  }
}

const idsOf = (azure: AzureIds) => `${azure.tenantId ?? ''}\n${azure.clientId ?? ''}`;

/** Silent renewals; one that needs the browser again says "sign in again" in one line. */
function renewing(credential: BrowserCredential): AccessTokenSource {
  return {
    getToken: async (scopes) => {
      try {
        return await credential.getToken(scopes);
      } catch (error) {
        if ((error as Error)?.name === 'AuthenticationRequiredError') throw new TokenError('The window sign-in needs to be done again.', say('auth.signInAgain'));
        throw error;
      }
    },
  };
}

function signInProblem(error: unknown): AzureSignInResult['problem'] {
  const message = (error as Error)?.message ?? String(error);
  if (CANCELLED.test(message)) return mainSaid('main.signIn.cancelled');
  const failure = tokenFailure(error);
  if (failure.said.key === 'auth.wrongTenant') return mainSaid('main.signIn.wrongTenant');
  return mainSaid('main.signIn.failed', { detail: failure.said.key === 'auth.tokenFailed' ? failure.said.params.detail : message.slice(0, 200) });
}
