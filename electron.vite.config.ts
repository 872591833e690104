import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

// One build for the three parts (electron-vite): out/main/index.js (ESM, like package.json),
// out/preload/index.cjs, out/renderer/index.html.
export default defineConfig({
  main: {
    build: {
      // Dependencies stay in node_modules (the native audio addon cannot be bundled; ws has
      // optional native helpers): listed explicitly so they stay external wherever they are declared.
      externalizeDeps: { include: ['naudiodon2', 'ws'] },
      rolldownOptions: { input: { index: resolve(__dirname, 'src/main/index.ts') } },
    },
  },
  preload: {
    build: {
      // A sandboxed preload cannot be an ES module: CommonJS, everything but `electron` bundled in.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(__dirname, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    plugins: [react()],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      rolldownOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html') } },
    },
  },
});
