import type { AssistantEvent } from '../../../../src/engine/events';
import { Player } from '../../../../src/engine/audio/player';
import { NullOutput } from '../../../../src/engine/audio/devices/null';
import { ReplayRecord } from '../../../../src/engine/session/replay-record';
import { LiveSession } from '../../../../src/engine/session/live/live-session';
import { parseSettings, type SettingsInput } from '../../../../src/engine/settings';
import type { SessionTools } from '../../../../src/engine/tools/types';

/**
 * A LiveSession wired as the Assistant wires it (a real Player on a real-time NullOutput, the
 * replay record fed by every event), without devices: tests hand it microphone batches themselves.
 */
export interface SessionHarness {
  session: LiveSession;
  player: Player;
  record: ReplayRecord;
  events: AssistantEvent[];
  /** Resolves with the first event (already seen or to come) that passes `test`. */
  next<T extends AssistantEvent['type']>(type: T, test?: (e: Extract<AssistantEvent, { type: T }>) => boolean, timeoutMs?: number): Promise<Extract<AssistantEvent, { type: T }>>;
  close(): Promise<void>;
}

export async function sessionHarness(
  url: string,
  overrides: SettingsInput = {},
  record = new ReplayRecord(),
  /** The tools, made with the harness's `emit` as the Assistant makes its Toolbox (its events are the session's). */
  tools?: (emit: (event: AssistantEvent) => void) => SessionTools,
): Promise<SessionHarness> {
  const events: AssistantEvent[] = [];
  const waiters: { test: (e: AssistantEvent) => boolean; resolve: (e: AssistantEvent) => void }[] = [];
  const player = new Player();
  const output = new NullOutput();
  await player.attach(output);
  const emit = (event: AssistantEvent) => {
    record.observe(event);
    events.push(event);
    for (const w of [...waiters]) {
      if (w.test(event)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(event);
      }
    }
  };
  const session = new LiveSession({
    settings: parseSettings({ provider: 'custom', url, model: 'gpt-live-1', ...overrides }),
    credentials: {},
    player,
    record,
    resilience: { backoff: { baseMs: 10, maxMs: 50, random: () => 0.5 }, connectTimeoutMs: 2_000 },
    emit,
    log: () => {},
    ...(tools ? { tools: tools(emit) } : {}),
  });
  return {
    session,
    player,
    record,
    events,
    next: (type, test = () => true, timeoutMs = 3_000) => {
      const match = (e: AssistantEvent) => e.type === type && test(e as never);
      const seen = events.find(match);
      if (seen) return Promise.resolve(seen as never);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no '${type}' event within ${timeoutMs} ms`)), timeoutMs);
        waiters.push({ test: match, resolve: (e) => (clearTimeout(timer), resolve(e as never)) });
      });
    },
    close: async () => {
      await session.close();
      await output.stop();
    },
  };
}

/** A voiced tone (150 Hz harmonics, about -12 dBFS), `ms` long. */
export function voice(ms: number, level = 4000): Int16Array {
  const pcm = new Int16Array((24_000 * ms) / 1000);
  for (let i = 0; i < pcm.length; i++) {
    const t = i / 24_000;
    pcm[i] = Math.round(level * (Math.sin(2 * Math.PI * 150 * t) + 0.5 * Math.sin(2 * Math.PI * 300 * t)));
  }
  return pcm;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
