import { resolveProtocol, type Settings } from '../settings';
import { LiveSession } from './live/live-session';
import { RealtimeSession } from './realtime/realtime-session';
import type { ConversationSession, SessionContext } from './types';

export * from './types';
export { ReplayRecord, type ReplayEntry, type ReplayRecordOptions, type ReplayTurn } from './replay-record';

/** The session kind the settings ask for (`resolveProtocol`): Realtime or GPT-Live. */
export function createSession(context: SessionContext): ConversationSession {
  const protocol = resolveProtocol(context.settings);
  switch (protocol) {
    case 'realtime':
      return new RealtimeSession(context);
    case 'live':
      return new LiveSession(context);
  }
}

/**
 * Whether the microphone path runs the echo canceller (when the microphone hears the speaker): on
 * when the setting asks, and always for GPT-Live, whose model listens while it speaks and would
 * otherwise hear itself.
 */
export function needsEchoCancellation(settings: Settings): boolean {
  return settings.echoCancellation || resolveProtocol(settings) === 'live';
}

/** Settings a running session cannot take: a change of any of them needs a new session. */
const SESSION_FIELDS = ['provider', 'url', 'dialect', 'protocol', 'model', 'azure'] as const satisfies readonly (keyof Settings)[];

/** Whether going from `before` to `after` needs a new session (another protocol or endpoint) rather than an update. */
export function needsNewSession(before: Settings, after: Settings): boolean {
  if (resolveProtocol(before) !== resolveProtocol(after)) return true;
  if (noiseReductionTurnedOff(before, after)) return true;
  return SESSION_FIELDS.some((field) => JSON.stringify(before[field]) !== JSON.stringify(after[field]));
}

/**
 * The Realtime guide says `noise_reduction: null` turns it off, but the schema and the SDK's types
 * have no null there (a strict server refuses it), so a session that has it keeps it: turning it off
 * takes a new session (the conversation is replayed into it, devices stay open).
 */
function noiseReductionTurnedOff(before: Settings, after: Settings): boolean {
  return resolveProtocol(after) === 'realtime' && before.noiseReduction !== 'off' && after.noiseReduction === 'off';
}
