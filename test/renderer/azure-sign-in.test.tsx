import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { SettingsView } from '../../src/shared/ipc';
import { FakeBridge, settingsView } from './fakeBridge';
import { openSettings } from './openSettings';

afterEach(cleanup);

const azureView = (azure: Partial<SettingsView['settings']['azure']>, extra: Partial<SettingsView> = {}) => {
  const view = settingsView();
  return settingsView({ settings: { ...view.settings, provider: 'azure', azure: { ...view.settings.azure, endpoint: 'https://r.openai.azure.com', deployment: 'gpt-realtime', ...azure } }, ...extra });
};
const signInButton = () => screen.getByRole('button', { name: 'Sign in' });
const signInNote = () => document.querySelector('[data-path="azure.signIn"] .field-note')!;

describe('Settings: the Microsoft Entra sign-in', () => {
  it('only with Entra ID: tenant and client id fields, saved as a patch; Sign in waits for them to be saved', async () => {
    const bridge = new FakeBridge();
    bridge.view = azureView({ auth: 'key' });
    await openSettings(bridge);
    expect(screen.queryByLabelText('Tenant id')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Sign in' })).toBeNull();

    fireEvent.change(screen.getByLabelText('Sign-in'), { target: { value: 'entra' } });
    fireEvent.change(screen.getByLabelText('Tenant id'), { target: { value: 'contoso.onmicrosoft.com' } });
    fireEvent.change(screen.getByLabelText('Client id'), { target: { value: 'app-1234' } });
    expect(signInButton()).toHaveProperty('disabled', true);
    expect(signInNote().textContent).toBe('Save the tenant and client id first.');
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(bridge.callsOf('updateSettings')).toHaveLength(1));
    expect(bridge.callsOf('updateSettings')[0]![0]).toEqual({ azure: { auth: 'entra', tenantId: 'contoso.onmicrosoft.com', clientId: 'app-1234' } });
    await waitFor(() => expect(signInButton()).toHaveProperty('disabled', false));
  });

  it('Sign in asks main and shows the account; the window gets no token', async () => {
    const bridge = new FakeBridge();
    bridge.view = azureView({ auth: 'entra', tenantId: 'contoso', clientId: 'app-1234' });
    await openSettings(bridge);
    expect(signInNote().textContent).toBe('Not signed in here: az login or azd auth login is used.');
    fireEvent.click(signInButton());
    await waitFor(() => expect(signInNote().textContent).toBe('Signed in as aiko@contoso.example.'));
    expect(bridge.callsOf('signInAzure')).toEqual([[]]);
  });

  it('a failed sign-in is one line', async () => {
    const bridge = new FakeBridge();
    bridge.view = azureView({ auth: 'entra', clientId: 'app-1234' });
    bridge.signInAnswer = { signedIn: false, problem: { key: 'main.signIn.cancelled' } };
    await openSettings(bridge);
    fireEvent.click(signInButton());
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('Sign-in was cancelled or not finished in the browser.'));
    // Sign in again: the old line goes while the browser is open.
    bridge.signInAnswer = { signedIn: false, problem: { key: 'main.signIn.wrongTenant' } };
    fireEvent.click(signInButton());
    await waitFor(() => expect(screen.getByRole('alert').textContent).toMatch(/^This account \(or the app registration\) is not in the tenant set in Settings/));
  });
});
