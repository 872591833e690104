import type { AccessTokenSource } from './token-source';

/**
 * `az login`, then `azd auth login`: the sign-ins every front end can use (the terminal, the voice
 * endpoint, the app). @azure/identity is loaded on the first token asked for, not at start: it
 * costs about a second of start-up, and only Entra users need it.
 */
export function developerCliCredential(): AccessTokenSource {
  let chain: Promise<AccessTokenSource> | undefined;
  return {
    getToken: async (scopes) => {
      chain ??= import('@azure/identity').then(
        ({ AzureCliCredential, AzureDeveloperCliCredential, ChainedTokenCredential }) =>
          new ChainedTokenCredential(new AzureCliCredential(), new AzureDeveloperCliCredential()),
      );
      return (await chain).getToken(scopes);
    },
  };
}
