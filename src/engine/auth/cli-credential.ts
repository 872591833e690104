import { AzureCliCredential, AzureDeveloperCliCredential, ChainedTokenCredential } from '@azure/identity';
import type { AccessTokenSource } from './token-source';

/** `az login`, then `azd auth login`: the sign-ins every front end can use (the terminal, the voice endpoint, the app). */
export function developerCliCredential(): AccessTokenSource {
  return new ChainedTokenCredential(new AzureCliCredential(), new AzureDeveloperCliCredential());
}
