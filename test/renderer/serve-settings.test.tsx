import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { SettingsView } from '../../src/shared/ipc';
import { FakeBridge, settingsView } from './fakeBridge';
import { openSettings } from './openSettings';

afterEach(cleanup);

const enabledView = (serve: Partial<SettingsView['serve']> = {}) => {
  const view = settingsView();
  return settingsView({
    settings: { ...view.settings, serve: { enabled: true, port: 8788 } },
    serve: { running: true, url: 'http://127.0.0.1:8788/v1/turn', tokenSaved: true, ...serve },
  });
};

const tokenField = () => document.querySelector<HTMLInputElement>('[data-path="serve.token"] input')!;

describe('Settings: the voice endpoint', () => {
  it('the switch and the port are saved as a patch; the token is not asked for while the endpoint is off', async () => {
    const bridge = new FakeBridge();
    await openSettings(bridge);
    expect(document.querySelector('[data-path="serve.token"]')).toBeNull();
    fireEvent.click(screen.getByLabelText(/Answer recordings from programs on this computer/));
    fireEvent.change(screen.getByLabelText('Port'), { target: { value: '9123' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(bridge.callsOf('updateSettings')).toHaveLength(1));
    expect(bridge.callsOf('updateSettings')[0]![0]).toEqual({ serve: { enabled: true, port: 9123 } });
    expect(bridge.callsOf('revealServeToken')).toHaveLength(0);
  });

  it('shows where it answers and the token masked; Reveal asks main, Hide masks it again', async () => {
    const bridge = new FakeBridge();
    bridge.view = enabledView();
    await openSettings(bridge);
    expect(screen.getByLabelText<HTMLInputElement>('Address').value).toBe('http://127.0.0.1:8788/v1/turn');
    expect(tokenField().value).not.toContain(bridge.serveToken);
    expect(bridge.callsOf('revealServeToken')).toHaveLength(0);

    fireEvent.click(screen.getByRole('button', { name: 'Reveal' }));
    await waitFor(() => expect(tokenField().value).toBe(bridge.serveToken));
    fireEvent.click(screen.getByRole('button', { name: 'Hide' }));
    expect(tokenField().value).not.toContain(bridge.serveToken);
    expect(screen.getByRole('button', { name: 'Reveal' })).toBeTruthy();
  });

  it('Copy is done by main (the window never reads the token for it); New token shows the new one when revealed', async () => {
    const bridge = new FakeBridge();
    bridge.view = enabledView();
    await openSettings(bridge);
    fireEvent.click(screen.getByRole('button', { name: 'Copy' }));
    expect(await screen.findByText(/Copied to the clipboard/)).toBeTruthy();
    expect(bridge.callsOf('copyServeToken')).toHaveLength(1);
    expect(bridge.callsOf('revealServeToken')).toHaveLength(0);

    fireEvent.click(screen.getByRole('button', { name: 'Reveal' }));
    const old = bridge.serveToken;
    await waitFor(() => expect(tokenField().value).toBe(old));
    fireEvent.click(screen.getByRole('button', { name: 'New token' }));
    await waitFor(() => expect(tokenField().value).toBe(bridge.serveToken));
    expect(bridge.serveToken).not.toBe(old);
    expect(screen.getByText(/the old one no longer works/)).toBeTruthy();
  });

  it('says why it is not running (port in use) and when the token lasts only this session', async () => {
    const bridge = new FakeBridge();
    bridge.view = enabledView({ running: false, url: undefined, problem: 'port 8788 is in use', tokenSaved: false });
    await openSettings(bridge);
    expect(screen.getByLabelText<HTMLInputElement>('Address').value).toBe('');
    expect(screen.getByRole('alert').textContent).toBe('port 8788 is in use');
    expect(screen.getByText(/this token lasts until Kaiwa quits/)).toBeTruthy();
  });
});
