import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { SettingsView } from '../../src/shared/ipc';
import { BridgeProvider } from '../../src/renderer/bridge';
import { Settings } from '../../src/renderer/components/Settings';
import { FakeBridge, settingsView } from './fakeBridge';
import { openSettings } from './openSettings';

afterEach(cleanup);

describe('Settings', () => {
  it('submits only the changed fields as a patch', async () => {
    const { bridge } = await openSettings();
    fireEvent.change(screen.getByLabelText('Model'), { target: { value: 'gpt-realtime-mini' } });
    fireEvent.change(screen.getByLabelText('Voice'), { target: { value: 'verse' } });
    fireEvent.change(screen.getByLabelText('Microphone'), { target: { value: 'mic-2' } });
    fireEvent.change(screen.getByLabelText('Sensitivity threshold'), { target: { value: '0.7' } });
    fireEvent.click(screen.getByLabelText('Start Kaiwa when I log in'));
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(bridge.callsOf('updateSettings')).toHaveLength(1));
    expect(bridge.callsOf('updateSettings')[0]![0]).toEqual({
      model: 'gpt-realtime-mini',
      voice: 'verse',
      inputDevice: 'mic-2',
      turnDetection: { threshold: 0.7 },
      startAtLogin: true,
    });
    expect(await screen.findByText('Saved.')).toBeTruthy();
  });

  it('shows the problems main returns, next to the form and the field', async () => {
    const bridge = new FakeBridge();
    bridge.updateAnswer = () => ({
      ok: false,
      problems: [
        { path: 'azure.endpoint', said: { key: 'setting.notUrl' } },
        { path: 'model', said: { key: 'setting.tooLong', params: { maximum: 200 } } },
      ],
    });
    bridge.view = settingsView({ settings: { ...bridge.view.settings, provider: 'azure' } });
    await openSettings(bridge);
    fireEvent.change(screen.getByLabelText('Azure endpoint'), { target: { value: 'not a url' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    const alert = await screen.findByRole('alert', { name: 'Settings not saved' });
    expect(alert.textContent).toContain('azure.endpoint: must be a URL');
    expect(alert.textContent).toContain('model: must be at most 200 characters long');
    const field = document.querySelector('[data-path="azure.endpoint"]')!;
    expect(field.classList.contains('invalid')).toBe(true);
    expect(field.textContent).toContain('must be a URL');
    expect(bridge.callsOf('updateSettings')[0]![0]).toEqual({ azure: { endpoint: 'not a url' } });
  });

  it('offers Azure sign-in by key or Microsoft Entra ID, and sends the choice (issue 21)', async () => {
    const bridge = new FakeBridge();
    bridge.view = settingsView({ settings: { ...bridge.view.settings, provider: 'azure' } });
    await openSettings(bridge);
    const select = screen.getByLabelText('Sign-in') as HTMLSelectElement;
    expect(select.value).toBe('key');
    expect([...select.options].map((o) => o.textContent)).toEqual(['API key', 'Microsoft Entra ID (az login / azd auth login)']);
    fireEvent.change(select, { target: { value: 'entra' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(bridge.callsOf('updateSettings')).toHaveLength(1));
    expect(bridge.callsOf('updateSettings')[0]![0]).toEqual({ azure: { auth: 'entra' } });
  });

  it('sends the API key write-only and never renders it', async () => {
    const secret = 'sk-test-1234567890abcdef';
    const { bridge, container } = await openSettings();
    expect(screen.getByText(/No key set/)).toBeTruthy();
    const input = screen.getByLabelText('API key') as HTMLInputElement;
    expect(input.type).toBe('password');
    fireEvent.change(input, { target: { value: secret } });
    fireEvent.click(screen.getByRole('button', { name: 'Save key' }));
    await screen.findByText('A key is set.');
    expect(bridge.callsOf('setApiKey')).toEqual([[secret]]);
    expect(input.value).toBe('');
    expect(input.getAttribute('value')).toBeNull();
    expect(container.innerHTML).not.toContain(secret);
    expect(container.textContent).not.toContain(secret);

    fireEvent.click(screen.getByRole('button', { name: 'Clear' }));
    await screen.findByText(/No key set/);
    expect(bridge.callsOf('setApiKey')).toEqual([[secret], [null]]);
  });

  it('shows fields set by environment variables read-only, with a note', async () => {
    const bridge = new FakeBridge();
    bridge.view = settingsView({ envOverrides: ['provider', 'apiKey', 'model'] });
    await openSettings(bridge);
    expect((screen.getByLabelText('Model') as HTMLInputElement).readOnly).toBe(true);
    expect((screen.getByLabelText('Provider') as HTMLSelectElement).disabled).toBe(true);
    expect((screen.getByLabelText('API key') as HTMLInputElement).disabled).toBe(true);
    expect((screen.getByLabelText('Voice') as HTMLSelectElement).disabled).toBe(false);
    expect(document.querySelector('[data-path="model"]')!.textContent).toContain('Set by an environment variable');
  });

  it('lists devices, offers options from the view, and shows hotkeys that failed to register', async () => {
    await openSettings();
    const mic = screen.getByLabelText('Microphone') as HTMLSelectElement;
    expect([...mic.options].map((o) => o.textContent)).toEqual(['System default', 'Desk microphone (default)', 'Headset microphone']);
    const voice = screen.getByLabelText('Voice') as HTMLSelectElement;
    expect([...voice.options].map((o) => o.value)).toEqual(['alloy', 'marin', 'verse']);
    expect(document.querySelector('[data-path="hotkeys.interrupt"]')!.textContent).toContain('Not active: taken by another app');
  });

  it('captures a hotkey as an Electron accelerator and saves it', async () => {
    const { bridge } = await openSettings();
    const capture = screen.getByLabelText('Interrupt');
    fireEvent.click(capture);
    expect(capture.textContent).toMatch(/Press the keys/);
    fireEvent.keyDown(capture, { key: 'Control', code: 'ControlLeft', ctrlKey: true });
    fireEvent.keyDown(capture, { key: 'i', code: 'KeyI', ctrlKey: true, altKey: true });
    expect(capture.getAttribute('data-accelerator')).toBe('CommandOrControl+Alt+I');
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(bridge.callsOf('updateSettings')).toEqual([[{ hotkeys: { interrupt: 'CommandOrControl+Alt+I' } }]]));
  });
});

describe('Settings without a view yet', () => {
  it('asks main for the settings itself, and says so if that fails', async () => {
    const bridge = new FakeBridge();
    let received: SettingsView | null = null;
    render(
      <BridgeProvider bridge={bridge}>
        <Settings view={null} onViewChange={(v) => (received = v)} />
      </BridgeProvider>,
    );
    await waitFor(() => expect(received).toBe(bridge.view));
    cleanup();

    bridge.getSettings = () => Promise.reject(new Error('main is gone'));
    render(
      <BridgeProvider bridge={bridge}>
        <Settings view={null} onViewChange={() => undefined} />
      </BridgeProvider>,
    );
    expect((await screen.findByRole('alert')).textContent).toBe('Settings could not be loaded.');
  });
});
