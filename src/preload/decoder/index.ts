import { ipcRenderer, type IpcRendererEvent } from 'electron';
import { DECODER_CHANNELS, type DecodeReply, type DecodeRequest } from '../../shared/decoder-ipc';
import { decodeWithWebAudio } from './web-audio';

/**
 * The preload of the hidden decoder window (src/main/chromium-decoder.ts): it answers each request
 * from main with the recording's samples, decoded in this sandboxed renderer by Chromium. The
 * window has no page of its own and exposes nothing to one.
 */
export function answerDecodes(decode: typeof decodeWithWebAudio = decodeWithWebAudio): void {
  ipcRenderer.on(DECODER_CHANNELS.decode, (_event: IpcRendererEvent, request: DecodeRequest) => {
    const { id, bytes, sampleRate } = request;
    // decodeAudioData takes (and detaches) an ArrayBuffer of exactly the recording.
    const own = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    decode(own, sampleRate).then(
      (channelData) => reply({ id, channelData }),
      (error: unknown) => reply({ id, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }),
    );
  });
}

function reply(answer: DecodeReply): void {
  ipcRenderer.send(DECODER_CHANNELS.decoded, answer);
}

answerDecodes();
