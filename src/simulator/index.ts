import { SimulatorServer, type SimulatorOptions } from './server';
import type { SimSession } from './session';

/**
 * The simulator's entry for in-process use: the offline default when no API key is set, and the
 * test peer of the engine. `startSimulator({})` listens on an ephemeral port of 127.0.0.1.
 * Long-running front ends pass `record: false` (sessions otherwise keep their first 5000 events).
 */

export type { SimulatorOptions } from './server';
export type { FaultPlan, FaultOption } from './faults';
export type { SimSession, Recorded, Violation, SimSessionConfig, StoredItem } from './session';
export { DEFAULT_REPLY_MS } from './server';

export interface RunningSimulator {
  /** GA endpoint URL, e.g. `ws://127.0.0.1:PORT/v1/realtime?model=gpt-realtime`. Any path works. */
  readonly url: string;
  readonly port: number;
  /** Every session so far, in connection order. */
  readonly sessions: readonly SimSession[];
  /** Resolves with the next session to connect (or the one at `index` when it already exists). */
  nextSession(index?: number): Promise<SimSession>;
  close(): Promise<void>;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const server = new SimulatorServer(options);
  await server.listen();
  return {
    url: server.url,
    port: server.port,
    sessions: server.sessions,
    nextSession(index = server.sessions.length) {
      const existing = server.sessions[index];
      if (existing) return Promise.resolve(existing);
      return new Promise((resolve) => {
        const onSession = () => {
          const session = server.sessions[index];
          if (!session) return;
          server.off('session', onSession);
          resolve(session);
        };
        server.on('session', onSession);
      });
    },
    close: () => server.close(),
  };
}
