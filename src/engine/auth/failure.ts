import { say, type EngineMessage } from '../messages';

/**
 * Why no token came, in one line: `az`/`azd` not installed, not signed in, signed in to another
 * tenant, or the credential's own words. A chain's AggregateAuthenticationError holds one error per
 * credential: the most telling one speaks.
 */
export class TokenError extends Error {
  constructor(
    message: string,
    readonly said: EngineMessage,
  ) {
    super(message);
    this.name = 'TokenError';
  }
}

const DETAIL_LIMIT = 200;
const NOT_INSTALLED = /could not be found|couldn't be found|not installed|ENOENT/i;
const NOT_SIGNED_IN = /az login|azd auth login|not (logged|signed) in|sign in first/i;
// AADSTS50020 (user not in tenant), 90002 (tenant not found), 700016 (app not in tenant), 50128/50059 (no tenant), 53003 (blocked by policy) ...
const WRONG_TENANT = /AADSTS(50020|90002|700016|50128|50059)|tenant.*(not found|does not exist|mismatch)|wrong tenant/i;

export function tokenFailure(error: unknown): TokenError {
  const messages = messagesOf(error);
  if (messages.some((m) => WRONG_TENANT.test(m))) {
    return new TokenError('The Azure sign-in belongs to another tenant than the resource.', say('auth.wrongTenant'));
  }
  if (messages.length > 0 && messages.every((m) => NOT_INSTALLED.test(m))) {
    return new TokenError('Neither the Azure CLI (az) nor the Azure Developer CLI (azd) is installed.', say('auth.cliMissing'));
  }
  if (messages.some((m) => NOT_SIGNED_IN.test(m))) {
    return new TokenError('Not signed in to Azure: run `az login` or `azd auth login`.', say('auth.notSignedIn'));
  }
  const detail = clip(messages.find((m) => !NOT_INSTALLED.test(m)) ?? messages[0] ?? String(error));
  return new TokenError(`Could not get a Microsoft Entra token: ${detail}`, say('auth.tokenFailed', { detail }));
}

function messagesOf(error: unknown): string[] {
  const errors = (error as { errors?: unknown }).errors;
  if (Array.isArray(errors) && errors.length > 0) return errors.flatMap(messagesOf);
  const message = (error as Error)?.message;
  return typeof message === 'string' && message.trim() ? [message] : [];
}

function clip(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > DETAIL_LIMIT ? `${line.slice(0, DETAIL_LIMIT - 1)}…` : line;
}
