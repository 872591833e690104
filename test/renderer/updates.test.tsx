import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../src/renderer/App';
import { BridgeProvider } from '../../src/renderer/bridge';
import type { UpdateStatus } from '../../src/shared/ipc';
import { FakeBridge, settingsView } from './fakeBridge';
import { openSettings } from './openSettings';

beforeEach(() => {
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const settle = () => act(async () => {});
const NOTES = { en: 'Barge-in is faster.', ja: '割り込みが速くなりました。' };
const ready = (canRestart: boolean): UpdateStatus => ({
  version: '0.1.0',
  mode: 'self',
  enabled: true,
  phase: 'ready',
  canRestart,
  next: { version: '0.2.0', notes: NOTES },
  lastCheck: { at: '2026-12-08T03:00:00.000Z' },
});

async function mountApp(bridge: FakeBridge) {
  render(
    <BridgeProvider bridge={bridge}>
      <App />
    </BridgeProvider>,
  );
  await settle();
}

const updateBar = () => document.querySelector('.update-bar') as HTMLElement | null;

describe('the status bar\'s update line', () => {
  it('nothing while up to date; the download\'s progress; then "Restart to update", greyed during a conversation', async () => {
    const bridge = new FakeBridge();
    await mountApp(bridge);
    expect(updateBar()).toBeNull();

    act(() => bridge.pushUpdate({ ...ready(false), phase: 'downloading', next: { version: '0.2.0', notes: NOTES, percent: 42 } }));
    expect(updateBar()?.textContent).toContain('Downloading Kaiwa 0.2.0: 42%');
    expect(within(updateBar()!).queryByRole('button', { name: 'Restart to update' })).toBeNull();

    act(() => bridge.pushUpdate(ready(false)));
    const restart = within(updateBar()!).getByRole('button', { name: 'Restart to update' }) as HTMLButtonElement;
    expect(updateBar()?.textContent).toContain('Kaiwa 0.2.0 is ready');
    expect(restart.disabled).toBe(true);
    expect(restart.title).toMatch(/once the conversation ends/);

    act(() => bridge.pushUpdate(ready(true)));
    fireEvent.click(within(updateBar()!).getByRole('button', { name: 'Restart to update' }));
    expect(bridge.callsOf('restartToUpdate')).toHaveLength(1);
  });

  it('shows the new version\'s notes in the window\'s language, as text', async () => {
    const bridge = new FakeBridge();
    bridge.updateStatus = ready(true);
    await mountApp(bridge);
    fireEvent.click(within(updateBar()!).getByRole('button', { name: 'What’s new' }));
    const notes = screen.getByRole('region', { name: 'What’s new in Kaiwa 0.2.0' });
    expect(notes.textContent).toContain('Barge-in is faster.');
    expect(notes.textContent).not.toContain('割り込み');

    cleanup();
    const japanese = new FakeBridge();
    japanese.view = settingsView({ settings: { ...japanese.view.settings, language: 'ja' } });
    japanese.updateStatus = { ...ready(true), next: { version: '0.2.0', notes: { ...NOTES, en: '<img src=x onerror=alert(1)>' } } };
    await mountApp(japanese);
    await waitFor(() => expect(document.documentElement.lang).toBe('ja'));
    fireEvent.click(within(updateBar()!).getByRole('button', { name: '更新内容' }));
    expect(screen.getByRole('region', { name: 'Kaiwa 0.2.0 の更新内容' }).textContent).toContain('割り込みが速くなりました。');
    expect(within(updateBar()!).getByRole('button', { name: '再起動してアップデート' })).toBeTruthy();
    expect(document.querySelector('img')).toBeNull();
  });

  it('a .deb install: the new version and a Download button; main opens the link', async () => {
    const bridge = new FakeBridge();
    bridge.updateStatus = { version: '0.1.0', mode: 'notify', enabled: true, phase: 'available', canRestart: false, next: { version: '0.2.0', notes: { any: 'Fixes.' } } };
    await mountApp(bridge);
    expect(updateBar()?.textContent).toContain('Kaiwa 0.2.0 is available');
    fireEvent.click(within(updateBar()!).getByRole('button', { name: 'Download' }));
    expect(bridge.callsOf('openUpdateDownload')).toEqual([[]]);
    fireEvent.click(within(updateBar()!).getByRole('button', { name: 'What’s new' }));
    expect(screen.getByRole('region', { name: /What’s new/ }).textContent).toContain('Fixes.');
  });
});

describe('the Updates section of Settings', () => {
  const section = () => document.querySelector('[data-section="updates"]') as HTMLElement;

  it('on/off, the channel and a self-hosted feed are saved with the form', async () => {
    const { bridge } = await openSettings();
    await settle();
    expect(section().textContent).toContain('This is Kaiwa 0.1.0.');
    fireEvent.click(within(section()).getByRole('checkbox', { name: /Keep Kaiwa up to date/ }));
    fireEvent.change(within(section()).getByRole('combobox', { name: 'Channel' }), { target: { value: 'beta' } });
    fireEvent.change(within(section()).getByRole('textbox', { name: 'Update feed' }), { target: { value: 'https://updates.example.org/kaiwa/' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(bridge.callsOf('updateSettings')).toHaveLength(1));
    expect(bridge.callsOf('updateSettings')[0]![0]).toEqual({ updates: { enabled: false, channel: 'beta', feed: 'https://updates.example.org/kaiwa/' } });
  });

  it('"Check now", and how the last check went, in words', async () => {
    const bridge = new FakeBridge();
    bridge.updateStatus = { version: '0.1.0', mode: 'self', enabled: true, phase: 'idle', canRestart: false, lastCheck: { at: '2026-12-08T03:00:00.000Z', problem: 'hash' } };
    await openSettings(bridge);
    await settle();
    expect(section().textContent).toMatch(/Last check failed: the download did not match its sha512 checksum and was refused \(/);
    fireEvent.click(within(section()).getByRole('button', { name: 'Check now' }));
    expect(bridge.callsOf('checkForUpdates')).toHaveLength(1);
    act(() => bridge.pushUpdate({ ...bridge.updateStatus, lastCheck: { at: '2026-12-08T03:05:00.000Z' } }));
    expect(section().textContent).toMatch(/Last check: /);
    expect(section().textContent).not.toMatch(/failed/);
  });

  it('a copy that cannot update itself says why, and offers no check', async () => {
    const bridge = new FakeBridge();
    bridge.updateStatus = { version: '0.1.0', mode: 'none', enabled: false, phase: 'idle', canRestart: false };
    await openSettings(bridge);
    await settle();
    expect(section().textContent).toContain('does not update itself');
    expect((within(section()).getByRole('button', { name: 'Check now' }) as HTMLButtonElement).disabled).toBe(true);
  });
});
