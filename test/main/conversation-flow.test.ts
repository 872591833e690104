import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as mock from '../mocks/electron';
import { NullOutput, WavFileInput } from '../../src/engine';
import type { ConversationEntry, ConversationSummary } from '../../src/shared/ipc';
import { runKaiwa, type KaiwaApp } from '../../src/main/app';
import { speechWav } from '../../harness/speech';

vi.mock('electron', () => import('../mocks/electron'));

// A whole turn through the desktop main process: real speech (espeak-ng) from a WAV file into the
// real engine, the in-process simulator answers, and the conversation lands in userData as JSONL,
// readable over IPC while and after it happens.

let dir: string;
let kaiwa: KaiwaApp | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kaiwa-flow-'));
  mock.resetElectronMock(dir);
});
afterEach(async () => {
  await kaiwa?.shutdown();
  kaiwa = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('a conversation in the desktop app', () => {
  it('is logged as it happens and listed and opened over IPC', async () => {
    const speech = await speechWav(dir, 'ask', [{ silenceMs: 300 }, { say: 'What is the capital of France?' }, { silenceMs: 2500 }]);
    const input = new WavFileInput(speech.path, { speed: 2 });
    kaiwa = await runKaiwa({
      argv: ['kaiwa'],
      env: {},
      log: () => undefined,
      userDataDir: dir,
      devices: () => ({ input, output: new NullOutput({ speed: 2 }) }),
    });
    if (!kaiwa) throw new Error('did not start');
    const window = mock.BrowserWindow.instances[0] as mock.BrowserWindow;
    window.webContents.finishLoad();
    const from = { webContents: window.webContents };

    await mock.ipcMain.invoke('assistant:start', from);
    let entries: ConversationEntry[] = [];
    await vi.waitFor(
      async () => {
        const list = (await mock.ipcMain.invoke('conversations:list', from)) as ConversationSummary[];
        expect(list).toHaveLength(1);
        entries = (await mock.ipcMain.invoke('conversations:open', from, (list[0] as ConversationSummary).id)) as ConversationEntry[];
        expect(entries.filter((e) => e.kind === 'transcript').map((e) => (e as { speaker: string }).speaker)).toEqual(['user', 'assistant']);
      },
      { timeout: 20_000, interval: 100 },
    );
    await mock.ipcMain.invoke('assistant:stop', from);

    const [user, assistant] = entries as Array<Extract<ConversationEntry, { kind: 'transcript' }>>;
    expect(user?.text.length).toBeGreaterThan(0);
    expect(assistant?.text.length).toBeGreaterThan(0);
    expect(readdirSync(join(dir, 'conversations'))).toHaveLength(1);
    const [summary] = (await mock.ipcMain.invoke('conversations:list', from)) as ConversationSummary[];
    expect(summary?.turns).toBe(2);
    expect(user?.text.replace(/\s+/g, ' ')).toContain((summary?.title ?? '-').replace(/…$/, ''));
  });
});
