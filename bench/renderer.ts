/**
 * The pulse's frame rate in headless Chromium: the built renderer in the speaking state with levels
 * streaming at 60 Hz (as main sends them), measured over 3 s. `npx tsx bench/renderer.ts` prints it;
 * bench/run.ts collects it into the table.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildRenderer, launchChromium, measureFrames, openKaiwa, ROOT, serve, waitFrames } from '../harness/renderer';

export interface RendererBench {
  /** Median frames per second of the pulse (from the median frame interval). */
  fps: number;
  /** 95th percentile time between pulse frames, ms. */
  p95FrameMs: number;
  /** Median and 95th percentile time spent drawing one frame, ms. */
  medianDrawMs: number;
  p95DrawMs: number;
  frames: number;
  seconds: number;
}

export async function measureRenderer(durationMs = 3000): Promise<RendererBench> {
  const outDir = join(ROOT, 'out', 'renderer-bench');
  await buildRenderer(outDir);
  const server = await serve(outDir);
  const browser = await launchChromium();
  try {
    const kaiwa = await openKaiwa(browser, server.url, { scale: 2 });
    await kaiwa.push([
      { type: 'state', state: 'speaking' },
      { type: 'transcript.delta', speaker: 'assistant', itemId: 'a1', delta: 'Measuring the pulse while the assistant speaks.' },
    ]);
    await kaiwa.streamLevels(-60, -14);
    await waitFrames(kaiwa.page, 30); // warm up
    const figures = await measureFrames(kaiwa.page, durationMs);
    return {
      fps: figures.fps,
      p95FrameMs: figures.p95IntervalMs,
      medianDrawMs: figures.medianDrawMs,
      p95DrawMs: figures.p95DrawMs,
      frames: figures.frames,
      seconds: figures.seconds,
    };
  } finally {
    await browser.close();
    await server.close();
    await rm(outDir, { recursive: true, force: true });
  }
}

/** The rows `npm run bench` prints (named with their units). */
export async function benchRenderer(): Promise<Record<string, number>> {
  const f = await measureRenderer();
  const r = (n: number, digits = 1) => Number(n.toFixed(digits));
  return {
    'pulse frame rate while speaking, headless Chromium (fps)': r(f.fps),
    'pulse frame interval, p95 (ms)': r(f.p95FrameMs),
    'pulse draw time, median (ms)': r(f.medianDrawMs, 2),
    'pulse draw time, p95 (ms)': r(f.p95DrawMs, 2),
    'frames measured (count)': f.frames,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await measureRenderer();
  console.log(
    `renderer pulse: ${result.fps.toFixed(1)} fps median, frame p95 ${result.p95FrameMs.toFixed(1)} ms, ` +
      `draw median ${result.medianDrawMs.toFixed(2)} ms p95 ${result.p95DrawMs.toFixed(2)} ms (${result.frames} frames in ${result.seconds.toFixed(1)} s)`,
  );
}
