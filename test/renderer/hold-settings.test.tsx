import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { HotkeyStatus, SettingsView } from '../../src/shared/ipc';
import { FakeBridge, settingsView } from './fakeBridge';
import { openSettings } from './openSettings';

afterEach(cleanup);

const TALK = 'CommandOrControl+Shift+Space';
const talkNote = () => document.querySelector('[data-path="hotkeys.talk"] .field-note')?.textContent ?? '';

function viewWith(talk: Partial<HotkeyStatus>, manual: boolean, more: HotkeyStatus[] = []): SettingsView {
  const base = settingsView();
  return settingsView({
    settings: { ...base.settings, turnDetection: { ...base.settings.turnDetection, mode: manual ? 'manual' : 'server_vad' } },
    hotkeys: [{ action: 'talk', accelerator: TALK, registered: true, ...talk }, ...base.hotkeys.slice(1), ...more],
  });
}

async function open(view: SettingsView) {
  const bridge = new FakeBridge();
  bridge.view = view;
  return openSettings(bridge);
}

describe('Settings: hold-to-talk and the media key', () => {
  it('the talk key says hold or tap, as main applies it', async () => {
    await open(viewWith({ hold: true }, true));
    expect(talkNote()).toBe('Hold it while you speak, let go to send; a short tap starts or stops talking.');
    cleanup();
    await open(viewWith({ hold: false, holdError: 'there is no X11 display to watch the keyboard on' }, true));
    expect(talkNote()).toBe('Press to start talking, press again to send (hold-to-talk is not available: there is no X11 display to watch the keyboard on).');
    cleanup();
    await open(viewWith({}, false));
    expect(talkNote()).toBe('Press to start or stop listening. Hold-to-talk applies when turn detection is Manual.');
  });

  it('a talk key that failed to register says so rather than hold or tap', async () => {
    await open(viewWith({ registered: false, error: 'taken by another app' }, true));
    expect(talkNote()).toBe('Not active: taken by another app');
  });

  it('both switches are explained, and saving sends only what changed', async () => {
    const { bridge } = await open(viewWith({}, false));
    const hold = screen.getByLabelText(/^Hold to talk/) as HTMLInputElement;
    const media = screen.getByLabelText(/^Play\/pause key and headset button/) as HTMLInputElement;
    expect(hold.checked).toBe(true);
    expect(media.checked).toBe(false);
    expect(media.closest('label')!.textContent).toContain('music players do not get the key');
    fireEvent.click(media);
    fireEvent.click(hold);
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(bridge.callsOf('updateSettings')).toEqual([[{ hotkeys: { holdToTalk: false, mediaKey: true } }]]));
  });

  it('switching hold-to-talk off shows the talk key as a toggle at once', async () => {
    await open(viewWith({}, true));
    fireEvent.click(screen.getByLabelText(/^Hold to talk/));
    expect(talkNote()).toBe('Press to start, press again to stop.');
  });

  it('a media key that did not register says why under its switch', async () => {
    const base = viewWith({}, false);
    const view = settingsView({ ...base, settings: { ...base.settings, hotkeys: { ...base.settings.hotkeys, mediaKey: true } } });
    view.hotkeys.push({ action: 'media', accelerator: 'MediaPlayPause', registered: false, error: 'another application has it' });
    await open(view);
    const media = screen.getByLabelText(/^Play\/pause key/) as HTMLInputElement;
    expect(media.checked).toBe(true);
    expect(media.closest('label')!.textContent).toContain('Not active: another application has it');
  });
});
