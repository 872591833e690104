// The engine's public API: what front ends (CLI, Electron main) and tests import.
export * from './events';
export * from './settings';
export { say, type EngineMessage, type EngineMessageKey, type Words } from './messages';
export type { ConsentAnswer, ConsentRequest, ToolHost, ToolOutcome } from './tools/types';
export * from './audio/devices/types';
export { Assistant, AssistantError, type AssistantOptions, type ResilienceOptions } from './assistant';
export { createSession, needsNewSession, ReplayRecord, SessionError, type ConversationSession, type SessionContext, type SessionPlayer } from './session';
export { Player, type PlayerOptions, type PlayerEvents, type FlushedItem } from './audio/player';
export { NullInput, NullOutput } from './audio/devices/null';
export { WavFileInput, WavFileOutput, type WavFileInputOptions, type WavFileOutputOptions } from './audio/devices/wav-file';
export { readWavFile, readWavAsEngineAudio, streamingWavHeader, WavError } from './audio/wav';
export { WavStreamOutput, type WavStreamOutputOptions } from './audio/devices/wav-stream';
export { AudioDecodeError, decodeAudio, decodeAsEngineAudio, readRecordingAsEngineAudio, RECORDING_FORMATS, type DecodedAudio, type RecordingDecoder } from './audio/decode';
export { measureLevel, LevelSmoother } from './audio/meter';
export { pcm16ToBase64, base64ToPcm16, pcm16ToBytes } from './audio/pcm';
export { Conversation, TurnError, type ConversationOptions, type TurnListener, type TurnResult } from './turn/conversation';
export { CapturePlayer } from './turn/capture-player';
