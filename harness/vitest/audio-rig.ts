import type { TestProject } from 'vitest/node';
import { startRig } from '../audio-rig';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The environment that reaches the audio rig; audio-env.ts sets it in each test worker. */
    audioRig: Record<string, string>;
  }
}

/**
 * Global setup of the `audio` project: the PulseAudio rig is up while its tests run and is stopped
 * when the run ends, also when it is interrupted (Vitest exits on SIGINT/SIGTERM without running
 * global teardowns). Only the audio project's workers get the rig's environment.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const rig = await startRig();
  const onSignal = (signal?: NodeJS.Signals | number) => {
    rig.stopNow();
    // Our handler must not keep the process alive where nobody else ends it.
    if (typeof signal === 'string' && process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('exit', onSignal);
  project.provide('audioRig', rig.env);
  return async () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('exit', onSignal);
    await rig.stop();
  };
}
