import type { RunningSimulator, SimulatorOptions } from '../../../src/simulator';
import { simulatorPerTest } from '../per-test';
import { TestClient, type ConnectOptions } from './client';

/** One simulator and its Realtime clients per test (see simulatorPerTest), checked against the spec. */
export function useSimulator(): {
  start(options?: SimulatorOptions): Promise<RunningSimulator>;
  connect(options?: ConnectOptions): Promise<TestClient>;
  /** Connects and tracks the client without waiting for `session.created` (handshake tests). */
  open(options?: ConnectOptions): Promise<TestClient>;
  sim(): RunningSimulator;
} {
  const base = simulatorPerTest<TestClient>('the spec', (sim) => sim.sessions.flatMap((s) => s.violations));
  const open = (options: ConnectOptions = {}) => base.track((sim) => TestClient.connect(sim.url, options));
  return {
    start: base.start,
    async connect(options = {}) {
      const client = await open(options);
      await client.next('session.created');
      return client;
    },
    open,
    sim: base.sim,
  };
}
