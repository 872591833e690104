#!/usr/bin/env node
// The `kaiwa` command: runs the TypeScript CLI through tsx (a dependency), no build step.
import { tsImport } from 'tsx/esm/api';

await tsImport('../src/cli/main.ts', import.meta.url);
