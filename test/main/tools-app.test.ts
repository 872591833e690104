import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as mock from '../mocks/electron';
import { NullInput, NullOutput, type Assistant } from '../../src/engine';
import type { InputDevice } from '../../src/engine/audio/devices/types';
import { startSimulator, type RunningSimulator } from '../../src/simulator';
import { receivedOfType } from '../../harness/replies';
import type { AssistantEvent, SettingsView } from '../../src/shared/ipc';
import { runKaiwa, type KaiwaApp, type KaiwaAppOptions } from '../../src/main/app';
import { waitForState } from './fixtures/app-state';

vi.mock('electron', () => import('../mocks/electron'));

// Everything is real (settings and secret files, the engine and its Toolbox, the in-process
// simulator on 127.0.0.1, IPC validation) except the `electron` module and the sound card.
const devices = () => ({ input: new NullInput(), output: new NullOutput() });

let dir: string;
let kaiwa: KaiwaApp | undefined;
let logLines: string[];

async function launch(argv: string[] = ['kaiwa', '--hidden'], withDevices: KaiwaAppOptions['devices'] = devices): Promise<KaiwaApp> {
  const started = await runKaiwa({ argv, env: {}, log: (line) => logLines.push(line), userDataDir: dir, devices: withDevices });
  if (!started) throw new Error('did not start');
  kaiwa = started;
  return started;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kaiwa-tools-app-'));
  mock.resetElectronMock(dir);
  logLines = [];
});

afterEach(async () => {
  await kaiwa?.shutdown();
  kaiwa = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const mainWindow = () => mock.BrowserWindow.instances.find((w) => w.options.frame !== false);
const sentEvents = (contents?: mock.FakeWebContents): AssistantEvent[] =>
  mock.electronMock.sent
    .filter((m) => m.channel === 'assistant:events' && (!contents || m.webContentsId === contents.id))
    .flatMap((m) => m.payload[0] as AssistantEvent[]);

function loadedMainWindow(app: KaiwaApp): mock.BrowserWindow {
  app.showMainWindow();
  const window = mainWindow() as mock.BrowserWindow;
  window.webContents.finishLoad();
  return window;
}

/**
 * The running Assistant's Toolbox, where a session hands the model's calls (the test plays the
 * session's part: the call goes in exactly as a function_call from the server would).
 */
function toolbox(app: KaiwaApp) {
  const assistant = (app.controller as unknown as { assistant: Assistant | undefined }).assistant;
  if (!assistant?.toolbox) throw new Error('no toolbox');
  return assistant.toolbox;
}

async function running(): Promise<{ app: KaiwaApp; invoke: (channel: string, ...args: unknown[]) => Promise<unknown>; window: mock.BrowserWindow }> {
  const app = await launch();
  const listening = waitForState(app, 'listening');
  await app.controller.start();
  await listening;
  const window = loadedMainWindow(app);
  window.hide();
  return { app, window, invoke: (channel, ...args) => mock.ipcMain.invoke(channel, { webContents: window.webContents }, ...args) };
}

const consentRequests = (contents?: mock.FakeWebContents) => sentEvents(contents).filter((e) => e.type === 'consent.request');

describe('tools in the desktop app', () => {
  it('a tool that asks first: the question reaches the window, which comes up; Allow runs it on the desktop', async () => {
    const { app, window, invoke } = await running();
    mock.clipboard.text = 'the text the user copied';
    const result = toolbox(app).call({ callId: 'call_1', name: 'read_clipboard', arguments: '{}' });
    await vi.waitFor(() => expect(consentRequests()).toHaveLength(1));
    const [question] = consentRequests();
    expect(question).toMatchObject({ tool: 'read_clipboard', said: { key: 'tool.read_clipboard.consent' }, timeoutMs: 30_000 });
    // The window was hidden: it comes up for the question.
    expect(window.isVisible()).toBe(true);

    await expect(invoke('consent:answer', question!.id, 'allow')).resolves.toEqual({ accepted: true });
    await expect(result).resolves.toMatchObject({ outcome: 'ok' });
    expect((await result).output).toContain('the text the user copied');
    await vi.waitFor(() => expect(sentEvents()).toContainEqual({ type: 'consent.settled', id: question!.id, answer: 'allow' }));
    expect(sentEvents()).toContainEqual(expect.objectContaining({ type: 'tool.result', callId: 'call_1', outcome: 'ok' }));
    // Late, repeated or made-up answers are refused cleanly.
    await expect(invoke('consent:answer', question!.id, 'deny')).resolves.toEqual({ accepted: false });
    await expect(invoke('consent:answer', 'call_made_up', 'allow')).resolves.toEqual({ accepted: false });
    await expect(invoke('consent:answer', 'has spaces', 'allow')).rejects.toThrow(/invalid arguments/);
    await expect(invoke('consent:answer', question!.id, 'maybe')).rejects.toThrow(/invalid arguments/);
  });

  it('a minimised window is restored for the question', async () => {
    const { app, window } = await running();
    window.show();
    window.minimize();
    void toolbox(app).call({ callId: 'call_m', name: 'read_clipboard', arguments: '{}' });
    await vi.waitFor(() => expect(consentRequests()).toHaveLength(1));
    expect(window.isMinimized()).toBe(false);
    expect(window.isVisible()).toBe(true);
  });

  it('Deny: the tool does not run and the model is told', async () => {
    const { app, invoke } = await running();
    const result = toolbox(app).call({ callId: 'call_2', name: 'open_url', arguments: '{"url":"https://example.com"}' });
    await vi.waitFor(() => expect(consentRequests()).toHaveLength(1));
    await invoke('consent:answer', consentRequests()[0]!.id, 'deny');
    await expect(result).resolves.toMatchObject({ outcome: 'denied' });
    expect(mock.shell.opened).toEqual([]);
  });

  it('"Always allow" is kept in the saved settings and asked no more', async () => {
    const { app, invoke } = await running();
    const first = toolbox(app).call({ callId: 'call_3', name: 'write_clipboard', arguments: '{"text":"kyoto"}' });
    await vi.waitFor(() => expect(consentRequests()).toHaveLength(1));
    await invoke('consent:answer', consentRequests()[0]!.id, 'allow-always');
    await expect(first).resolves.toMatchObject({ outcome: 'ok' });
    expect(mock.clipboard.text).toBe('kyoto');
    await vi.waitFor(() => expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')).tools.alwaysAllow).toEqual(['write_clipboard']));
    expect(((await invoke('settings:get')) as SettingsView).settings.tools.alwaysAllow).toEqual(['write_clipboard']);
    await expect(toolbox(app).call({ callId: 'call_4', name: 'write_clipboard', arguments: '{"text":"nara"}' })).resolves.toMatchObject({ outcome: 'ok' });
    expect(consentRequests()).toHaveLength(1);
    // Reset from Settings: it asks again.
    await invoke('settings:update', { tools: { alwaysAllow: [] } });
    void toolbox(app).call({ callId: 'call_5', name: 'write_clipboard', arguments: '{"text":"osaka"}' });
    await vi.waitFor(() => expect(consentRequests()).toHaveLength(2));
  });

  it('tools that need no consent run at once; a timer notifies in Kaiwa’s language', async () => {
    const { app, invoke } = await running();
    await invoke('settings:update', { language: 'ja' });
    await expect(toolbox(app).call({ callId: 'call_n', name: 'notify', arguments: '{"title":"Kaiwa","body":"hello"}' })).resolves.toMatchObject({ outcome: 'ok' });
    await expect(toolbox(app).call({ callId: 'call_t', name: 'set_timer', arguments: '{"seconds":1,"label":"お茶"}' })).resolves.toMatchObject({ outcome: 'ok' });
    await vi.waitFor(() => expect(mock.Notification.shown).toEqual([{ title: 'Kaiwa', body: 'hello' }, { title: '時間になりました', body: 'お茶' }]), { timeout: 3_000 });
    expect(consentRequests()).toEqual([]);
  });

  it('a window that loads after the question was asked gets it, with the time left', async () => {
    const app = await launch();
    const listening = waitForState(app, 'listening');
    await app.controller.start();
    await listening;
    void toolbox(app).call({ callId: 'call_6', name: 'read_clipboard', arguments: '{}' });
    // No window yet: the question makes one.
    await vi.waitFor(() => expect(mainWindow()).toBeDefined());
    const window = mainWindow() as mock.BrowserWindow;
    expect(consentRequests(window.webContents)).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    window.webContents.finishLoad();
    const [question] = consentRequests(window.webContents);
    expect(question).toMatchObject({ tool: 'read_clipboard' });
    expect(question!.timeoutMs).toBeLessThan(30_000);
    expect(question!.timeoutMs).toBeGreaterThan(25_000);
  });

  it('a built-in tool off in the settings is not offered; the settings view lists every built-in tool', async () => {
    const { invoke } = await running();
    const view = (await invoke('settings:get')) as SettingsView;
    expect(view.options.tools.map((t) => t.name)).toEqual(['get_time', 'read_clipboard', 'write_clipboard', 'open_url', 'notify', 'set_timer']);
    expect(view.options.tools.filter((t) => t.needsConsent).map((t) => t.name)).toEqual(['read_clipboard', 'write_clipboard', 'open_url']);
  });
});

describe('MCP header values in the desktop app', () => {
  const VALUE = 'Bearer mcp-NEVER-LEAK-0123456789abcdef';
  const docs = { label: 'docs', url: 'https://docs.example.com/mcp', requireApproval: 'always', headerNames: ['Authorization'] };

  it('are write-only: the window learns only that one is set, and no webContents, log line or settings file ever holds it', async () => {
    const app = await launch(['kaiwa']);
    const window = loadedMainWindow(app);
    const results: unknown[] = [];
    const invoke = async (channel: string, ...args: unknown[]) => {
      const result = await mock.ipcMain.invoke(channel, { webContents: window.webContents }, ...args);
      results.push(result);
      return result;
    };
    // Only for a header the saved settings name.
    await expect(invoke('settings:set-mcp-header', 'docs', 'Authorization', VALUE)).resolves.toEqual({ set: false });
    await invoke('settings:update', { tools: { mcpServers: [docs] } });
    await expect(invoke('settings:set-mcp-header', 'docs', 'Authorization', VALUE)).resolves.toEqual({ set: true });
    const view = (await invoke('settings:get')) as SettingsView;
    expect(view.mcpHeadersSet).toEqual({ docs: ['Authorization'] });
    // The engine gets it (the MCP tool it declares carries the header) ...
    const listening = waitForState(app, 'listening');
    await invoke('assistant:start');
    await listening;
    expect(toolbox(app).mcpTools()).toEqual([expect.objectContaining({ server_label: 'docs', headers: { Authorization: VALUE } })]);
    await invoke('assistant:stop');
    await new Promise((resolve) => setTimeout(resolve, 40));
    // ... and nothing the window received, no log line and no plain file has it.
    const everything = JSON.stringify([mock.electronMock.sent, results, logLines]);
    expect(everything).not.toContain('NEVER-LEAK');
    for (const file of readdirSync(dir)) {
      if (file.endsWith('.json')) expect(readFileSync(join(dir, file), 'utf8')).not.toContain('NEVER-LEAK');
    }
    expect(readFileSync(join(dir, 'mcp-headers.enc')).toString('latin1')).not.toContain('NEVER-LEAK');

    await expect(invoke('settings:set-mcp-header', 'docs', 'Authorization', null)).resolves.toEqual({ set: false });
    expect(((await invoke('settings:get')) as SettingsView).mcpHeadersSet).toEqual({});
  });

  it('a header value with a line break is refused at the door, without echoing it', async () => {
    const app = await launch(['kaiwa']);
    const window = loadedMainWindow(app);
    await mock.ipcMain.invoke('settings:update', { webContents: window.webContents }, { tools: { mcpServers: [docs] } });
    const refused = mock.ipcMain.invoke('settings:set-mcp-header', { webContents: window.webContents }, 'docs', 'Authorization', `${VALUE}\r\nX-Evil: 1`);
    await expect(refused).rejects.toThrow(/line break/);
    await refused.catch((error: Error) => expect(error.message).not.toContain('NEVER-LEAK'));
    expect(logLines.join('\n')).not.toContain('NEVER-LEAK');
    expect(app.controller.view().mcpHeadersSet).toEqual({});
  });

  it('removing a server forgets its values', async () => {
    const app = await launch(['kaiwa']);
    const window = loadedMainWindow(app);
    const invoke = (channel: string, ...args: unknown[]) => mock.ipcMain.invoke(channel, { webContents: window.webContents }, ...args);
    await invoke('settings:update', { tools: { mcpServers: [docs] } });
    await invoke('settings:set-mcp-header', 'docs', 'Authorization', VALUE);
    await invoke('settings:update', { tools: { mcpServers: [] } });
    await invoke('settings:update', { tools: { mcpServers: [docs] } });
    expect(app.controller.view().mcpHeadersSet).toEqual({});
  });

  it('a stored value survives a restart of the app', async () => {
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ tools: { mcpServers: [docs] } }));
    const first = await launch(['kaiwa']);
    const window = loadedMainWindow(first);
    await mock.ipcMain.invoke('settings:set-mcp-header', { webContents: window.webContents }, 'docs', 'Authorization', VALUE);
    await first.shutdown();
    mock.resetElectronMock(dir);
    const second = await launch(['kaiwa']);
    expect(second.controller.view().mcpHeadersSet).toEqual({ docs: ['Authorization'] });
  });
});

describe('tools end to end: the simulator’s model calls, the window answers', () => {
  let sim: RunningSimulator | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  /** A microphone the test speaks into: `say()` is a short utterance between talk-start and talk-stop. */
  function scriptedMicrophone() {
    let push: ((pcm: Int16Array) => void) | undefined;
    const input: InputDevice = { name: 'script', start: async (onAudio) => void (push = onAudio), stop: async () => {} };
    return { devices: () => ({ input, output: new NullOutput() }), say: () => { for (let i = 0; i < 30; i++) push!(new Int16Array(240).fill(3000)); } };
  }

  async function talkingTo(realtime: NonNullable<Parameters<typeof startSimulator>[0]>['realtime'], tools: Record<string, unknown> = {}) {
    sim = await startSimulator({ port: 0, replyMs: 400, realtimeFactor: 50, record: true, realtime });
    const mic = scriptedMicrophone();
    const app = await launch(['kaiwa', '--hidden'], mic.devices);
    const window = loadedMainWindow(app);
    window.hide();
    const results: unknown[] = [];
    const invoke = async (channel: string, ...args: unknown[]) => {
      const result = await mock.ipcMain.invoke(channel, { webContents: window.webContents }, ...args);
      results.push(result);
      return result;
    };
    await invoke('settings:update', { provider: 'custom', url: sim.url, turnDetection: { mode: 'manual' }, tools });
    const session = sim.nextSession();
    const listening = waitForState(app, 'listening');
    await invoke('assistant:start');
    await listening;
    const s = await session;
    const turn = async () => {
      await invoke('assistant:talk-start');
      mic.say();
      await invoke('assistant:talk-stop');
    };
    return { app, window, invoke, results, s, turn };
  }

  it('a function call: asked in the window, allowed, run on the desktop, its output back to the model', async () => {
    mock.clipboard.text = 'meeting at 15:00 in Gion';
    const { window, invoke, s, turn } = await talkingTo({ toolCalls: [{ name: 'read_clipboard', arguments: '{}' }] });
    await turn();
    await vi.waitFor(() => expect(consentRequests()).toHaveLength(1), { timeout: 5_000 });
    expect(window.isVisible()).toBe(true);
    await expect(invoke('consent:answer', consentRequests()[0]!.id, 'allow')).resolves.toEqual({ accepted: true });
    await vi.waitFor(() => {
      const outputs = receivedOfType<{ item: { type: string; output?: string } }>(s.received, 'conversation.item.create').filter((e) => e.item.type === 'function_call_output');
      expect(outputs.map((e) => e.item.output)).toEqual([expect.stringContaining('meeting at 15:00 in Gion')]);
    }, { timeout: 5_000 });
    const shown = sentEvents().filter((e) => e.type === 'tool.call' || e.type === 'tool.result' || e.type === 'consent.settled');
    expect(shown).toEqual([
      expect.objectContaining({ type: 'tool.call', name: 'read_clipboard', source: 'function' }),
      expect.objectContaining({ type: 'consent.settled', answer: 'allow' }),
      expect.objectContaining({ type: 'tool.result', name: 'read_clipboard', outcome: 'ok' }),
    ]);
    // The history keeps the call and its outcome as entries of their own.
    const [saved] = (await invoke('conversations:list')) as { id: string }[];
    const entries = (await invoke('conversations:open', saved!.id)) as { kind: string }[];
    expect(entries.filter((e) => e.kind.startsWith('tool.'))).toEqual([
      expect.objectContaining({ kind: 'tool.call', name: 'read_clipboard', arguments: '{}' }),
      expect.objectContaining({ kind: 'tool.result', name: 'read_clipboard', outcome: 'ok' }),
    ]);
  });

  it('an MCP call: the header value goes to the model’s service only; the approval is the same prompt', async () => {
    const SECRET = 'Bearer mcp-NEVER-LEAK-fedcba9876543210';
    const docs = { label: 'docs', url: 'https://mcp.example.com/mcp', requireApproval: 'always', headerNames: ['Authorization'] };
    const { invoke, results, turn } = await talkingTo({ mcpCalls: [{ server: 'docs', name: 'search', arguments: '{"q":"kyoto"}', output: 'Kyoto was the capital' }] }, { mcpServers: [docs] });
    await expect(invoke('settings:set-mcp-header', 'docs', 'Authorization', SECRET)).resolves.toEqual({ set: true });
    // A new header value restarts the assistant with it: the next session declares it.
    await vi.waitFor(() => expect(sim!.sessions.length).toBeGreaterThan(1), { timeout: 5_000 });
    const current = sim!.sessions.at(-1)!;
    await vi.waitFor(() => expect(receivedOfType(current.received, 'session.update').length).toBeGreaterThan(0));
    const update = receivedOfType<{ session: { tools: Array<Record<string, unknown>> } }>(current.received, 'session.update').at(-1)!;
    expect(update.session.tools.find((t) => t.type === 'mcp')).toMatchObject({ server_label: 'docs', headers: { Authorization: SECRET } });
    await turn();
    await vi.waitFor(() => expect(consentRequests()).toHaveLength(1), { timeout: 5_000 });
    expect(consentRequests()[0]).toMatchObject({ tool: 'docs/search', said: { key: 'tool.mcp.consent', params: { server: 'docs', tool: 'search' } } });
    await invoke('consent:answer', consentRequests()[0]!.id, 'allow');
    await vi.waitFor(() => expect(sentEvents()).toContainEqual(expect.objectContaining({ type: 'tool.result', name: 'search', source: 'mcp', server: 'docs', outcome: 'ok' })), { timeout: 5_000 });
    await new Promise((resolve) => setTimeout(resolve, 40));
    const everything = JSON.stringify([mock.electronMock.sent, results, logLines]);
    expect(everything).not.toContain('NEVER-LEAK');
  });
});
