import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as mock from '../mocks/electron';
import { NullInput, NullOutput } from '../../src/engine';
import { readWavAsEngineAudio } from '../../src/engine/audio/wav';
import { DECODER_CHANNELS, type DecodeRequest } from '../../src/shared/decoder-ipc';
import type { AssistantEvent, SettingsResult, SettingsView } from '../../src/shared/ipc';
import { createI18n, saidWords } from '../../src/shared/i18n';
import { runKaiwa, type KaiwaApp } from '../../src/main/app';
import { closedPort } from '../../harness/ports';
import { postTurn, probe } from '../../harness/turn-endpoint';

vi.mock('electron', () => import('../mocks/electron'));

// Real: the app's controller, the endpoint on 127.0.0.1, the in-process simulator it answers
// with, the secret files. The `electron` module is the test double.
const WAV = readFileSync(join(__dirname, '../fixtures/recordings/question.wav'));
const M4A = readFileSync(join(__dirname, '../fixtures/recordings/question.m4a'));
const devices = () => ({ input: new NullInput(), output: new NullOutput() });

let dir: string;
let kaiwa: KaiwaApp | undefined;
let logLines: string[];
let window: mock.BrowserWindow;

async function launch(env: Record<string, string> = {}): Promise<KaiwaApp> {
  const started = await runKaiwa({ argv: ['kaiwa', '--hidden'], env, log: (line) => logLines.push(line), userDataDir: dir, devices });
  if (!started) throw new Error('did not start');
  kaiwa = started;
  started.showMainWindow();
  window = mock.BrowserWindow.instances.find((w) => w.options.frame !== false) as mock.BrowserWindow;
  window.webContents.finishLoad();
  return started;
}

const invoke = <T>(channel: string, ...args: unknown[]) => mock.ipcMain.invoke(channel, { webContents: window.webContents }, ...args) as Promise<T>;
const update = (patch: unknown) => invoke<SettingsResult>('settings:update', patch);
const viewNow = () => invoke<SettingsView>('settings:get');

const post = (port: number, token: string | undefined) => postTurn(port, token, WAV);
/** Whether anything accepts connections on the port. */
const listening = async (port: number) => (await probe(port)) === 'answers';

/** Everything main sent to windows and wrote to its log, as one text. */
const everythingShown = () => JSON.stringify(mock.electronMock.sent) + logLines.join('\n');

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kaiwa-serve-'));
  mock.resetElectronMock(dir);
  logLines = [];
});

afterEach(async () => {
  await kaiwa?.shutdown();
  kaiwa = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('the voice endpoint inside the desktop app', () => {
  it('is off by default; the switch starts it on its port, a token is needed, the port follows the setting, off stops it', async () => {
    const port = await closedPort();
    await launch();
    expect((await viewNow()).serve.running).toBe(false);
    expect(await listening(port)).toBe(false);

    const on = await update({ serve: { enabled: true, port } });
    expect(on.ok && on.view.serve).toMatchObject({ running: true, url: `http://127.0.0.1:${port}/v1/turn` });
    const token = await invoke<string>('serve:reveal-token');
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const answer = await post(port, token);
    expect(answer.status).toBe(200);
    expect(answer.type).toBe('audio/wav');
    expect(answer.body.length).toBeGreaterThan(44 + 24_000); // a header and more than half a second of reply
    expect((await post(port, undefined)).status).toBe(401);
    expect((await post(port, 'not-the-token-0123456789abcdefghijklmnopqrstu')).status).toBe(401);

    const next = await closedPort();
    const moved = await update({ serve: { port: next } });
    expect(moved.ok && moved.view.serve.url).toBe(`http://127.0.0.1:${next}/v1/turn`);
    expect(await listening(port)).toBe(false);
    expect((await post(next, token)).status).toBe(200);

    const off = await update({ serve: { enabled: false } });
    expect(off.ok && off.view.serve.running).toBe(false);
    expect(await listening(next)).toBe(false);

    // The token went to the window only when asked for, and never into the log.
    expect(logLines.join('\n')).not.toContain(token);
    expect(JSON.stringify(mock.electronMock.sent)).not.toContain(token);
    expect(JSON.stringify(await viewNow())).not.toContain(token);
  });

  it('starts with the app when enabled, keeps its token across launches (sealed in its own file) and stops at quit', async () => {
    const port = await closedPort();
    await launch();
    await update({ serve: { enabled: true, port } });
    const token = await invoke<string>('serve:reveal-token');
    const sealed = readFileSync(join(dir, 'serve-token.enc'));
    expect(sealed.toString('utf8')).not.toContain(token);
    await kaiwa!.shutdown();
    kaiwa = undefined;
    expect(await listening(port)).toBe(false);

    mock.resetElectronMock(dir);
    const again = await launch();
    await vi.waitFor(() => expect(again.controller.serve.status.running).toBe(true));
    expect((await post(port, token)).status).toBe(200);
    expect(await invoke<string>('serve:reveal-token')).toBe(token);
  });

  it('Copy puts the token on the clipboard in main; New token refuses the old one at once', async () => {
    const port = await closedPort();
    await launch();
    await update({ serve: { enabled: true, port } });
    await invoke('serve:copy-token');
    const old = mock.clipboard.text;
    expect(old).toBe(await invoke<string>('serve:reveal-token'));

    await invoke('serve:new-token');
    const fresh = await invoke<string>('serve:reveal-token');
    expect(fresh).not.toBe(old);
    expect((await post(port, old)).status).toBe(401);
    expect((await post(port, fresh)).status).toBe(200);
    expect(everythingShown()).not.toContain(old);
    expect(everythingShown()).not.toContain(fresh);
  });

  it('a port in use is one notice in Kaiwa’s language and a status in the view, not a crash; a free port then works', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as { port: number }).port;
    try {
      await launch();
      const result = await update({ language: 'ja', serve: { enabled: true, port: taken } });
      expect(result.ok && result.view.serve.running).toBe(false);
      const problem = result.ok ? result.view.serve.problem : undefined;
      expect(problem).toContain(`ポート ${taken} は使用中です`);
      const notices = () =>
        mock.electronMock.sent
          .filter((m) => m.channel === 'assistant:events')
          .flatMap((m) => m.payload[0] as AssistantEvent[])
          .filter((e) => e.type === 'notice' && saidWords(createI18n('ja').t, e) === problem);
      await vi.waitFor(() => expect(notices()).toHaveLength(1));
      expect(kaiwa!.controller.serve.status.problem).toBe(problem);

      const free = await closedPort();
      const fixed = await update({ serve: { port: free } });
      expect(fixed.ok && fixed.view.serve).toMatchObject({ running: true });
      expect(fixed.ok && fixed.view.serve.problem).toBeUndefined();
    } finally {
      blocker.close();
    }
  });

  it('without a keychain the token works for this session and the user is told; nothing is written', async () => {
    mock.electronMock.encryptionAvailable = false;
    const port = await closedPort();
    await launch();
    const result = await update({ serve: { enabled: true, port } });
    expect(result.ok && result.view.serve).toMatchObject({ running: true, tokenSaved: false });
    const token = await invoke<string>('serve:reveal-token');
    expect((await post(port, token)).status).toBe(200);
    expect(() => readFileSync(join(dir, 'serve-token.enc'))).toThrow();
    expect(JSON.stringify(mock.electronMock.sent)).toContain('"key":"main.serve.tokenSessionOnly"'); // a notice by key, for the window to put into words
  });

  it('only our own page may ask for the token', async () => {
    await launch();
    window.webContents.mainFrame.url = 'https://evil.example/';
    await expect(invoke('serve:reveal-token')).rejects.toThrow(/foreign page/);
    await expect(invoke('serve:copy-token')).rejects.toThrow(/foreign page/);
    expect(mock.clipboard.text).toBe('');
  });

  it('decodes an m4a with Chromium, in its hidden decoder window (no ffmpeg, no GPL decoder), and answers it', async () => {
    const port = await closedPort();
    await launch();
    await update({ serve: { enabled: true, port } });
    const token = await invoke<string>('serve:reveal-token');
    const answered = postTurn(port, token, M4A, 'audio/mp4');

    // The decoder window's preload, played here: it gets the recording as sent, answers with samples at the engine's rate.
    await expect.poll(() => mock.electronMock.sent.some((m) => m.channel === DECODER_CHANNELS.decode), { timeout: 5000 }).toBe(true);
    const message = mock.electronMock.sent.find((m) => m.channel === DECODER_CHANNELS.decode)!;
    const request = message.payload[0] as DecodeRequest;
    expect(Buffer.from(request.bytes)).toEqual(M4A);
    const decoderWindow = mock.BrowserWindow.instances.find((w) => w.webContents.id === message.webContentsId)!;
    expect(decoderWindow.options.webPreferences!.preload).toMatch(/decoder\.cjs$/);
    const speech = await readWavAsEngineAudio(join(__dirname, '../fixtures/recordings/question.wav'));
    decoderWindow.webContents.ipc.emit(DECODER_CHANNELS.decoded, {}, { id: request.id, channelData: [Float32Array.from(speech, (s) => s / 32768)] });

    const answer = await answered;
    expect(answer.status).toBe(200);
    expect(answer.body.length).toBeGreaterThan(44 + 24_000);
    await kaiwa!.shutdown();
    expect(decoderWindow.isDestroyed()).toBe(true);
  });
});
