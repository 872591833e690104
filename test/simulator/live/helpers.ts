import type { RunningSimulator, SimulatorOptions } from '../../../src/simulator';
import { simulatorPerTest } from '../per-test';
import { LiveTestClient } from './client';

/** One simulator and its Live clients per test (see simulatorPerTest), checked against the Live spec. */
export function useLiveSimulator(): {
  start(options?: SimulatorOptions): Promise<RunningSimulator>;
  open(options?: { path?: string; headers?: Record<string, string> }): Promise<LiveTestClient>;
  sim(): RunningSimulator;
} {
  const base = simulatorPerTest<LiveTestClient>('the Live spec', (sim) => sim.liveSessions.flatMap((s) => s.violations));
  return {
    start: base.start,
    open: (options = {}) =>
      base.track((sim) => LiveTestClient.connect(options.path ? `ws://127.0.0.1:${sim.port}${options.path}` : sim.liveUrl, options.headers)),
    sim: base.sim,
  };
}
