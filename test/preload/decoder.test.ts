import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as mock from '../mocks/electron';
import { DECODER_CHANNELS } from '../../src/shared/decoder-ipc';

vi.mock('electron', () => import('../mocks/electron'));

// The hidden decoder window's preload against the electron double: main's request in, one answer
// out per request. Its decoding itself runs in Chromium in test/e2e/chromium-decode.test.ts.

const answers = () => mock.electronMock.rendererSent.filter((m) => m.channel === DECODER_CHANNELS.decoded).map((m) => m.payload[0]);
const settle = () => new Promise((resolve) => setImmediate(resolve));

beforeEach(() => {
  mock.resetElectronMock();
});

describe('the decoder preload', () => {
  it('answers each request by id with the samples, decoding exactly the bytes sent (not the memory around a view)', async () => {
    const { answerDecodes } = await import('../../src/preload/decoder/index');
    mock.ipcRenderer.removeAllListeners();
    const seen: Array<{ bytes: number[]; rate: number }> = [];
    answerDecodes(async (bytes, rate) => {
      seen.push({ bytes: [...new Uint8Array(bytes)], rate });
      return [new Float32Array([0.5, -0.25])];
    });
    const around = new Uint8Array([9, 9, 1, 2, 3, 9]);
    mock.ipcRenderer.push(DECODER_CHANNELS.decode, { id: 7, bytes: around.subarray(2, 5), sampleRate: 24_000 });
    await settle();
    expect(seen).toEqual([{ bytes: [1, 2, 3], rate: 24_000 }]);
    expect(answers()).toEqual([{ id: 7, channelData: [new Float32Array([0.5, -0.25])] }]);
  });

  it('a recording Chromium cannot decode is an answer with its error, never silence', async () => {
    const { answerDecodes } = await import('../../src/preload/decoder/index');
    mock.ipcRenderer.removeAllListeners();
    answerDecodes(() => Promise.reject(new DOMException('Unable to decode audio data', 'EncodingError')));
    mock.ipcRenderer.push(DECODER_CHANNELS.decode, { id: 3, bytes: new Uint8Array([1]), sampleRate: 24_000 });
    await settle();
    expect(answers()).toEqual([{ id: 3, error: 'EncodingError: Unable to decode audio data' }]);
  });
});
