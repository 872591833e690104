import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';

// `electron-vite dev` only: Vite's dev server injects <style> tags and a HMR websocket, which the
// page's strict CSP meta tag would block. Production builds keep the strict policy untouched.
const devServerCsp: Plugin = {
  name: 'kaiwa-dev-csp',
  apply: 'serve',
  transformIndexHtml: (html) =>
    html
      .replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
      .replace("connect-src 'self'", "connect-src 'self' ws://localhost:* ws://127.0.0.1:*"),
};

// One build for the three parts (electron-vite): out/main/index.js (ESM, like package.json),
// out/preload/index.cjs (and decoder.cjs, the hidden decoder window's), out/renderer/index.html.
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
        input: { index: resolve(__dirname, 'src/preload/index.ts'), decoder: resolve(__dirname, 'src/preload/decoder/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    plugins: [react(), devServerCsp],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      rolldownOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html') } },
    },
  },
});
