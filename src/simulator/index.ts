import type { LiveSimSession } from './live/session';
import { SimulatorServer, type SimulatorOptions } from './server';
import type { SimSession } from './realtime/session';

/**
 * The simulator's entry for in-process use: the offline default when no API key is set, and the
 * test peer of the engine. `startSimulator({})` listens on an ephemeral port of 127.0.0.1 and
 * speaks Realtime (`url`) and GPT-Live (`liveUrl`). Long-running front ends pass `record: false`
 * (sessions otherwise keep their first 5000 events).
 */

export type { SimulatorOptions } from './server';
export type { FaultPlan, FaultOption } from './faults';
export type { SimSession, Violation, SimSessionConfig, StoredItem } from './realtime/session';
export type { Recorded } from './outbox';
export type { LiveSimSession, LiveState, LiveViolation } from './live/session';
export { DEFAULT_REPLY_MS } from './server';
export { parseToolCallFlag, type ScriptedToolCall } from './live/delegation';

export interface RunningSimulator {
  /** GA endpoint URL, e.g. `ws://127.0.0.1:PORT/v1/realtime?model=gpt-realtime`. Any non-Live path works. */
  readonly url: string;
  /** GPT-Live endpoint URL, `ws://127.0.0.1:PORT/v1/live/sessions` (Azure's `/openai/v1/live/sessions` works too). */
  readonly liveUrl: string;
  readonly port: number;
  /** Every Realtime session so far, in connection order. */
  readonly sessions: readonly SimSession[];
  /** Every GPT-Live session so far, in connection order. */
  readonly liveSessions: readonly LiveSimSession[];
  /** Resolves with the next Realtime session to connect (or the one at `index` when it already exists). */
  nextSession(index?: number): Promise<SimSession>;
  /** The same for GPT-Live sessions. */
  nextLiveSession(index?: number): Promise<LiveSimSession>;
  close(): Promise<void>;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const server = new SimulatorServer(options);
  await server.listen();
  /** Resolves with `list[index]` once the server has emitted `event` for it. */
  function next<T>(event: 'session' | 'liveSession', list: readonly T[], index: number): Promise<T> {
    const existing = list[index];
    if (existing) return Promise.resolve(existing);
    const emitter = server as unknown as { on(e: string, f: () => void): void; off(e: string, f: () => void): void };
    return new Promise<T>((resolve) => {
      const onSession = () => {
        const session = list[index];
        if (!session) return;
        emitter.off(event, onSession);
        resolve(session);
      };
      emitter.on(event, onSession);
    });
  }
  return {
    url: server.url,
    liveUrl: server.liveUrl,
    port: server.port,
    sessions: server.sessions,
    liveSessions: server.liveSessions,
    nextSession: (index = server.sessions.length) => next('session', server.sessions, index),
    nextLiveSession: (index = server.liveSessions.length) => next('liveSession', server.liveSessions, index),
    close: () => server.close(),
  };
}
