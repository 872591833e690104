import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NullInput, NullOutput } from '../../src/engine';
import type { KaiwaApp } from '../../src/main/app';
import type { BrowserCredential, BrowserCredentialFactory } from '../../src/main/azure-sign-in';
import { englishOf } from '../../src/main/said';
import type { AssistantEvent, AzureSignInResult, SettingsView } from '../../src/shared/ipc';
import { startWsServer, type WsServer } from '../engine/realtime/helpers/servers';
import * as mock from '../mocks/electron';
import { launchWithWindow } from './fixtures/launch-window';

vi.mock('electron', () => import('../mocks/electron'));

// The window's Microsoft Entra sign-in over IPC. The browser flow cannot run here (no browser, no
// network but 127.0.0.1), so the credential is injected: it stands where @azure/identity's
// InteractiveBrowserCredential would, and nothing reaches login.microsoftonline.com.

const TOKEN = 'window-entra-token';
const CLIENT = '11111111-2222-3333-4444-555555555555';

class FakeCredential implements BrowserCredential {
  tokens = 0;
  constructor(
    readonly ids: { tenantId?: string; clientId: string },
    private readonly outcome: () => Promise<{ username: string }>,
    readonly renew: () => Promise<void> = async () => undefined,
  ) {}
  authenticate = vi.fn(() => this.outcome());
  async getToken() {
    await this.renew();
    return { token: `${TOKEN}-${++this.tokens}`, expiresOnTimestamp: Date.now() + 3_600_000 };
  }
}

let dir: string;
let kaiwa: KaiwaApp | undefined;
let server: WsServer | undefined;
let made: FakeCredential[];
let outcome: () => Promise<{ username: string }>;
let renew: (() => Promise<void>) | undefined;
const factory: BrowserCredentialFactory = (ids) => {
  const credential = new FakeCredential(ids, outcome, renew);
  made.push(credential);
  return credential;
};

async function launch(azure: object = {}) {
  server = await startWsServer();
  const settings = { provider: 'azure', azure: { endpoint: `http://127.0.0.1:${server.port}`, deployment: 'gpt-realtime', auth: 'entra', tenantId: 'contoso', clientId: CLIENT, ...azure } };
  const devices = () => ({ input: new NullInput(), output: new NullOutput() });
  const { app, invoke } = await launchWithWindow(dir, settings, { devices, azureCredential: factory });
  kaiwa = app;
  return { app, invoke, server };
}

const views = () => mock.electronMock.sent.filter((m) => m.channel === 'settings:changed').map((m) => m.payload[0] as SettingsView);
const events = () => mock.electronMock.sent.filter((m) => m.channel === 'assistant:events').flatMap((m) => m.payload[0] as AssistantEvent[]);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kaiwa-signin-'));
  mock.resetElectronMock(dir);
  made = [];
  outcome = async () => ({ username: 'aiko@contoso.example' });
  renew = undefined;
});
afterEach(async () => {
  await kaiwa?.shutdown();
  kaiwa = undefined;
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the window sign-in (azure.auth entra)', () => {
  it('signs in with the tenant and client id of Settings; the session gets its bearer; no token reaches the window', async () => {
    const { invoke, server } = await launch();
    expect(((await invoke('settings:get')) as SettingsView).azureSignIn).toEqual({ signedIn: false });

    const result = (await invoke('azure:sign-in')) as AzureSignInResult;
    expect(result).toEqual({ signedIn: true, account: 'aiko@contoso.example' });
    expect(made.map((c) => c.ids)).toEqual([{ tenantId: 'contoso', clientId: CLIENT }]);
    expect(made[0]!.authenticate).toHaveBeenCalledWith('https://cognitiveservices.azure.com/.default');
    expect(views().at(-1)!.azureSignIn).toEqual({ signedIn: true, account: 'aiko@contoso.example' });

    const connected = server.nextConnection();
    await invoke('assistant:start');
    const { request } = await connected;
    expect(request.headers.authorization).toBe(`Bearer ${TOKEN}-1`);
    expect(request.headers).not.toHaveProperty('api-key');
    // Everything main sent to the window, and the answers it got: no token anywhere.
    expect(JSON.stringify(mock.electronMock.sent)).not.toContain(TOKEN);
    expect(JSON.stringify([result, await invoke('settings:get')])).not.toContain(TOKEN);
  });

  it('another tenant or client id set afterwards is not signed in (az/azd again) until Sign in is used anew', async () => {
    const { invoke } = await launch();
    await invoke('azure:sign-in');
    const result = (await invoke('settings:update', { azure: { clientId: 'another-app' } })) as { ok: true; view: SettingsView };
    expect(result.view.azureSignIn).toEqual({ signedIn: false });
  });

  it('refuses foreign senders and arguments before anything opens a browser', async () => {
    const { invoke } = await launch();
    const stranger = new mock.BrowserWindow({});
    await expect(mock.ipcMain.invoke('azure:sign-in', { webContents: stranger.webContents })).rejects.toThrow(/not one of our windows/);
    await expect(invoke('azure:sign-in', { clientId: 'smuggled' })).rejects.toThrow(/invalid arguments/);
    expect(made).toHaveLength(0);
  });

  it('no client id: said in one line, no browser', async () => {
    const { invoke } = await launch({ clientId: undefined });
    const result = (await invoke('azure:sign-in')) as AzureSignInResult;
    expect(result).toEqual({ signedIn: false, problem: { key: 'main.signIn.noClientId' } });
    expect(made).toHaveLength(0);
  });

  it.each([
    ['the browser closed or the user declined', 'access_denied: AADSTS65004: User declined to consent to access the app.', 'main.signIn.cancelled'],
    ['another tenant', "AADSTS90002: Tenant 'contoso' not found. Check to make sure you have the correct tenant ID.\nTrace ID: 1", 'main.signIn.wrongTenant'],
    ['anything else', 'invalid_client: AADSTS7000218: The request body must contain client_assertion.\nTrace ID: 2\nCorrelation ID: 3', 'main.signIn.failed'],
  ])('%s: one line, not signed in', async (_what, message, key) => {
    outcome = () => Promise.reject(new Error(message));
    const { invoke } = await launch();
    const result = (await invoke('azure:sign-in')) as AzureSignInResult;
    expect(result.signedIn).toBe(false);
    expect(result.problem?.key).toBe(key);
    expect(englishOf(result.problem!)).not.toMatch(/\n/);
    expect(((await invoke('settings:get')) as SettingsView).azureSignIn).toEqual({ signedIn: false });
  });

  it('a token that can no longer be renewed silently asks to sign in again, in one line', async () => {
    renew = async () => {
      throw Object.assign(new Error('Automatic authentication has been disabled.'), { name: 'AuthenticationRequiredError' });
    };
    const { invoke } = await launch();
    await invoke('azure:sign-in');
    await invoke('assistant:start');
    await vi.waitFor(() => expect(events()).toContainEqual(expect.objectContaining({ type: 'error', key: 'error.connectionFailed' })));
    expect(JSON.stringify(events())).toContain('auth.signInAgain');
  });
});
