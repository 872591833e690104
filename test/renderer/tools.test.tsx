import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AssistantEvent, ConversationEntry } from '../../src/shared/ipc';
import { App } from '../../src/renderer/App';
import { BridgeProvider } from '../../src/renderer/bridge';
import { History } from '../../src/renderer/components/History';
import { Transcript } from '../../src/renderer/components/Transcript';
import { initialUiState, uiReducer } from '../../src/renderer/state/reducer';
import { isToolLine } from '../../src/renderer/state/tools';
import type { ToolLine, UiState } from '../../src/renderer/state/types';
import { turnsFromEntries } from '../../src/renderer/state/history';
import { FakeBridge, settingsView } from './fakeBridge';
import { openSettings } from './openSettings';

afterEach(cleanup);

const run = (events: AssistantEvent[], from: UiState = initialUiState) => uiReducer(from, { type: 'events', events });
const flush = () => act(async () => {});

const readClipboard: Extract<AssistantEvent, { type: 'consent.request' }> = {
  type: 'consent.request',
  id: 'consent-1',
  tool: 'read_clipboard',
  arguments: '{}',
  said: { key: 'tool.read_clipboard.consent' },
  timeoutMs: 30_000,
};
const openUrl: Extract<AssistantEvent, { type: 'consent.request' }> = {
  type: 'consent.request',
  id: 'consent-2',
  tool: 'open_url',
  arguments: '{\n  "url": "https://example.com/kyoto"\n}',
  said: { key: 'tool.open_url.consent', params: { url: 'https://example.com/kyoto' } },
  timeoutMs: 30_000,
};

describe('tool activity in the reducer', () => {
  it('gives a call its own transcript line, in order, and its result updates that line', () => {
    let s = run([
      { type: 'transcript.final', speaker: 'user', itemId: 'u1', text: 'What is on my clipboard?' },
      { type: 'tool.call', callId: 'c1', name: 'read_clipboard', arguments: '{}', source: 'function' },
      { type: 'transcript.delta', speaker: 'assistant', itemId: 'a1', delta: 'It says' },
    ]);
    expect(s.turns.map((l) => (isToolLine(l) ? `tool:${l.name}` : l.itemId))).toEqual(['u1', 'tool:read_clipboard', 'a1']);
    expect((s.turns[1] as ToolLine).outcome).toBeUndefined();
    s = run([{ type: 'tool.result', callId: 'c1', name: 'read_clipboard', outcome: 'ok', output: '{"text":"hello"}', source: 'function' }], s);
    expect(s.turns).toHaveLength(3);
    expect(s.turns[1]).toMatchObject({ kind: 'tool', callId: 'c1', arguments: '{}', outcome: 'ok', output: '{"text":"hello"}' });
  });

  it('a result whose call it never saw still gets its line; MCP activity keeps its server', () => {
    const s = run([{ type: 'tool.result', callId: 'm1', name: 'search', outcome: 'denied', output: '', source: 'mcp', server: 'docs' }]);
    expect(s.turns).toEqual([{ kind: 'tool', callId: 'm1', name: 'search', arguments: '', source: 'mcp', server: 'docs', outcome: 'denied', output: '' }]);
  });

  it('queues consent questions oldest first and drops each when settled or closed', () => {
    let s = run([readClipboard, openUrl]);
    expect(s.consent.map((c) => c.id)).toEqual(['consent-1', 'consent-2']);
    // The same question again (a window that loaded late gets the open ones) is not asked twice.
    s = run([{ ...readClipboard, timeoutMs: 12_000 }], s);
    expect(s.consent.map((c) => [c.id, c.timeoutMs])).toEqual([['consent-2', 30_000], ['consent-1', 12_000]]);
    s = run([{ type: 'consent.settled', id: 'consent-2', answer: 'timeout' }], s);
    expect(s.consent.map((c) => c.id)).toEqual(['consent-1']);
    s = uiReducer(s, { type: 'consent-closed', id: 'consent-1' });
    expect(s.consent).toEqual([]);
  });
});

describe('tool activity in the transcript', () => {
  it('shows the tool by its name in the user’s words, its arguments and its outcome', () => {
    const lines = run([
      { type: 'tool.call', callId: 'c1', name: 'open_url', arguments: '{"url":"https://example.com"}', source: 'function' },
      { type: 'tool.result', callId: 'c1', name: 'open_url', outcome: 'ok', output: '{"opened":true}', source: 'function' },
      { type: 'tool.call', callId: 'c2', name: 'read_clipboard', arguments: '{}', source: 'function' },
      { type: 'tool.result', callId: 'c2', name: 'read_clipboard', outcome: 'denied', output: '{"error":"denied"}', source: 'function' },
      { type: 'tool.call', callId: 'c3', name: 'search_docs', arguments: '{"q":"kyoto"}', source: 'mcp', server: 'docs' },
    ]).turns;
    const { container } = render(<Transcript turns={lines} />);
    const first = screen.getByRole('group', { name: 'Tool: Open web pages' });
    expect(within(first).getByText('{"url":"https://example.com"}')).toBeTruthy();
    expect(within(first).getByText('Done')).toBeTruthy();
    expect(within(screen.getByRole('group', { name: 'Tool: Read the clipboard' })).getByText('Denied')).toBeTruthy();
    const mcp = screen.getByRole('group', { name: 'Tool: docs/search_docs' });
    expect(within(mcp).getByText('docs/search_docs (MCP server)')).toBeTruthy();
    expect(within(mcp).getByText('Running…')).toBeTruthy();
    expect(container.querySelector('[data-call-id="c1"] .tool-outcome')!.getAttribute('data-outcome')).toBe('ok');
  });
});

describe('the consent prompt', () => {
  let bridge: FakeBridge;
  beforeEach(() => {
    bridge = new FakeBridge();
  });

  async function openApp() {
    const result = render(
      <BridgeProvider bridge={bridge}>
        <App />
      </BridgeProvider>,
    );
    await flush();
    return result;
  }
  const ask = async (...requests: Extract<AssistantEvent, { type: 'consent.request' }>[]) => {
    for (const r of requests) bridge.openConsent.add(r.id);
    act(() => bridge.push(requests));
    await flush();
  };

  it('asks with what the tool would do, the arguments, and Deny focused', async () => {
    await openApp();
    const talk = screen.getByRole('button', { name: /Talk/ });
    talk.focus();
    await ask(openUrl);
    const dialog = screen.getByRole('alertdialog', { name: 'Allow “Open web pages”?' });
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(within(dialog).getByText('Open https://example.com/kyoto in your browser')).toBeTruthy();
    expect(within(dialog).getByText(/"url": "https:\/\/example.com\/kyoto"/)).toBeTruthy();
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Deny' }));

    fireEvent.click(within(dialog).getByRole('button', { name: 'Allow' }));
    await flush();
    expect(bridge.callsOf('answerConsent')).toEqual([['consent-2', 'allow']]);
    // Answered: the buttons wait for the engine to settle the question.
    expect((within(dialog).getByRole('button', { name: 'Deny' }) as HTMLButtonElement).disabled).toBe(true);
    act(() => bridge.push([{ type: 'consent.settled', id: 'consent-2', answer: 'allow' }]));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    // The focus goes back where it was.
    expect(document.activeElement).toBe(talk);
  });

  it('Esc denies, and does not also interrupt the reply that is playing', async () => {
    bridge.state = 'speaking';
    await openApp();
    await ask(readClipboard);
    fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    await flush();
    expect(bridge.callsOf('answerConsent')).toEqual([['consent-1', 'deny']]);
    expect(bridge.callsOf('interrupt')).toEqual([]);
  });

  it('keeps Tab inside the prompt', async () => {
    await openApp();
    await ask(openUrl);
    const dialog = screen.getByRole('alertdialog');
    const names = () => (document.activeElement as HTMLElement).textContent;
    const seen: (string | null)[] = [names()];
    for (let i = 0; i < 4; i++) {
      fireEvent.keyDown(document.activeElement!, { key: 'Tab' });
      seen.push(names());
      expect(dialog.contains(document.activeElement)).toBe(true);
    }
    expect(seen).toEqual(['Deny', 'Always allow', 'Allow', 'Details the assistant gave', 'Deny']);
    fireEvent.keyDown(document.activeElement!, { key: 'Tab', shiftKey: true });
    expect(names()).toBe('Details the assistant gave');
  });

  it('"Always allow" is its own answer', async () => {
    await openApp();
    await ask(readClipboard);
    fireEvent.click(screen.getByRole('button', { name: 'Always allow' }));
    await flush();
    expect(bridge.callsOf('answerConsent')).toEqual([['consent-1', 'allow-always']]);
  });

  it('counts down the seconds left; at zero it says the answer is Deny', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    try {
      await openApp();
      await ask(readClipboard);
      expect(screen.getByText('Denied in 30 seconds unless you answer')).toBeTruthy();
      act(() => vi.advanceTimersByTime(10_000));
      expect(screen.getByText('Denied in 20 seconds unless you answer')).toBeTruthy();
      act(() => vi.advanceTimersByTime(19_000));
      expect(screen.getByText('Denied in 1 second unless you answer')).toBeTruthy();
      act(() => vi.advanceTimersByTime(1_000));
      expect(screen.getByText('No answer: denied')).toBeTruthy();
      // The engine's timer decides: the prompt closes when it says so.
      act(() => bridge.push([{ type: 'consent.settled', id: 'consent-1', answer: 'timeout' }]));
      expect(screen.queryByRole('alertdialog')).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });

  it('a question answered elsewhere or timed out meanwhile closes when main refuses the answer', async () => {
    await openApp();
    await ask(readClipboard, openUrl);
    expect(screen.getByText('1 more question is waiting.')).toBeTruthy();
    bridge.openConsent.delete('consent-1');
    fireEvent.click(screen.getByRole('button', { name: 'Allow' }));
    await flush();
    expect(bridge.callsOf('answerConsent')).toEqual([['consent-1', 'allow']]);
    // The next question takes its place, with the focus on its Deny.
    const next = screen.getByRole('alertdialog', { name: 'Allow “Open web pages”?' });
    await waitFor(() => expect(document.activeElement).toBe(within(next).getByRole('button', { name: 'Deny' })));
  });

  it('says so when the answer could not be sent, and lets the user answer again', async () => {
    bridge.answerConsent = async () => {
      throw new Error('ipc down');
    };
    await openApp();
    await ask(readClipboard);
    fireEvent.click(screen.getByRole('button', { name: 'Deny' }));
    expect(await screen.findByRole('alert', { name: '' })).toBeTruthy();
    expect(screen.getByText('Kaiwa could not pass on your answer. Try again.')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Deny' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('speaks Japanese when Kaiwa does', async () => {
    bridge.view = settingsView({ settings: { ...bridge.view.settings, language: 'ja' } });
    await openApp();
    await ask(readClipboard);
    const dialog = screen.getByRole('alertdialog', { name: '「クリップボードの読み取り」を許可しますか？' });
    expect(within(dialog).getByRole('button', { name: '拒否' })).toBeTruthy();
    expect(within(dialog).getByRole('button', { name: '常に許可' })).toBeTruthy();
    expect(within(dialog).getByText('30 秒以内に答えがなければ拒否します')).toBeTruthy();
  });
});

describe('tools in Settings', () => {
  it('turns tools and single built-in tools off, and lists which ask first', async () => {
    const { bridge } = await openSettings();
    const clipboard = screen.getByLabelText(/Read the clipboard/) as HTMLInputElement;
    expect(clipboard.checked).toBe(true);
    expect(clipboard.closest('label')!.textContent).toContain('asks first');
    expect((screen.getByLabelText(/Date and time/) as HTMLInputElement).closest('label')!.textContent).toContain('runs without asking');
    fireEvent.click(clipboard);
    fireEvent.click(screen.getByLabelText(/Let the assistant use tools/));
    expect((screen.getByLabelText(/Open web pages/) as HTMLInputElement).disabled).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(bridge.callsOf('updateSettings')).toHaveLength(1));
    expect(bridge.callsOf('updateSettings')[0]![0]).toEqual({ tools: { enabled: false, off: ['read_clipboard'] } });
  });

  it('edits the model GPT-Live hands tool calls to', async () => {
    const { bridge } = await openSettings();
    const model = screen.getByLabelText('Model that runs tools in GPT-Live') as HTMLInputElement;
    expect(model.value).toBe('gpt-5-mini');
    fireEvent.change(model, { target: { value: 'gpt-5' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(bridge.callsOf('updateSettings')).toEqual([[{ tools: { liveBackendModel: 'gpt-5' } }]]));
  });

  it('resets "always allow"', async () => {
    const bridge = new FakeBridge();
    bridge.view = settingsView({ settings: { ...bridge.view.settings, tools: { ...bridge.view.settings.tools, alwaysAllow: ['read_clipboard', 'open_url'] } } });
    await openSettings(bridge);
    expect(screen.getByText('2 tools run without asking: Read the clipboard, Open web pages.')).toBeTruthy();
    expect(screen.getByLabelText(/Read the clipboard/).closest('label')!.textContent).toContain('always allowed');
    fireEvent.click(screen.getByRole('button', { name: 'Ask again every time' }));
    expect(screen.getByText('No tool runs without asking.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(bridge.callsOf('updateSettings')).toEqual([[{ tools: { alwaysAllow: [] } }]]));
  });

  it('adds an MCP server: an https address and a label are asked for before saving', async () => {
    const { bridge } = await openSettings();
    fireEvent.click(screen.getByRole('button', { name: 'Add MCP server' }));
    const server = screen.getByRole('group', { name: 'MCP server Server 1' });
    const save = screen.getByRole('button', { name: 'Save' }) as HTMLButtonElement;
    fireEvent.change(within(server).getByLabelText('Address'), { target: { value: 'http://docs.example.com/mcp' } });
    expect(within(server).getByText('Use 1–64 letters, digits, - or _.')).toBeTruthy();
    expect(within(server).getByText('Enter an address starting with https://.')).toBeTruthy();
    expect(save.disabled).toBe(true);

    fireEvent.change(within(server).getByLabelText('Name'), { target: { value: 'docs' } });
    fireEvent.change(within(server).getByLabelText('Address'), { target: { value: 'https://docs.example.com/mcp' } });
    fireEvent.change(within(server).getByLabelText('Allowed tools (comma-separated)'), { target: { value: 'search, fetch, ' } });
    fireEvent.change(within(server).getByLabelText('Headers to send (names, comma-separated)'), { target: { value: 'Authorization' } });
    fireEvent.change(within(server).getByLabelText('Ask before each call'), { target: { value: 'never' } });
    // The typed text stays as typed while the list follows it.
    expect((within(server).getByLabelText('Allowed tools (comma-separated)') as HTMLInputElement).value).toBe('search, fetch, ');
    // Not saved yet: its header cannot take a value.
    expect((within(server).getByLabelText('Value of Authorization') as HTMLInputElement).disabled).toBe(true);
    expect(within(server).getByText('Save the settings first, then set its value.')).toBeTruthy();
    expect(save.disabled).toBe(false);
    fireEvent.click(save);
    await waitFor(() => expect(bridge.callsOf('updateSettings')).toHaveLength(1));
    expect(bridge.callsOf('updateSettings')[0]![0]).toEqual({
      tools: { mcpServers: [{ label: 'docs', url: 'https://docs.example.com/mcp', allowedTools: ['search', 'fetch'], requireApproval: 'never', headerNames: ['Authorization'] }] },
    });
  });

  it('refuses a header name a server cannot receive and a label used twice', async () => {
    const bridge = new FakeBridge();
    const docs = { label: 'docs', url: 'https://docs.example.com/mcp', requireApproval: 'always' as const, headerNames: [] };
    bridge.view = settingsView({ settings: { ...bridge.view.settings, tools: { ...bridge.view.settings.tools, mcpServers: [docs, docs] } } });
    await openSettings(bridge);
    const second = screen.getAllByRole('group', { name: 'MCP server docs' })[1]!;
    expect(within(second).getByText('Another server already has this name.')).toBeTruthy();
    fireEvent.change(within(second).getByLabelText('Name'), { target: { value: 'wiki' } });
    fireEvent.change(within(second).getByLabelText('Headers to send (names, comma-separated)'), { target: { value: 'X Api Key' } });
    expect(within(second).getByText('“X Api Key” is not a header name.')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Save' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('sets a header value write-only: sent once, never rendered, only "set" comes back', async () => {
    const secret = 'Bearer mcp-SECRET-0123456789';
    const bridge = new FakeBridge();
    const docs = { label: 'docs', url: 'https://docs.example.com/mcp', requireApproval: 'always' as const, headerNames: ['Authorization'] };
    bridge.view = settingsView({ settings: { ...bridge.view.settings, tools: { ...bridge.view.settings.tools, mcpServers: [docs] } } });
    const { container } = await openSettings(bridge);
    const input = screen.getByLabelText('Value of Authorization') as HTMLInputElement;
    expect(input.type).toBe('password');
    expect(screen.getByText('No value set.')).toBeTruthy();
    fireEvent.change(input, { target: { value: secret } });
    fireEvent.click(screen.getByRole('button', { name: 'Set' }));
    await screen.findByText('A value is set (hidden).');
    expect(bridge.callsOf('setMcpHeader')).toEqual([['docs', 'Authorization', secret]]);
    expect(input.value).toBe('');
    expect(container.innerHTML).not.toContain('SECRET');

    fireEvent.click(screen.getByRole('button', { name: 'Remove value' }));
    await screen.findByText('No value set.');
    expect(bridge.callsOf('setMcpHeader')).toEqual([['docs', 'Authorization', secret], ['docs', 'Authorization', null]]);
    expect(bridge.mcpHeaderValues.size).toBe(0);
  });

  it('removes a server', async () => {
    const bridge = new FakeBridge();
    const docs = { label: 'docs', url: 'https://docs.example.com/mcp', requireApproval: 'always' as const, headerNames: [] };
    bridge.view = settingsView({ settings: { ...bridge.view.settings, tools: { ...bridge.view.settings.tools, mcpServers: [docs] } } });
    await openSettings(bridge);
    fireEvent.click(within(screen.getByRole('group', { name: 'MCP server docs' })).getByRole('button', { name: 'Remove server' }));
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(bridge.callsOf('updateSettings')).toEqual([[{ tools: { mcpServers: [] } }]]));
  });
});

describe('tool activity in the history', () => {
  it('a call and its result are one line; a result whose call the log lost still shows', () => {
    const at = '2026-11-30T10:00:01.000Z';
    const lines = turnsFromEntries([
      { kind: 'tool.call', at, callId: 'k1', name: 'open_url', arguments: '{"url":"https://example.com"}', source: 'function' },
      { kind: 'tool.result', at, callId: 'k1', name: 'open_url', outcome: 'denied', output: '{"error":"denied"}', source: 'function' },
      { kind: 'tool.result', at, callId: 'm1', name: 'search', outcome: 'ok', output: 'Kyoto', source: 'mcp', server: 'docs' },
    ]);
    expect(lines).toEqual([
      { tool: { kind: 'tool', callId: 'k1', name: 'open_url', arguments: '{"url":"https://example.com"}', source: 'function', outcome: 'denied', output: '{"error":"denied"}' } },
      { tool: { kind: 'tool', callId: 'm1', name: 'search', arguments: '', source: 'mcp', server: 'docs', outcome: 'ok', output: 'Kyoto' } },
    ]);
  });

  it('shows the saved calls and results as their own entries', async () => {
    const bridge = new FakeBridge();
    bridge.conversations = [{ id: 'c1', startedAt: '2026-11-30T10:00:00.000Z', title: 'What is on my clipboard?', turns: 2 }];
    const at = '2026-11-30T10:00:01.000Z';
    bridge.entries.c1 = [
      { kind: 'transcript', at, speaker: 'user', itemId: 'u1', text: 'What is on my clipboard?' },
      { kind: 'tool.call', at, callId: 'k1', name: 'read_clipboard', arguments: '{}', source: 'function' },
      { kind: 'tool.result', at, callId: 'k1', name: 'read_clipboard', outcome: 'timeout', output: '{"error":"timeout"}', source: 'function' },
      { kind: 'transcript', at, speaker: 'assistant', itemId: 'a1', text: 'I could not read it.' },
    ] satisfies ConversationEntry[];
    render(
      <BridgeProvider bridge={bridge}>
        <History />
      </BridgeProvider>,
    );
    fireEvent.click(await screen.findByRole('button', { name: /What is on my clipboard/ }));
    const tool = await screen.findByRole('group', { name: 'Tool: Read the clipboard' });
    expect(within(tool).getByText('Timed out')).toBeTruthy();
    const order = [...document.querySelectorAll('.turn, .tool-line')].map((e) => e.textContent);
    expect(order).toHaveLength(3);
    expect(order[1]).toContain('Read the clipboard');
  });
});
