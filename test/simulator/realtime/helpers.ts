import { afterEach, expect } from 'vitest';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../../src/simulator';
import { TestClient, type ConnectOptions } from './client';

/**
 * One simulator and its clients per test, torn down after it, with the two checks every simulator
 * test makes: every server event the client saw validates against the spec, and the simulator's own
 * outgoing validation recorded no violation.
 */
export function useSimulator(): {
  start(options?: SimulatorOptions): Promise<RunningSimulator>;
  connect(options?: ConnectOptions): Promise<TestClient>;
  /** Connects and tracks the client without waiting for `session.created` (handshake tests). */
  open(options?: ConnectOptions): Promise<TestClient>;
  sim(): RunningSimulator;
} {
  let sim: RunningSimulator | undefined;
  const clients: TestClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) {
      expect(c.invalid, 'server events invalid against the spec').toEqual([]);
      await c.close();
    }
    if (sim) {
      expect(sim.sessions.flatMap((s) => s.violations)).toEqual([]);
      await sim.close();
      sim = undefined;
    }
  });
  async function open(options: ConnectOptions = {}): Promise<TestClient> {
    if (!sim) throw new Error('start the simulator first');
    const client = await TestClient.connect(sim.url, options);
    clients.push(client);
    return client;
  }
  return {
    async start(options = {}) {
      sim = await startSimulator({ validateOutgoing: true, ...options });
      return sim;
    },
    async connect(options = {}) {
      const client = await open(options);
      await client.next('session.created');
      return client;
    },
    open,
    sim() {
      if (!sim) throw new Error('start the simulator first');
      return sim;
    },
  };
}
