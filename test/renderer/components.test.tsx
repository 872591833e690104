import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import type { AssistantState, ErrorCode } from '../../src/shared/ipc';
import { BridgeProvider } from '../../src/renderer/bridge';
import { InterruptButton, useEscapeKey } from '../../src/renderer/components/InterruptButton';
import { StatusBar, TalkControls } from '../../src/renderer/components/StatusBar';
import { Transcript } from '../../src/renderer/components/Transcript';
import { initialUiState, uiReducer } from '../../src/renderer/state/reducer';
import type { Turn, UiState } from '../../src/renderer/state/types';
import { FakeBridge } from './fakeBridge';

afterEach(cleanup);

const withBridge = (bridge: FakeBridge, node: ReactNode) => render(<BridgeProvider bridge={bridge}>{node}</BridgeProvider>);
const flush = () => act(async () => {});

describe('Transcript', () => {
  it('shows both sides and marks where an interrupted reply was cut', () => {
    const turns: Turn[] = [
      { itemId: 'u1', speaker: 'user', text: 'Tell me about Kyoto', final: true },
      { itemId: 'a1', speaker: 'assistant', text: 'Kyoto was the capital of Japan for over a thousand years', final: false, cut: { playedMs: 1000, receivedMs: 4000, reason: 'barge-in' } },
    ];
    const { container } = render(<Transcript turns={turns} />);
    expect(screen.getByText('Tell me about Kyoto')).toBeTruthy();
    const assistant = container.querySelector('[data-item-id="a1"]')!;
    expect(assistant.querySelector('.heard')!.textContent).toBe('Kyoto was the');
    expect(assistant.querySelector('.unheard')!.textContent).toBe('capital of Japan for over a thousand years');
    const marker = assistant.querySelector('.cut-marker')!;
    expect(marker.textContent).toBe('cut');
    expect(marker.getAttribute('title')).toBe('You spoke over the reply: you heard 1.0 sec of 4.0 sec.');
    // Heard, marker, unheard: in reading order.
    expect([...assistant.querySelector('.turn-bubble')!.children].map((c) => c.className)).toEqual(['heard', 'cut-marker', 'unheard']);
  });

  it('renders a reply that was not cut as plain text', () => {
    const { container } = render(<Transcript turns={[{ itemId: 'a1', speaker: 'assistant', text: 'All of it', final: true }]} />);
    expect(container.querySelector('.cut-marker')).toBeNull();
    expect(container.querySelector('.turn-bubble')!.textContent).toBe('All of it');
  });

  it('follows new text at the bottom, and stops following once the user scrolls up', () => {
    const turn = (text: string): Turn => ({ itemId: 'a1', speaker: 'assistant', text, final: false });
    const { container, rerender } = render(<Transcript turns={[turn('a')]} />);
    const list = container.querySelector('.transcript-list') as HTMLDivElement;
    let height = 1000;
    Object.defineProperty(list, 'scrollHeight', { configurable: true, get: () => height });
    Object.defineProperty(list, 'clientHeight', { configurable: true, get: () => 200 });
    rerender(<Transcript turns={[turn('ab')]} />);
    expect(list.scrollTop).toBe(1000);

    list.scrollTop = 300; // the user scrolls up to read
    fireEvent.scroll(list);
    height = 1400;
    rerender(<Transcript turns={[turn('abc')]} />);
    expect(list.scrollTop).toBe(300);
    fireEvent.click(screen.getByText(/Jump to latest/));
    expect(list.scrollTop).toBe(1400);
    expect(screen.queryByText(/Jump to latest/)).toBeNull();
  });
});

describe('InterruptButton', () => {
  const states: AssistantState[] = ['idle', 'connecting', 'reconnecting', 'listening', 'user-speaking', 'thinking', 'speaking', 'interrupted', 'error'];

  it('is enabled only while a reply is playing', () => {
    for (const state of states) {
      const bridge = new FakeBridge();
      withBridge(bridge, <InterruptButton state={state} />);
      const button = screen.getByRole('button', { name: /Interrupt/ }) as HTMLButtonElement;
      expect(button.disabled, state).toBe(state !== 'speaking');
      cleanup();
    }
  });

  it('calls the bridge when clicked, and not when disabled', () => {
    const bridge = new FakeBridge();
    const { rerender } = withBridge(bridge, <InterruptButton state="thinking" />);
    fireEvent.click(screen.getByRole('button', { name: /Interrupt/ }));
    expect(bridge.callsOf('interrupt')).toHaveLength(0);
    rerender(<BridgeProvider bridge={bridge}><InterruptButton state="speaking" /></BridgeProvider>);
    fireEvent.click(screen.getByRole('button', { name: /Interrupt/ }));
    expect(bridge.callsOf('interrupt')).toHaveLength(1);
  });

  function EscapeProbe({ state, quick }: { state: AssistantState; quick: boolean }) {
    useEscapeKey(state, quick);
    return null;
  }

  it('Esc interrupts what is playing; in quick-talk with nothing playing it hides the window', () => {
    const bridge = new FakeBridge();
    const { rerender } = withBridge(bridge, <EscapeProbe state="speaking" quick={false} />);
    fireEvent.keyDown(window, { key: 'Escape' });
    expect(bridge.calls.map((c) => c.method)).toEqual(['interrupt']);

    rerender(<BridgeProvider bridge={bridge}><EscapeProbe state="listening" quick={false} /></BridgeProvider>);
    fireEvent.keyDown(window, { key: 'Escape' });
    expect(bridge.calls.map((c) => c.method)).toEqual(['interrupt']);

    rerender(<BridgeProvider bridge={bridge}><EscapeProbe state="listening" quick /></BridgeProvider>);
    fireEvent.keyDown(window, { key: 'Escape' });
    expect(bridge.calls.map((c) => c.method)).toEqual(['interrupt', 'hideWindow']);

    rerender(<BridgeProvider bridge={bridge}><EscapeProbe state="speaking" quick /></BridgeProvider>);
    fireEvent.keyDown(window, { key: 'Escape' });
    fireEvent.keyDown(window, { key: 'x' });
    expect(bridge.calls.map((c) => c.method)).toEqual(['interrupt', 'hideWindow', 'interrupt']);
  });
});

describe('StatusBar', () => {
  const noop = () => undefined;
  const bar = (ui: UiState, muted = false, onOpenSettings: () => void = noop) =>
    render(<StatusBar ui={ui} muted={muted} onDismissError={noop} onDismissNotice={noop} onOpenSettings={onOpenSettings} />);
  const withError = (code: ErrorCode) => uiReducer(initialUiState, { type: 'events', events: [{ type: 'error', code, fatal: true, key: 'error.serverSaid', params: { detail: `detail ${code}` } }] });

  const expected: Record<ErrorCode, RegExp> = {
    auth: /^Your API key was rejected\. Check it in Settings\.$/,
    'not-found': /model or deployment doesn’t exist/,
    'rate-limit': /rate limit/,
    network: /^Can’t reach the server\. Check your connection\.$/,
    server: /server ran into a problem/,
    protocol: /didn’t expect/,
    'session-expired': /session expired/,
    device: /No microphone found, or the microphone stopped/,
    config: /setting is invalid/,
    internal: /went wrong inside Kaiwa/,
  };

  it('puts each error code into words, with the technical detail underneath', () => {
    for (const [code, words] of Object.entries(expected) as [ErrorCode, RegExp][]) {
      bar(withError(code));
      const alert = screen.getByRole('alert');
      expect(alert.querySelector('strong')!.textContent, code).toMatch(words);
      expect(alert.textContent).toContain(`detail ${code}`);
      cleanup();
    }
  });

  it('offers Settings for errors fixed there', () => {
    let opened = 0;
    bar(withError('auth'), false, () => {
      opened++;
    });
    fireEvent.click(screen.getByRole('button', { name: 'Open Settings' }));
    expect(opened).toBe(1);
    cleanup();
    bar(withError('network'));
    expect(screen.queryByRole('button', { name: 'Open Settings' })).toBeNull();
  });

  it('shows the connection state with the reconnect attempt, notices and the mute indicator', () => {
    const ui = uiReducer(initialUiState, {
      type: 'events',
      events: [
        { type: 'state', state: 'reconnecting', attempt: 3 },
        { type: 'notice', key: 'main.hotkey.unavailable', params: { action: { key: 'main.hotkey.interrupt' }, accelerator: 'Ctrl+Shift+X', reason: 'taken' } },
      ],
    });
    bar(ui, true);
    expect(screen.getByText('Reconnecting (attempt 3)…')).toBeTruthy();
    expect(screen.getByText(/^The interrupt shortcut Ctrl\+Shift\+X is not available: taken\./)).toBeTruthy();
    expect(screen.getByText('Microphone muted')).toBeTruthy();
    cleanup();
    bar({ ...initialUiState, state: 'listening' });
    expect(screen.getByText('Connected')).toBeTruthy();
    expect(screen.queryByText('Microphone muted')).toBeNull();
  });
});

describe('TalkControls', () => {
  it('Talk starts, Stop stops, Mute toggles', async () => {
    const bridge = new FakeBridge();
    const muted: boolean[] = [];
    const { rerender } = withBridge(bridge, <TalkControls state="idle" muted={false} manualTurns={false} onMute={(m) => muted.push(m)} />);
    fireEvent.click(screen.getByRole('button', { name: 'Talk' }));
    rerender(<BridgeProvider bridge={bridge}><TalkControls state="listening" muted={false} manualTurns={false} onMute={(m) => muted.push(m)} /></BridgeProvider>);
    fireEvent.click(screen.getByRole('button', { name: 'Stop' }));
    fireEvent.click(screen.getByRole('button', { name: 'Mute' }));
    await flush();
    expect(bridge.calls.map((c) => c.method)).toEqual(['start', 'stop']);
    expect(muted).toEqual([true]);
    expect(screen.queryByRole('button', { name: 'Hold to talk' })).toBeNull();
  });

  it('hold-to-talk (manual turns) sends talkStart on press and talkStop on release', () => {
    const bridge = new FakeBridge();
    withBridge(bridge, <TalkControls state="listening" muted={false} manualTurns onMute={() => undefined} />);
    const hold = screen.getByRole('button', { name: 'Hold to talk' });
    fireEvent.pointerDown(hold, { button: 0, pointerId: 1 });
    fireEvent.pointerDown(hold, { button: 0, pointerId: 1 }); // a second press while held is ignored
    expect(bridge.calls.map((c) => c.method)).toEqual(['talkStart']);
    fireEvent.pointerUp(hold, { button: 0, pointerId: 1 });
    fireEvent.pointerCancel(hold, { pointerId: 1 }); // already released: nothing more
    expect(bridge.calls.map((c) => c.method)).toEqual(['talkStart', 'talkStop']);
    fireEvent.keyDown(hold, { key: ' ' });
    fireEvent.keyUp(hold, { key: ' ' });
    expect(bridge.calls.map((c) => c.method)).toEqual(['talkStart', 'talkStop', 'talkStart', 'talkStop']);
  });
});
