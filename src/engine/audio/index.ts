/** The engine's audio layer: 24 kHz mono PCM16 in 10 ms frames (see devices/types.ts). */
export * from './devices/types';
export { NullInput, NullOutput } from './devices/null';
export { WavFileInput, WavFileOutput, type WavFileInputOptions, type WavFileOutputOptions } from './devices/wav-file';
export { FramePacer } from './devices/pacer';
export {
  int16ToFloat32,
  float32ToInt16,
  floatSampleToInt16,
  interleave,
  deinterleave,
  downmixToMono,
  upmixMono,
  pcm16ToBytes,
  bytesToPcm16,
  pcm16ToBase64,
  base64ToPcm16,
  msToSamples,
  samplesToMs,
} from './pcm';
export { createResampler, resampleAll, ResamplerQuality, type Resampler, type ResamplerOptions, type ResamplerQualityName } from './resample';
export { amplitudeToDb, rmsDb, peakDb, measureLevel, silentLevel, LevelSmoother, UpdateThrottle, type LevelSmootherOptions } from './meter';
export {
  WavError,
  WavFileWriter,
  readWav,
  readWavFile,
  readWavAsEngineAudio,
  writeWav,
  writeWavPcm16,
  mixToMono,
  type WavData,
  type WavSampleFormat,
  type WriteWavOptions,
} from './wav';
export { Framer } from './framer';
export { Player, type FlushedItem, type PlayerEvents, type PlayerOptions } from './player';
