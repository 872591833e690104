import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { Profiler, StrictMode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../src/renderer/App';
import { BridgeProvider } from '../../src/renderer/bridge';
import { FakeBridge } from './fakeBridge';

// jsdom has no 2D canvas; the pulse skips drawing without one (the e2e test covers it in Chromium).
beforeEach(() => {
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

function mount(bridge: FakeBridge, quick = false, onCommit?: () => void) {
  return render(
    <StrictMode>
      <Profiler id="app" onRender={() => onCommit?.()}>
        <BridgeProvider bridge={bridge}>
          <App quick={quick} />
        </BridgeProvider>
      </Profiler>
    </StrictMode>,
  );
}

const settle = () => act(async () => {});

describe('App with useKaiwa', () => {
  it('subscribes once, shows pushed events, and unsubscribes on unmount', async () => {
    const bridge = new FakeBridge();
    const { unmount } = mount(bridge);
    await settle();
    expect(bridge.listenerCount).toBe(1);
    act(() =>
      bridge.push([
        { type: 'state', state: 'speaking' },
        { type: 'transcript.final', speaker: 'user', itemId: 'u1', text: 'Hello Kaiwa' },
        { type: 'transcript.delta', speaker: 'assistant', itemId: 'a1', delta: 'Hi, how can I help?' },
      ]),
    );
    expect(screen.getByRole('heading', { name: 'Speaking' })).toBeTruthy();
    expect(screen.getByText('Hello Kaiwa')).toBeTruthy();
    expect(screen.getByText('Hi, how can I help?')).toBeTruthy();
    expect((screen.getByRole('button', { name: /Interrupt/ }) as HTMLButtonElement).disabled).toBe(false);
    unmount();
    expect(bridge.listenerCount).toBe(0);
  });

  it('does not re-render for level batches (the pulse reads them from a store)', async () => {
    const bridge = new FakeBridge();
    let commits = 0;
    mount(bridge, false, () => commits++);
    await settle();
    act(() => bridge.push([{ type: 'state', state: 'speaking' }]));
    const before = commits;
    act(() => {
      for (let i = 0; i < 60; i++) bridge.push([{ type: 'levels', input: { rmsDb: -50, peakDb: -45 }, output: { rmsDb: -12, peakDb: -6 } }]);
    });
    expect(commits).toBe(before);
    act(() => bridge.push([{ type: 'levels', input: { rmsDb: -50, peakDb: -45 }, output: { rmsDb: -12, peakDb: -6 } }, { type: 'state', state: 'listening' }]));
    expect(commits).toBeGreaterThan(before);
  });

  it('starts from main’s state, unless newer events arrived first', async () => {
    const bridge = new FakeBridge();
    bridge.state = 'listening';
    mount(bridge);
    await settle();
    expect(screen.getByRole('heading', { name: 'Listening' })).toBeTruthy();
    cleanup();

    const late = new FakeBridge();
    late.state = 'connecting';
    mount(late);
    act(() => late.push([{ type: 'state', state: 'speaking' }]));
    await settle();
    expect(screen.getByRole('heading', { name: 'Speaking' })).toBeTruthy();
  });

  it('shows the microphone muted or on as main reports it (the tray or a hotkey may change it)', async () => {
    const bridge = new FakeBridge();
    mount(bridge);
    await settle();
    expect(screen.queryByText('Microphone muted')).toBeNull();
    act(() => bridge.push([{ type: 'muted', muted: true }]));
    expect(screen.getByText('Microphone muted')).toBeTruthy();
    act(() => bridge.push([{ type: 'muted', muted: false }]));
    expect(screen.queryByText('Microphone muted')).toBeNull();
  });

  it('shows hold-to-talk in manual turn detection', async () => {
    const bridge = new FakeBridge();
    bridge.view = { ...bridge.view, settings: { ...bridge.view.settings, turnDetection: { ...bridge.view.settings.turnDetection, mode: 'manual' } } };
    bridge.state = 'listening';
    mount(bridge);
    await settle();
    expect(screen.getByRole('button', { name: 'Hold to talk' })).toBeTruthy();
  });

  it('navigates on request from main, and by its tabs', async () => {
    const bridge = new FakeBridge();
    mount(bridge);
    await settle();
    act(() => bridge.navigate('settings'));
    expect(await screen.findByRole('form', { name: 'Settings' })).toBeTruthy();
    fireEvent.click(screen.getByRole('tab', { name: 'Conversation' }));
    expect(screen.getByRole('log', { name: 'Transcript' })).toBeTruthy();
  });

  it('shows past conversations read-only', async () => {
    const bridge = new FakeBridge();
    bridge.conversations = [{ id: 'c1', startedAt: '2026-11-20T10:00:00Z', title: 'Weather in Kyoto', turns: 2 }];
    bridge.entries.c1 = [
      { kind: 'transcript', at: '2026-11-20T10:00:01Z', speaker: 'user', itemId: 'u1', text: 'Weather in Kyoto?' },
      { kind: 'transcript', at: '2026-11-20T10:00:02Z', speaker: 'assistant', itemId: 'a1', text: 'Sunny and mild all weekend long' },
      { kind: 'interrupted', at: '2026-11-20T10:00:03Z', itemId: 'a1', playedMs: 500, receivedMs: 2000 },
    ];
    mount(bridge);
    await settle();
    fireEvent.click(screen.getByRole('tab', { name: 'History' }));
    fireEvent.click(await screen.findByRole('button', { name: /Weather in Kyoto/ }));
    await waitFor(() => expect(bridge.callsOf('openConversation')).toEqual([['c1']]));
    expect(await screen.findByText('Weather in Kyoto?')).toBeTruthy();
    expect(document.querySelector('.history .unheard')!.textContent).toBe('mild all weekend long');
    expect(document.querySelector('.history input, .history textarea')).toBeNull();
  });

  it('quick-talk shows only the pulse, state and interrupt; Esc hides it when nothing plays', async () => {
    const bridge = new FakeBridge();
    mount(bridge, true);
    await settle();
    expect(screen.queryByRole('tablist')).toBeNull();
    expect(screen.getByRole('img', { name: 'Ready' })).toBeTruthy();
    expect(screen.getByRole('button', { name: /Interrupt/ })).toBeTruthy();
    fireEvent.keyDown(window, { key: 'Escape' });
    expect(bridge.callsOf('hideWindow')).toHaveLength(1);
  });
});
