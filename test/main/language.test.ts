import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as mock from '../mocks/electron';
import { NullInput, NullOutput } from '../../src/engine';
import type { AssistantEvent } from '../../src/shared/ipc';
import { runKaiwa, type KaiwaApp } from '../../src/main/app';
import { createI18n, messageWords, saidWords } from '../../src/shared/i18n';

vi.mock('electron', () => import('../mocks/electron'));

// Main speaks Kaiwa's language: the system's (app.getLocale()) unless the setting names one.
const devices = () => ({ input: new NullInput(), output: new NullOutput() });

let dir: string;
let kaiwa: KaiwaApp | undefined;

async function launch(locale: string, env: Record<string, string> = {}): Promise<KaiwaApp> {
  mock.electronMock.locale = locale;
  const started = await runKaiwa({ argv: ['kaiwa', '--hidden'], env, log: () => {}, userDataDir: dir, devices });
  if (!started) throw new Error('did not start');
  kaiwa = started;
  return started;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kaiwa-lang-'));
  mock.resetElectronMock(dir);
});

afterEach(async () => {
  await kaiwa?.shutdown();
  kaiwa = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const ja = createI18n('ja').t;
const tray = () => mock.Tray.instances[0] as mock.Tray;
const menu = () => tray().menu as mock.FakeMenu;
const labels = () => ['talk', 'interrupt', 'mute', 'show', 'settings', 'quit'].map((id) => menu().item(id).label);

describe('main in Japanese and English', () => {
  it('the tray follows a Japanese system, and the language setting overrides it', async () => {
    const app = await launch('ja-JP');
    expect(labels()).toEqual(['話す', '中断', 'マイクをミュート', 'ウィンドウを表示', '設定…', 'Kaiwa を終了']);
    expect(tray().toolTip).toBe('Kaiwa — 待機中');

    await app.controller.updateSettings({ language: 'en' });
    expect(labels()).toEqual(['Talk', 'Interrupt', 'Mute microphone', 'Show window', 'Settings…', 'Quit Kaiwa']);
    expect(tray().toolTip).toBe('Kaiwa — Ready');
  });

  it('an English system gets English; the setting can ask for Japanese', async () => {
    const app = await launch('en-US');
    expect(menu().item('quit').label).toBe('Quit Kaiwa');
    await app.controller.updateSettings({ language: 'ja' });
    expect(menu().item('quit').label).toBe('Kaiwa を終了');
  });

  it('notices from main are in Kaiwa’s language', async () => {
    const app = await launch('ja_JP.UTF-8');
    const notices: string[] = [];
    app.controller.onEvent((event: AssistantEvent) => {
      if (event.type === 'notice') notices.push(saidWords(ja, event));
    });
    app.controller.setMuted(true);
    app.controller.setMuted(false);
    // Sent by key, for the window to put into its language (here, as the window would, in Japanese).
    expect(notices).toEqual(['マイクをミュートしました。', 'マイクをオンにしました。']);
    expect(tray().toolTip).toBe('Kaiwa — 待機中');
  });

  it('an environment override that is not a valid setting says why in Kaiwa’s language', async () => {
    const app = await launch('ja-JP', { KAIWA_URL: 'http://example.com/rt' });
    const notices: string[] = [];
    app.controller.onEvent((event: AssistantEvent) => {
      if (event.type === 'notice') notices.push(saidWords(ja, event));
    });
    await app.controller.updateSettings({ model: 'gpt-realtime-mini' });
    expect(notices).toContain('環境変数による設定を無視しています：url は ws:// または wss:// の URL にしてください。');
  });

  it('a shortcut that is taken says so in Kaiwa’s language', async () => {
    mock.electronMock.takenAccelerators.add('CommandOrControl+Shift+X');
    const app = await launch('ja-JP');
    const status = app.hotkeys.status.find((h) => h.action === 'interrupt')!;
    expect(status).toMatchObject({ registered: false, error: '他のアプリが使っているか、このデスクトップではグローバルショートカットが使えません（Wayland など）' });
    expect(app.hotkeys.failures().map((said) => messageWords(ja, said))).toEqual([expect.stringMatching(/^「中断」のショートカット CommandOrControl\+Shift\+X は使えません：/)]);
  });
});
