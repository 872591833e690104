import { beforeAll, describe, expect, it, vi } from 'vitest';
import * as mock from '../mocks/electron';
import { BRIDGE_METHODS, INVOKE_CHANNELS, IPC_CONTRACT, PUSH_CHANNELS, type KaiwaBridge } from '../../src/shared/ipc';

vi.mock('electron', () => import('../mocks/electron'));

let bridge: KaiwaBridge;

beforeAll(async () => {
  mock.resetElectronMock();
  await import('../../src/preload/index');
  bridge = mock.electronMock.exposed.get('kaiwa') as KaiwaBridge;
});

const invokeMethods = Object.entries(BRIDGE_METHODS).filter(([, c]) => !(PUSH_CHANNELS as readonly string[]).includes(c));
const pushMethods = Object.entries(BRIDGE_METHODS).filter(([, c]) => (PUSH_CHANNELS as readonly string[]).includes(c));

describe('preload bridge', () => {
  it('exposes only window.kaiwa, with exactly the methods of BRIDGE_METHODS', () => {
    expect([...mock.electronMock.exposed.keys()]).toEqual(['kaiwa']);
    expect(Object.keys(bridge).sort()).toEqual(Object.keys(BRIDGE_METHODS).sort());
    for (const value of Object.values(bridge)) expect(typeof value).toBe('function');
    expect(Object.isFrozen(bridge)).toBe(true);
  });

  it('has one method per channel of the contract: no two channels share a method name', () => {
    expect(Object.keys(BRIDGE_METHODS)).toHaveLength(Object.keys(IPC_CONTRACT).length);
    expect([...INVOKE_CHANNELS, ...PUSH_CHANNELS].sort()).toEqual(Object.keys(IPC_CONTRACT).sort());
    expect(Object.keys(bridge)).toHaveLength(Object.keys(IPC_CONTRACT).length);
  });

  it.each(invokeMethods)('%s invokes %s with its arguments and returns the result', async (method, channel) => {
    mock.electronMock.invoked = [];
    mock.electronMock.invokeResult = { answer: method };
    const ARGS: Record<string, unknown[]> = {
      setMuted: [true],
      updateSettings: [{ voice: 'cedar' }],
      setApiKey: ['sk-x'],
      openConversation: ['id1'],
      answerConsent: ['call_1', 'allow-always'],
      setMcpHeader: ['docs', 'Authorization', 'Bearer x'],
    };
    const args = ARGS[method] ?? [];
    const result = await (bridge[method as keyof KaiwaBridge] as (...a: unknown[]) => Promise<unknown>)(...args);
    expect(mock.electronMock.invoked).toEqual([{ channel, args }]);
    expect(result).toEqual({ answer: method });
  });

  it.each(pushMethods)('%s subscribes to %s, passes only the payload, and unsubscribes', (method, channel) => {
    const listener = vi.fn();
    const unsubscribe = (bridge[method as keyof KaiwaBridge] as (l: unknown) => () => void)(listener);
    expect(mock.ipcRenderer.listenerCount(channel)).toBe(1);
    mock.ipcRenderer.push(channel, { payload: 1 });
    expect(listener).toHaveBeenCalledExactlyOnceWith({ payload: 1 });
    unsubscribe();
    expect(mock.ipcRenderer.listenerCount(channel)).toBe(0);
    mock.ipcRenderer.push(channel, { payload: 2 });
    expect(listener).toHaveBeenCalledOnce();
  });

  it('two subscribers are independent', () => {
    const a = vi.fn();
    const b = vi.fn();
    const offA = bridge.onNavigate(a);
    const offB = bridge.onNavigate(b);
    offA();
    mock.ipcRenderer.push('app:navigate', 'settings');
    expect(a).not.toHaveBeenCalled();
    expect(b).toHaveBeenCalledWith('settings');
    offB();
  });

  it('the consent question comes with the engine events; only its payload reaches the page', () => {
    const listener = vi.fn();
    const off = bridge.onEvents(listener);
    const question = { type: 'consent.request', id: 'call_1', tool: 'read_clipboard', arguments: '{}', said: { key: 'tool.read_clipboard.consent' }, timeoutMs: 30_000 };
    mock.ipcRenderer.push('assistant:events', [question]);
    expect(listener).toHaveBeenCalledExactlyOnceWith([question]);
    off();
  });

  it('refuses a listener that is not a function', () => {
    expect(() => bridge.onEvents('alert(1)' as unknown as () => void)).toThrow(TypeError);
  });
});
