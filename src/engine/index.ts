// The engine's public API: what front ends (CLI, Electron main) and tests import.
export * from './events';
export * from './settings';
export * from './audio/devices/types';
export { Conversation, type ConversationOptions, type ConversationPlayer, type FlushedItem } from './conversation';
