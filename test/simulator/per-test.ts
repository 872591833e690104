import { afterEach, expect } from 'vitest';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../src/simulator';
import type { WsTestClient } from '../../harness/ws-test-client';

/**
 * One simulator and its clients per test, torn down after it, with the two checks every simulator
 * test makes: every server event a client saw validates against the protocol's spec (`specName`),
 * and the simulator's own outgoing validation recorded no violation (`violations`). The Realtime and
 * Live helpers add how their clients connect.
 */
export function simulatorPerTest<C extends WsTestClient>(
  specName: string,
  violations: (sim: RunningSimulator) => unknown[],
): {
  start(options?: SimulatorOptions): Promise<RunningSimulator>;
  sim(): RunningSimulator;
  /** Connects a client with `connect` and tears it down after the test. */
  track(connect: (sim: RunningSimulator) => Promise<C>): Promise<C>;
} {
  let sim: RunningSimulator | undefined;
  const clients: C[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) {
      expect(c.invalid, `server events invalid against ${specName}`).toEqual([]);
      await c.close();
    }
    if (sim) {
      expect(violations(sim)).toEqual([]);
      await sim.close();
      sim = undefined;
    }
  });
  function running(): RunningSimulator {
    if (!sim) throw new Error('start the simulator first');
    return sim;
  }
  return {
    async start(options = {}) {
      sim = await startSimulator({ validateOutgoing: true, ...options });
      return sim;
    },
    sim: running,
    async track(connect) {
      const client = await connect(running());
      clients.push(client);
      return client;
    },
  };
}
