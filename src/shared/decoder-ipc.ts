/**
 * The hidden decoder window's two channels: main asks (src/main/chromium-decoder.ts), its preload
 * decodes with Chromium's own decoders and answers (src/preload/decoder/). Not part of
 * IPC_CONTRACT: that is `window.kaiwa` of the app's own windows, and this window has no page.
 */
export const DECODER_CHANNELS = { decode: 'decoder:decode', decoded: 'decoder:decoded' } as const;

/** A recording to decode, resampled to `sampleRate` by Chromium. */
export interface DecodeRequest {
  id: number;
  bytes: Uint8Array;
  sampleRate: number;
}

/** Its planar samples, one array per channel, or why Chromium could not decode it. */
export type DecodeReply = { id: number; channelData: Float32Array[] } | { id: number; error: string };
