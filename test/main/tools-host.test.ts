import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as mock from '../mocks/electron';
import { createDesktopToolHost, webAddress } from '../../src/main/tools-host';
import { englishOf } from '../../src/main/said';

vi.mock('electron', () => import('../mocks/electron'));

beforeEach(() => mock.resetElectronMock());

const host = () => createDesktopToolHost((said) => englishOf(said));

describe('the desktop tool host', () => {
  it('reads and writes the clipboard', async () => {
    mock.clipboard.text = 'from another app';
    await expect(host().readClipboard()).resolves.toBe('from another app');
    await host().writeClipboard('京都の天気');
    expect(mock.clipboard.text).toBe('京都の天気');
  });

  it('refuses to paste a runaway text', async () => {
    mock.clipboard.text = 'kept';
    await expect(host().writeClipboard('x'.repeat(100_001))).rejects.toThrow(/longer than/);
    expect(mock.clipboard.text).toBe('kept');
  });

  it('opens http and https addresses in the browser, normalised', async () => {
    await host().openUrl('https://example.com/京都?q=1');
    await host().openUrl('HTTP://Example.com');
    expect(mock.shell.opened).toEqual(['https://example.com/%E4%BA%AC%E9%83%BD?q=1', 'http://example.com/']);
  });

  it.each([
    ['file:///etc/passwd', /only http and https/],
    ['javascript:alert(1)', /only http and https/],
    ['vscode://settings', /only http and https/],
    ['ms-settings:privacy', /only http and https/],
    ['https://user:pass@example.com', /user name or password/],
    ['example.com', /not a web address/],
    ['', /not a web address/],
  ])('never hands %s to the system', async (url, problem) => {
    await expect(host().openUrl(url)).rejects.toThrow(problem);
    expect(mock.shell.opened).toEqual([]);
  });

  it('webAddress is the one check: what it returns is what is opened', () => {
    expect(webAddress('https://example.com')).toBe('https://example.com/');
  });

  it('shows a notification, the engine’s words in the user’s language and the model’s text as it is', async () => {
    await host().notify({ key: 'tool.set_timer.fired' }, 'Tea is ready');
    expect(mock.Notification.shown).toEqual([{ title: 'Time is up', body: 'Tea is ready' }]);
  });

  it('says so when the desktop shows no notifications', async () => {
    mock.Notification.supported = false;
    await expect(host().notify('Title', 'Body')).rejects.toThrow(/no notifications/);
    expect(mock.Notification.shown).toEqual([]);
  });
});
