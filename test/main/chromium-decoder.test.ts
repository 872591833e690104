import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as mock from '../mocks/electron';
import { ENGINE_SAMPLE_RATE } from '../../src/engine';
import { ChromiumDecoder } from '../../src/main/chromium-decoder';
import { DECODER_CHANNELS, type DecodeReply, type DecodeRequest } from '../../src/shared/decoder-ipc';

vi.mock('electron', () => import('../mocks/electron'));

// The `electron` module is the test double: the hidden window's preload is played by the test,
// answering on the window's own `webContents.ipc` as the real one does with ipcRenderer.send.

let decoder: ChromiumDecoder;
let logLines: string[];

const windows = () => mock.BrowserWindow.instances;
const requests = () => mock.electronMock.sent.filter((m) => m.channel === DECODER_CHANNELS.decode).map((m) => m.payload[0] as DecodeRequest);
const answer = (window: mock.BrowserWindow, reply: DecodeReply | unknown) => window.webContents.ipc.emit(DECODER_CHANNELS.decoded, {}, reply);
const flush = () => new Promise((resolve) => setImmediate(resolve));

beforeEach(() => {
  mock.resetElectronMock();
  logLines = [];
  decoder = new ChromiumDecoder({ idleMs: 1000, log: (line) => logLines.push(line) });
});

afterEach(() => decoder.close());

describe('m4a decoded by Chromium in a hidden window', () => {
  it('opens one hidden, sandboxed window with the decoder preload and an empty page that loads nothing', async () => {
    void decoder.decode(new Uint8Array([1, 2, 3]), 'm4a').catch(() => undefined);
    await flush();
    expect(windows()).toHaveLength(1);
    const [window] = windows();
    expect(window!.options).toMatchObject({ show: false, skipTaskbar: true });
    expect(window!.options.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, webSecurity: true });
    expect(window!.options.webPreferences!.preload).toMatch(/[/\\]preload[/\\]decoder\.cjs$/);
    expect(decodeURIComponent(window!.loaded.url!)).toContain(`content="default-src 'none'"`);
    expect(window!.visible).toBe(false);
  });

  it('sends the bytes and the engine rate; each answer settles its own recording, in any order', async () => {
    const first = decoder.decode(new Uint8Array([1, 2, 3]), 'm4a');
    const second = decoder.decode(new Uint8Array([4, 5]), 'mp4');
    await flush();
    expect(windows()).toHaveLength(1);
    const [a, b] = requests();
    expect(a).toMatchObject({ bytes: new Uint8Array([1, 2, 3]), sampleRate: ENGINE_SAMPLE_RATE });
    expect(b!.bytes).toEqual(new Uint8Array([4, 5]));
    answer(windows()[0]!, { id: b!.id, error: 'EncodingError: Unable to decode audio data' });
    answer(windows()[0]!, { id: a!.id, channelData: [new Float32Array([0.5, -0.5]), new Float32Array([0.25, 0])] });
    await expect(second).rejects.toThrow('EncodingError: Unable to decode audio data');
    await expect(first).resolves.toEqual({ sampleRate: ENGINE_SAMPLE_RATE, channelData: [new Float32Array([0.5, -0.5]), new Float32Array([0.25, 0])] });
  });

  it('ignores answers it did not ask for or cannot read', async () => {
    const pending = decoder.decode(new Uint8Array([1]), 'm4a');
    await flush();
    const [request] = requests();
    const window = windows()[0]!;
    for (const junk of [null, 'x', { id: 999, channelData: [new Float32Array(2)] }, { id: request!.id }, { id: request!.id, channelData: [] }, { id: request!.id, channelData: [[0.1, 0.2]] }, { id: request!.id, channelData: [new Float32Array(2), new Float32Array(3)] }]) {
      answer(window, junk);
    }
    let settled = false;
    void pending.finally(() => (settled = true)).catch(() => undefined);
    await flush();
    expect(settled).toBe(false);
    answer(window, { id: request!.id, channelData: [new Float32Array(4)] });
    await expect(pending).resolves.toMatchObject({ sampleRate: ENGINE_SAMPLE_RATE });
  });

  it('a crashed decoder fails what it held with one line; the next recording gets a new window', async () => {
    const held = decoder.decode(new Uint8Array([1]), 'm4a');
    await flush();
    const crashed = windows()[0]!;
    crashed.webContents.emit('render-process-gone', {}, { reason: 'crashed' });
    await expect(held).rejects.toThrow('the decoder stopped (crashed)');
    expect(crashed.isDestroyed()).toBe(true);
    expect(logLines).toEqual(['decoder: its renderer is gone (crashed)']);

    const next = decoder.decode(new Uint8Array([2]), 'm4a');
    await flush();
    expect(windows()).toHaveLength(2);
    answer(windows()[1]!, { id: requests().at(-1)!.id, channelData: [new Float32Array(1)] });
    await expect(next).resolves.toBeDefined();
  });

  it('closes the window once unused for a while, and on close() fails what is still decoding', async () => {
    vi.useFakeTimers();
    try {
      const done = decoder.decode(new Uint8Array([1]), 'm4a');
      await vi.advanceTimersByTimeAsync(0);
      const window = windows()[0]!;
      answer(window, { id: requests()[0]!.id, channelData: [new Float32Array(1)] });
      await done;
      await vi.advanceTimersByTimeAsync(999);
      expect(window.isDestroyed()).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(window.isDestroyed()).toBe(true);

      const cut = decoder.decode(new Uint8Array([1]), 'm4a');
      await vi.advanceTimersByTimeAsync(0);
      decoder.close();
      await expect(cut).rejects.toThrow('the decoder window was closed');
      expect(windows()[1]!.isDestroyed()).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});
