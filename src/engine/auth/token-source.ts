/**
 * Where Microsoft Entra ID access tokens come from. @azure/identity's credentials fit this shape
 * (`TokenCredential`); front ends may inject their own (the desktop app's browser sign-in, made in
 * main), else Kaiwa asks the Azure CLI and the Azure Developer CLI (cli-credential.ts). Never the
 * whole default chain: a desktop has no managed identity, and probing the instance metadata address
 * is wrong for a desktop app.
 */
export interface AccessTokenSource {
  getToken(scopes: string | string[]): Promise<{ token: string; expiresOnTimestamp: number } | null>;
}

/** The scope of Azure OpenAI (Cognitive Services) tokens. */
export const COGNITIVE_SERVICES_SCOPE = 'https://cognitiveservices.azure.com/.default';
