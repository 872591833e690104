import { useEffect, useLayoutEffect, useRef } from 'react';
import type { AssistantState } from '../../shared/ipc';
import type { LevelStore } from '../state/levelStore';
import { readPalette, type Rgb } from '../pulse/colors';
import { drawPulse } from '../pulse/draw';
import { approach, levelFromDb, stepSpring, type Spring } from '../pulse/motion';
import { createPulseStats, recordFrame } from '../pulse/stats';
import { useT } from '../i18n';
import { describeState } from '../state/words';

/** A level older than this is treated as silence (the stream stopped, e.g. a dropped IPC batch). */
const STALE_LEVEL_MS = 300;
/** Spring stiffness: ~60 ms to settle on a new level, smooth between 60 Hz updates. */
const OMEGA = 16;

interface Props {
  state: AssistantState;
  levels: LevelStore;
  className?: string;
}

/**
 * The animated pulse: a canvas redrawn every animation frame from refs (state, levels, spring),
 * so a 60 Hz level stream never re-renders React.
 */
export function Pulse({ state, levels, className }: Props) {
  const t = useT();
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const stateRef = useRef({ state, since: 0 });
  useLayoutEffect(() => {
    if (stateRef.current.state !== state) stateRef.current = { state, since: performance.now() };
  }, [state]);

  useEffect(() => {
    const canvas = canvasRef.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;

    let palette = readPalette(canvas);
    const scheme = window.matchMedia?.('(prefers-color-scheme: dark)');
    const onScheme = () => {
      palette = readPalette(canvas);
    };
    scheme?.addEventListener('change', onScheme);

    let cssWidth = canvas.clientWidth;
    let cssHeight = canvas.clientHeight;
    const resize = typeof ResizeObserver === 'function'
      ? new ResizeObserver(([entry]) => {
        if (!entry) return;
        cssWidth = entry.contentRect.width;
        cssHeight = entry.contentRect.height;
      })
      : null;
    resize?.observe(canvas);

    const stats = createPulseStats();
    window.__kaiwaPulseStats = stats;
    const spring: Spring = { value: 0, velocity: 0 };
    const color: Rgb = [...palette[stateRef.current.state]];
    let glow = 0;
    const start = performance.now();
    let last = start;
    let raf = 0;

    const frame = (now: number) => {
      raf = requestAnimationFrame(frame);
      const interval = now - last;
      const dt = Math.min(0.1, Math.max(0, interval / 1000));
      last = now;
      const drawStart = performance.now();

      const dpr = window.devicePixelRatio || 1;
      const pixelWidth = Math.round(cssWidth * dpr);
      const pixelHeight = Math.round(cssHeight * dpr);
      if (canvas.width !== pixelWidth || canvas.height !== pixelHeight) {
        canvas.width = pixelWidth;
        canvas.height = pixelHeight;
      }
      if (pixelWidth === 0 || pixelHeight === 0) return;

      const { state: current, since } = stateRef.current;
      const fresh = now - levels.updatedAt < STALE_LEVEL_MS;
      const input = fresh ? levelFromDb(levels.inputDb) : 0;
      const output = fresh ? levelFromDb(levels.outputDb) : 0;
      const target = current === 'speaking' ? output
        : current === 'user-speaking' ? input
          : current === 'listening' ? input * 0.25
            : current === 'interrupted' ? -0.2
              : 0;
      stepSpring(spring, target, current === 'interrupted' ? OMEGA * 1.6 : OMEGA, dt);

      const targetColor = palette[current];
      for (let i = 0; i < 3; i++) color[i] = approach(color[i]!, targetColor[i]!, 0.12, dt);
      glow = approach(glow, current === 'idle' || current === 'error' ? 0.35 : 1, 0.25, dt);

      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      const radius = drawPulse(ctx, cssWidth, cssHeight, {
        state: current,
        time: (now - start) / 1000,
        stateAge: Math.max(0, (now - since) / 1000),
        level: current === 'error' ? 0 : spring.value,
        color,
        glow,
      });
      recordFrame(stats, interval, performance.now() - drawStart, radius);
    };
    raf = requestAnimationFrame(frame);

    return () => {
      cancelAnimationFrame(raf);
      resize?.disconnect();
      scheme?.removeEventListener('change', onScheme);
      if (window.__kaiwaPulseStats === stats) delete window.__kaiwaPulseStats;
    };
  }, [levels]);

  return <canvas ref={canvasRef} className={className ? `pulse ${className}` : 'pulse'} role="img" aria-label={describeState(t, state)} />;
}
