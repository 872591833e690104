/**
 * A whole recording decoded by the browser's own decoders (Web Audio's `decodeAudioData`): in
 * Electron, Chromium's ffmpeg, which reads AAC/m4a and ships under the LGPL with Electron itself.
 * Pure browser code, no Electron: test/e2e runs it in Debian's Chromium.
 */

/** The part of Web Audio used here (the preload is type-checked without the DOM library). */
export interface WebAudio {
  OfflineAudioContext: new (channels: number, length: number, sampleRate: number) => {
    decodeAudioData(bytes: ArrayBuffer): Promise<{ numberOfChannels: number; getChannelData(channel: number): Float32Array }>;
  };
}

/** Planar samples at `sampleRate` (the browser resamples), one array per channel. Rejects with the browser's error when it cannot decode. */
export async function decodeWithWebAudio(bytes: ArrayBuffer, sampleRate: number, audio: WebAudio = globalThis as unknown as WebAudio): Promise<Float32Array[]> {
  // The context only sets the rate decoded audio is resampled to; it renders nothing.
  const context = new audio.OfflineAudioContext(1, 1, sampleRate);
  const buffer = await context.decodeAudioData(bytes);
  return Array.from({ length: buffer.numberOfChannels }, (_, channel) => buffer.getChannelData(channel));
}
