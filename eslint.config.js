// The process boundaries of ARCHITECTURE.md ("Who may import whom") are enforced here, the way
// Signal Desktop and VS Code enforce theirs: by a lint rule, not by convention.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const electron = { name: 'electron', message: 'Only src/main and src/preload may import electron.' };
const layer = (group, message) => ({ group, message });

const ours = {
  engine: layer(['**/simulator/**', '**/cli/**', '**/main/**', '**/preload/**', '**/renderer/**', '**/shared/**'],
    'The engine imports nothing of ours but itself.'),
  simulator: layer(['**/cli/**', '**/main/**', '**/preload/**', '**/renderer/**', '**/shared/**'],
    'The simulator imports nothing of the front ends or shared/.'),
  // The front ends also start the in-process simulator (the offline default), through its entry only.
  frontEnd: layer(['**/preload/**', '**/renderer/**', '**/simulator/!(index)*'],
    'cli and main import the engine, shared, and the simulator entry (src/simulator/index.ts) only.'),
  // The HTTP endpoint is a front end on the engine like the CLI; cli and main start it.
  server: layer(['**/simulator/**', '**/cli/**', '**/main/**', '**/preload/**', '**/renderer/**'],
    'src/server imports the engine and shared only.'),
  preload: layer(['**/engine/**', '**/simulator/**', '**/cli/**', '**/main/**', '**/renderer/**'],
    'The preload imports shared only.'),
  // Exception: engine/text (pure text functions, only Intl) runs in the renderer too, so the window
  // and the engine cut an interrupted reply with the same code (ARCHITECTURE.md "One cut").
  renderer: layer(['**/engine/*', '!**/engine/text', '**/engine/*/**', '!**/engine/text/**', '**/simulator/**', '**/cli/**', '**/main/**', '**/preload/**'],
    'The renderer imports shared, engine/text and itself only.'),
  // shared/ may take *types* from engine/events and engine/settings (erased at build time), so the
  // vocabulary is written once; see the @typescript-eslint rule below.
  shared: layer(['**/simulator/**', '**/cli/**', '**/main/**', '**/preload/**', '**/renderer/**'],
    'shared/ is the contract: it imports nothing of ours at run time.'),
};
// The simulator's allow-list of engine modules: PCM helpers, the engine's sample rate, and the
// Realtime dialects it speaks through. Any other engine module is refused.
const simulatorEngine = {
  regex: '(^|/)engine/(?!(audio/pcm|audio/devices/types|realtime/dialects(/[\\w-]+)?)$)',
  message: 'The simulator imports only engine/audio/pcm, engine/audio/devices/types and engine/realtime/dialects.',
};
const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'net', 'http', 'https', 'crypto', 'events', 'stream'];
// Packages that load a native addon or need Node: never in the renderer (ws is Node-only).
const nativePackages = ['naudiodon2', '@livekit/rtc-ffi-bindings', 'ws'];

const restrict = (patterns, paths = [electron]) => ({
  'no-restricted-imports': ['error', { paths, patterns }],
});

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'release/**', 'node_modules/**', 'test-artifacts/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  { files: ['src/engine/**'], rules: restrict([ours.engine]) },
  { files: ['src/simulator/**'], rules: restrict([ours.simulator, simulatorEngine]) },
  { files: ['src/cli/**'], rules: restrict([ours.frontEnd]) },
  { files: ['src/server/**'], rules: restrict([ours.server]) },
  { files: ['src/main/**'], rules: restrict([ours.frontEnd], []) },
  { files: ['src/preload/**'], rules: restrict([ours.preload], []) },
  { files: ['src/shared/**'], rules: restrict([ours.shared]) },
  {
    files: ['src/shared/**', 'src/renderer/**', 'src/preload/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [{ group: ['**/engine/**'], allowTypeImports: true, message: 'Only type imports from the engine here.' }],
      }],
    },
  },
  {
    files: ['src/renderer/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [{ group: ['**/engine/*', '!**/engine/text', '**/engine/*/**', '!**/engine/text/**'], allowTypeImports: true, message: 'Only type imports from the engine here (engine/text excepted).' }],
      }],
    },
  },
  // engine/text is imported by the renderer: it stays pure (no Node, no other engine module).
  { files: ['src/engine/text/**'], rules: restrict([ours.engine, { group: [...nodeBuiltins, '../*', '!./*'], message: 'engine/text is pure: it runs in the renderer too.' }]) },
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: restrict([
      ours.renderer,
      { group: nodeBuiltins, message: 'The renderer never imports Node.' },
      { group: nativePackages.map((name) => `${name}/**`), message: 'The renderer never imports a native or Node-only package.' },
    ], [
      electron,
      ...nodeBuiltins.filter((n) => !n.includes('*')).map((name) => ({ name, message: 'The renderer never imports Node.' })),
      ...nativePackages.map((name) => ({ name, message: 'The renderer never imports a native or Node-only package.' })),
    ]),
  },
);
