import { defineConfig } from 'vitest/config';

// One `vitest run` covers every level of ARCHITECTURE.md's testing table. Projects keep each
// level's environment (node, jsdom) and its setup (audio rig, built renderer) separate.
export default defineConfig({
  test: {
    // Fails the run if it leaves anything in the home folder.
    globalSetup: ['harness/vitest/home-unchanged.ts'],
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/{engine,simulator,cli,server,main,preload,shared,packaging,architecture}/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'renderer',
          environment: 'jsdom',
          include: ['test/renderer/**/*.test.{ts,tsx}'],
        },
      },
      {
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'audio',
          environment: 'node',
          include: ['test/audio/**/*.test.ts'],
          // The PulseAudio rig: up for this project's workers only, torn down when the run ends.
          globalSetup: ['harness/vitest/audio-rig.ts'],
          // Alone, after the other projects: a speaker fed 10 ms at a time from the event loop starves
          // when Chromium and the engine suites share the CPU, and a starved speaker's underflows shift
          // the echo path under the echo canceller (test/audio/echo.test.ts measures it).
          sequence: { groupOrder: 1 },
          setupFiles: ['harness/vitest/audio-env.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
