/**
 * GPT-Live bills by duration. The engine's `session.usage` events carry the seconds one session has
 * used so far (cumulative per session; a renewal or reconnect starts a new session at 0), so the
 * conversation's total is the sum of each session's latest count. Pure and immutable: the
 * renderer's reducer and the CLI both keep it.
 */
export interface AudioUsage {
  /** Latest seconds reported per session id. */
  readonly sessions: Readonly<Record<string, number>>;
  /** Their sum. */
  readonly seconds: number;
}

export const NO_AUDIO_USAGE: AudioUsage = { sessions: {}, seconds: 0 };

export function addAudioUsage(usage: AudioUsage, event: { sessionId: string; seconds: number }): AudioUsage {
  if (!Number.isFinite(event.seconds) || event.seconds < 0) return usage;
  const sessions = { ...usage.sessions, [event.sessionId]: event.seconds };
  return { sessions, seconds: Object.values(sessions).reduce((sum, s) => sum + s, 0) };
}
