import type { EngineMessage } from '../messages';

/** A decoded recording: its rate and its planar samples in [-1, 1], one array per channel. */
export interface DecodedAudio {
  sampleRate: number;
  channelData: Float32Array[];
}

/**
 * Decodes one whole compressed recording (`format` as `audio-type` names it: 'm4a', 'mp4', 'aac'...,
 * for what it says to people). decode.ts holds one per format; the m4a/AAC one is
 * injectable, since where it runs decides what may decode it (audio/ffmpeg.ts in the terminal and
 * `kaiwa serve`, Chromium's own decoders in the desktop app: src/main/chromium-decoder.ts).
 */
export type RecordingDecoder = (bytes: Uint8Array, format: string) => Promise<DecodedAudio>;

/**
 * A recording that cannot be used: `said` is what is wrong, for people (messages.ts; the path is
 * `path`, named by whoever shows it), `message` one English line for logs, the path first.
 */
export class AudioDecodeError extends Error {
  override name = 'AudioDecodeError';
  constructor(
    readonly said: EngineMessage,
    english: string,
    readonly path?: string,
  ) {
    super(path ? `${path}: ${english}` : english);
  }

  /** The bytes may be a fine recording, but not one Kaiwa can read here (an unknown format, or m4a without ffmpeg). */
  get unsupported(): boolean {
    return this.said.key === 'recording.unknownFormat' || this.said.key === 'recording.needsFfmpeg';
  }
}
