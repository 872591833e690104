import { afterEach, expect } from 'vitest';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../../src/simulator';
import { LiveTestClient } from './client';

/**
 * One simulator and its Live clients per test, torn down after it, checking that every server
 * event a client saw validates against the Live spec and that the simulator's own outgoing
 * validation recorded no violation.
 */
export function useLiveSimulator(): {
  start(options?: SimulatorOptions): Promise<RunningSimulator>;
  open(options?: { path?: string; headers?: Record<string, string> }): Promise<LiveTestClient>;
  sim(): RunningSimulator;
} {
  let sim: RunningSimulator | undefined;
  const clients: LiveTestClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) {
      expect(c.invalid, 'server events invalid against the Live spec').toEqual([]);
      await c.close();
    }
    if (sim) {
      expect(sim.liveSessions.flatMap((s) => s.violations)).toEqual([]);
      await sim.close();
      sim = undefined;
    }
  });
  return {
    async start(options = {}) {
      sim = await startSimulator({ validateOutgoing: true, ...options });
      return sim;
    },
    async open(options = {}) {
      if (!sim) throw new Error('start the simulator first');
      const url = options.path ? `ws://127.0.0.1:${sim.port}${options.path}` : sim.liveUrl;
      const client = await LiveTestClient.connect(url, options.headers);
      clients.push(client);
      return client;
    },
    sim() {
      if (!sim) throw new Error('start the simulator first');
      return sim;
    },
  };
}
