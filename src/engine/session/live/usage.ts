import type { SessionStartedEvent } from 'openai/resources/live/live';
import type { AssistantEvent } from '../../events';

/** A started GPT-Live session for the meter: its id, model and `expires_at` (Unix seconds, here ms). */
export function sessionStarted(started: SessionStartedEvent): AssistantEvent {
  const { id, model, expires_at: expiresAt } = started.session;
  return {
    type: 'session.started',
    protocol: 'live',
    sessionId: id,
    ...(model ? { model } : {}),
    ...(Number.isFinite(expiresAt) && expiresAt > 0 ? { expiresAt: expiresAt * 1000 } : {}),
  };
}
