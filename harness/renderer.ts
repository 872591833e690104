/**
 * Runs the built renderer in headless Debian Chromium with a scripted `window.kaiwa` standing in
 * for the preload. Shared by test/e2e/renderer.test.ts and bench/renderer.ts.
 */
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { build } from 'vite';
import type { AssistantEvent, AssistantState, KaiwaBridge, SettingsView, ShareSource } from '../src/shared/ipc';
import { QUICK_TALK_SIZE } from '../src/shared/window-sizes';
import { defaultView } from './settings-view';

export { defaultView } from './settings-view';

export const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const SCREENSHOTS = join(ROOT, 'test-artifacts', 'screenshots');
export const CHROMIUM = process.env.KAIWA_CHROMIUM ?? '/usr/bin/chromium';

/** Builds src/renderer with Vite alone (not electron-vite), as the app's renderer bundle would be. */
export async function buildRenderer(outDir = join(ROOT, 'out', 'renderer-e2e')): Promise<string> {
  await build({
    configFile: false,
    root: join(ROOT, 'src', 'renderer'),
    base: './',
    logLevel: 'warn',
    plugins: [react()],
    build: { outDir, emptyOutDir: true, reportCompressedSize: false },
  });
  return outDir;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** A static file server on 127.0.0.1 (port 0) for the built page. */
export async function serve(dir: string): Promise<{ url: string; close: () => Promise<void> }> {
  const root = resolve(dir);
  const server: Server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = normalize(join(root, path === '/' ? 'index.html' : path));
    if (!file.startsWith(root + sep)) return void res.writeHead(403).end();
    try {
      if (!(await stat(file)).isFile()) throw new Error('not a file');
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      createReadStream(file).pipe(res);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

/**
 * Headless Chromium with a home folder of its own (it writes crash-report settings, dconf and NSS
 * databases there), removed when the browser closes: tests leave the real one untouched.
 */
export async function launchChromium(): Promise<Browser> {
  const home = mkdtempSync(join(tmpdir(), 'kaiwa-chromium-home-'));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
    env: { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_CACHE_HOME: join(home, '.cache') },
  }).catch((error: unknown) => {
    rmSync(home, { recursive: true, force: true });
    throw error;
  });
  browser.on('disconnected', () => rmSync(home, { recursive: true, force: true }));
  return browser;
}


/**
 * What the page offers the code we run in it. The node tsconfig has no DOM types, so page-side
 * functions reach the page's globals through this shape (casts are erased; nothing here runs in Node).
 */
interface PageCanvas {
  width: number;
  height: number;
  clientWidth: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } };
}
interface PageGlobals extends Record<string, unknown> {
  __kaiwaPulseStats?: { frames: number; intervalsMs: Float64Array; drawMs: Float64Array; radiusPx: number };
  __push: (events: unknown) => void;
  __streamLevels: (inputDb: number, outputDb: number) => void;
  __calls: BridgeCall[];
  document: {
    querySelector(selector: string): PageCanvas | null;
    addEventListener(type: string, listener: (event: { violatedDirective: string; blockedURI: string }) => void): void;
  };
}

export interface BridgeCall {
  name: string;
  args: unknown[];
}

interface BridgeInit {
  view: SettingsView;
  state: AssistantState;
  /** What the share picker lists. */
  shareSources: ShareSource[];
}

/**
 * The scripted preload, run in the page before its scripts (so it is not subject to the page's CSP).
 * `window.__push(events)` delivers an AssistantEvent batch; `window.__calls` records bridge calls;
 * `window.__streamLevels(inDb, outDb)` pushes levels at ~60 Hz like main does.
 */
function installBridge(init: BridgeInit): void {
  type Listener = (value: unknown) => void;
  const listeners: Record<'events' | 'settings' | 'navigate' | 'share' | 'updates', Set<Listener>> = { events: new Set(), settings: new Set(), navigate: new Set(), share: new Set(), updates: new Set() };
  const calls: { name: string; args: unknown[] }[] = [];
  const w = globalThis as unknown as PageGlobals;
  w.__calls = calls;
  const method = (name: string, answer?: (...args: unknown[]) => unknown) => (...args: unknown[]) => {
    calls.push({ name, args });
    return Promise.resolve(answer ? answer(...args) : undefined);
  };
  const subscribe = (set: Set<Listener>) => (listener: Listener) => {
    set.add(listener);
    return () => set.delete(listener);
  };
  w.kaiwa = {
    start: method('start'),
    stop: method('stop'),
    toggle: method('toggle'),
    interrupt: method('interrupt'),
    talkStart: method('talkStart'),
    talkStop: method('talkStop'),
    setMuted: method('setMuted'),
    getState: method('getState', () => ({ state: init.state, muted: false })),
    getSettings: method('getSettings', () => init.view),
    updateSettings: method('updateSettings', () => ({ ok: true, view: init.view })),
    setApiKey: method('setApiKey', (key) => ({ hasApiKey: key !== null })),
    listDevices: method('listDevices', () => ({
      inputs: [{ id: 'default', name: 'Default microphone', isDefault: true }],
      outputs: [{ id: 'default', name: 'Default speaker', isDefault: true }],
    })),
    listConversations: method('listConversations', () => []),
    openConversation: method('openConversation', () => []),
    hideWindow: method('hideWindow'),
    revealServeToken: method('revealServeToken', () => 'e2e-serve-token'),
    copyServeToken: method('copyServeToken'),
    newServeToken: method('newServeToken'),
    answerConsent: method('answerConsent', () => ({ accepted: true })),
    setMcpHeader: method('setMcpHeader', (_label, _header, value) => ({ set: value !== null })),
    sendText: method('sendText', () => ({ accepted: true })),
    showPicture: method('showPicture', () => ({ status: 'unchanged' })),
    listShareSources: method('listShareSources', () => init.shareSources),
    startSharing: method('startSharing', (id) => {
      const source = init.shareSources.find((s) => s.id === id);
      const status = source ? { sharing: true, sourceName: source.name } : { sharing: false };
      listeners.share.forEach((l) => l(status));
      return status;
    }),
    stopSharing: method('stopSharing', () => listeners.share.forEach((l) => l({ sharing: false }))),
    lookOnce: method('lookOnce'),
    // A development run: no updater (the status bar shows no update line).
    getUpdateStatus: method('getUpdateStatus', () => ({ version: '0.1.0', mode: 'none', enabled: false, phase: 'idle' })),
    checkForUpdates: method('checkForUpdates'),
    restartToUpdate: method('restartToUpdate'),
    openUpdateDownload: method('openUpdateDownload'),
    signInAzure: method('signInAzure', () => ({ signedIn: false })),
    onEvents: subscribe(listeners.events),
    onSettingsChanged: subscribe(listeners.settings),
    onNavigate: subscribe(listeners.navigate),
    onShareStatus: subscribe(listeners.share),
    onUpdateStatus: subscribe(listeners.updates),
    // Every method of the real bridge, so a new channel cannot leave the page without it.
  } satisfies Record<keyof KaiwaBridge, unknown>;
  // Like IPC, every delivery is a structured clone.
  w.__push = (events: unknown) => listeners.events.forEach((l) => l(structuredClone(events)));
  w.__navigate = (view: unknown) => listeners.navigate.forEach((l) => l(view));
  let timer: ReturnType<typeof setInterval> | undefined;
  w.__streamLevels = (inputDb: number, outputDb: number) => {
    clearInterval(timer);
    const batch = () => [{ type: 'levels', input: { rmsDb: inputDb, peakDb: inputDb + 3 }, output: { rmsDb: outputDb, peakDb: outputDb + 3 } }];
    w.__push(batch());
    timer = setInterval(() => w.__push(batch()), 1000 / 60);
  };
  w.__stopLevels = () => clearInterval(timer);
}

export interface KaiwaPage {
  page: Page;
  context: BrowserContext;
  /** Console errors and CSP violations seen by the page. */
  problems: string[];
  push(events: AssistantEvent[]): Promise<void>;
  streamLevels(inputDb: number, outputDb: number): Promise<void>;
  calls(): Promise<BridgeCall[]>;
  close(): Promise<void>;
}

export interface OpenOptions {
  quick?: boolean;
  width?: number;
  height?: number;
  scale?: number;
  colorScheme?: 'dark' | 'light';
  view?: SettingsView;
  state?: AssistantState;
  /** The browser's language (`navigator.language`), as Electron's application locale would set it. */
  locale?: string;
  /** What the share picker lists (none by default). */
  shareSources?: ShareSource[];
}

/** Opens the renderer with the scripted bridge; resolves once the pulse draws frames. */
export async function openKaiwa(browser: Browser, baseUrl: string, options: OpenOptions = {}): Promise<KaiwaPage> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? (options.quick ? QUICK_TALK_SIZE.width : 480), height: options.height ?? (options.quick ? QUICK_TALK_SIZE.height : 720) },
    deviceScaleFactor: options.scale ?? 1,
    colorScheme: options.colorScheme ?? 'dark',
    reducedMotion: 'no-preference',
    ...(options.locale ? { locale: options.locale } : {}),
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  // tsx/esbuild may wrap named functions in `__name(...)` (keepNames); give the page a no-op one so
  // functions we hand to the page run there unchanged.
  await page.addInitScript({ content: 'globalThis.__name = globalThis.__name || ((f) => f);' });
  await page.addInitScript(() => {
    (globalThis as unknown as PageGlobals).document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.addInitScript(installBridge, { view: options.view ?? defaultView(), state: options.state ?? 'idle', shareSources: options.shareSources ?? [] });
  await page.goto(options.quick ? `${baseUrl}#quick-talk` : baseUrl);
  await page.waitForFunction(() => ((globalThis as unknown as PageGlobals).__kaiwaPulseStats?.frames ?? 0) > 2);
  return {
    page,
    context,
    problems,
    push: (events) => page.evaluate((batch) => (globalThis as unknown as PageGlobals).__push(batch), events),
    streamLevels: (inputDb, outputDb) => page.evaluate(([i, o]) => (globalThis as unknown as PageGlobals).__streamLevels(i!, o!), [inputDb, outputDb]),
    calls: () => page.evaluate(() => (globalThis as unknown as PageGlobals).__calls),
    close: () => context.close(),
  };
}

/** Waits for `count` more pulse frames to be drawn. */
export async function waitFrames(page: Page, count: number): Promise<void> {
  const from = await page.evaluate(() => (globalThis as unknown as PageGlobals).__kaiwaPulseStats!.frames);
  await page.waitForFunction((target) => (globalThis as unknown as PageGlobals).__kaiwaPulseStats!.frames >= target, from + count);
}

/**
 * The radius of the pulse's opaque disc measured from the canvas pixels (CSS px): the run of
 * near-opaque pixels along the horizontal line through the centre. Halo and rings are translucent.
 */
export function measureDiscRadius(page: Page): Promise<number> {
  return page.evaluate(() => {
    const canvas = (globalThis as unknown as PageGlobals).document.querySelector('canvas.pulse')!;
    const ctx = canvas.getContext('2d')!;
    const y = Math.floor(canvas.height / 2);
    const row = ctx.getImageData(0, y, canvas.width, 1).data;
    let first = -1;
    let last = -1;
    for (let x = 0; x < canvas.width; x++) {
      if (row[x * 4 + 3]! > 220) {
        if (first < 0) first = x;
        last = x;
      }
    }
    if (first < 0) return 0;
    return (last - first + 1) / 2 / (canvas.width / canvas.clientWidth);
  });
}

export interface FrameFigures {
  frames: number;
  seconds: number;
  fps: number;
  medianIntervalMs: number;
  p95IntervalMs: number;
  medianDrawMs: number;
  p95DrawMs: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))]!;
}

/** Measures the pulse's frames over `ms` of wall time (frame intervals and draw cost). */
export async function measureFrames(page: Page, ms: number): Promise<FrameFigures> {
  const startFrame = await page.evaluate(() => (globalThis as unknown as PageGlobals).__kaiwaPulseStats!.frames);
  const started = Date.now();
  await page.waitForTimeout(ms);
  const seconds = (Date.now() - started) / 1000;
  const { frames, intervals, draws } = await page.evaluate((from) => {
    const s = (globalThis as unknown as PageGlobals).__kaiwaPulseStats!;
    const cap = s.intervalsMs.length;
    const take = Math.min(s.frames - from, cap);
    const intervals: number[] = [];
    const draws: number[] = [];
    for (let f = s.frames - take; f < s.frames; f++) {
      intervals.push(s.intervalsMs[f % cap]!);
      draws.push(s.drawMs[f % cap]!);
    }
    return { frames: s.frames - from, intervals, draws };
  }, startFrame);
  intervals.sort((a, b) => a - b);
  draws.sort((a, b) => a - b);
  const medianIntervalMs = percentile(intervals, 0.5);
  return {
    frames,
    seconds,
    fps: 1000 / medianIntervalMs,
    medianIntervalMs,
    p95IntervalMs: percentile(intervals, 0.95),
    medianDrawMs: percentile(draws, 0.5),
    p95DrawMs: percentile(draws, 0.95),
  };
}

export async function screenshot(page: Page, name: string, path = join(SCREENSHOTS, `${name}.png`)): Promise<string> {
  await mkdir(join(path, '..'), { recursive: true });
  await page.screenshot({ path });
  return path;
}
