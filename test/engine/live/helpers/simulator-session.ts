import { afterEach, beforeAll } from 'vitest';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../../../src/simulator';
import { liveSpecValidator } from '../../../../src/simulator/live/spec/validator';
import type { AssistantEvent } from '../../../../src/engine/events';
import type { SettingsInput } from '../../../../src/engine/settings';
import type { SessionTools } from '../../../../src/engine/tools/types';
import { sessionHarness, type SessionHarness } from './session-harness';

/**
 * Per test: a simulator and a SessionHarness on its GPT-Live endpoint, both closed after the test.
 * The simulator compiles the session.start schema on first use (about a second, more under load):
 * done before the tests, so the harness's short start timeout measures the session, not the compiler.
 */
export interface HarnessOptions {
  settings?: SettingsInput;
  tools?: (emit: (event: AssistantEvent) => void) => SessionTools;
}

export function liveSessionPerTest(): (options: SimulatorOptions, harnessOptions?: HarnessOptions) => Promise<{ sim: RunningSimulator; h: SessionHarness }> {
  let sim: RunningSimulator | null = null;
  let harness: SessionHarness | null = null;
  beforeAll(() => {
    liveSpecValidator().validate('client', { type: 'session.start', session: { model: 'gpt-live-1' } });
  });
  afterEach(async () => {
    await harness?.close();
    await sim?.close();
    harness = sim = null;
  });
  return async (options, harnessOptions = {}) => {
    const started = (sim = await startSimulator(options));
    const h = (harness = await sessionHarness(started.liveUrl, harnessOptions.settings, undefined, harnessOptions.tools));
    return { sim: started, h };
  };
}
