import type { AssistantState } from '../../shared/ipc';
import type { Rgb } from './colors';

/** One frame's worth of what the pulse shows; everything already smoothed by the caller. */
export interface PulseFrame {
  state: AssistantState;
  /** Seconds since the pulse mounted (drives breathing, rotation, shimmer). */
  time: number;
  /** Seconds since `state` began (drives the interrupt flash). */
  stateAge: number;
  /** Smoothed level 0..1 (slightly below 0 while contracting after an interrupt). */
  level: number;
  color: Rgb;
  /** 0..1: how much light the disc gives off; dim when idle. */
  glow: number;
}

const TAU = Math.PI * 2;

/** Disc radius in CSS pixels for a canvas of `size` (the shorter side). */
export function discRadius(frame: PulseFrame, size: number): number {
  const base = size * 0.17;
  const span = size * 0.15;
  switch (frame.state) {
    case 'idle':
      return base * (0.9 + 0.04 * breath(frame.time, 5));
    case 'connecting':
    case 'reconnecting':
      return base * 0.8;
    case 'error':
      return base * 0.85;
    case 'thinking':
      return base * (1 + 0.03 * Math.sin(frame.time * TAU * 0.8)) + span * Math.max(0, frame.level);
    case 'listening':
      return base * (1 + 0.025 * breath(frame.time, 3.5)) + span * Math.max(0, frame.level);
    default:
      return Math.max(base * 0.6, base + span * frame.level);
  }
}

function breath(time: number, periodSeconds: number): number {
  return 0.5 + 0.5 * Math.sin((time * TAU) / periodSeconds);
}

function rgba([r, g, b]: Rgb, alpha: number): string {
  return `rgba(${r | 0},${g | 0},${b | 0},${alpha.toFixed(3)})`;
}

function lighten([r, g, b]: Rgb, amount: number): Rgb {
  return [r + (255 - r) * amount, g + (255 - g) * amount, b + (255 - b) * amount];
}

/**
 * Draws the pulse centred in a `width` x `height` CSS-pixel area (the context is already scaled by
 * devicePixelRatio). Returns the disc radius drawn.
 */
export function drawPulse(ctx: CanvasRenderingContext2D, width: number, height: number, frame: PulseFrame): number {
  const size = Math.min(width, height);
  const cx = width / 2;
  const cy = height / 2;
  const r = discRadius(frame, size);
  const { color, state } = frame;
  ctx.clearRect(0, 0, width, height);

  // Halo: soft light around the disc, stronger with the level.
  const halo = frame.glow * (0.22 + 0.3 * Math.max(0, frame.level));
  if (halo > 0.01) {
    const g = ctx.createRadialGradient(cx, cy, r * 0.85, cx, cy, r * 1.45);
    g.addColorStop(0, rgba(color, halo));
    g.addColorStop(1, rgba(color, 0));
    ctx.fillStyle = g;
    ctx.beginPath();
    ctx.arc(cx, cy, r * 1.45, 0, TAU);
    ctx.fill();
  }

  // Echo rings while someone speaks: they widen with the voice.
  if ((state === 'speaking' || state === 'user-speaking') && frame.level > 0.05) {
    ctx.lineWidth = Math.max(1, size * 0.006);
    for (let i = 1; i <= 2; i++) {
      const phase = (frame.time * 0.9 + i * 0.5) % 1;
      const ringR = r * (1.06 + 0.32 * phase * (0.5 + frame.level));
      ctx.strokeStyle = rgba(color, 0.45 * frame.level * (1 - phase));
      ctx.beginPath();
      ctx.arc(cx, cy, ringR, 0, TAU);
      ctx.stroke();
    }
  }

  // The disc: opaque, a lighter centre falling off to the state colour.
  const alpha = state === 'idle' ? 0.55 + 0.15 * breath(frame.time, 5) : state === 'connecting' || state === 'reconnecting' ? 0.45 : 1;
  const body = ctx.createRadialGradient(cx - r * 0.25, cy - r * 0.3, r * 0.1, cx, cy, r);
  body.addColorStop(0, rgba(lighten(color, 0.35), alpha));
  body.addColorStop(1, rgba(color, alpha));
  ctx.fillStyle = body;
  ctx.beginPath();
  ctx.arc(cx, cy, r, 0, TAU);
  ctx.fill();

  if (state === 'thinking') drawShimmer(ctx, cx, cy, r, frame.time);
  if (state === 'connecting' || state === 'reconnecting') drawSpinner(ctx, cx, cy, r * 1.35, size, color, frame.time, state === 'reconnecting' ? 1.6 : 1);
  if (state === 'interrupted') drawFlash(ctx, cx, cy, r, size, frame.stateAge);
  return r;
}

function drawShimmer(ctx: CanvasRenderingContext2D, cx: number, cy: number, r: number, time: number): void {
  if (typeof ctx.createConicGradient !== 'function') return;
  const sweep = ctx.createConicGradient(time * TAU * 0.6, cx, cy);
  sweep.addColorStop(0, 'rgba(255,255,255,0)');
  sweep.addColorStop(0.12, 'rgba(255,255,255,0.38)');
  sweep.addColorStop(0.25, 'rgba(255,255,255,0)');
  sweep.addColorStop(0.62, 'rgba(255,255,255,0)');
  sweep.addColorStop(0.75, 'rgba(255,255,255,0.2)');
  sweep.addColorStop(0.88, 'rgba(255,255,255,0)');
  ctx.fillStyle = sweep;
  ctx.beginPath();
  ctx.arc(cx, cy, r, 0, TAU);
  ctx.fill();
}

function drawSpinner(ctx: CanvasRenderingContext2D, cx: number, cy: number, ringR: number, size: number, color: Rgb, time: number, speed: number): void {
  ctx.lineWidth = Math.max(1.5, size * 0.012);
  ctx.lineCap = 'round';
  ctx.strokeStyle = rgba(color, 0.15);
  ctx.beginPath();
  ctx.arc(cx, cy, ringR, 0, TAU);
  ctx.stroke();
  const start = time * TAU * 0.75 * speed;
  ctx.strokeStyle = rgba(color, 0.9);
  ctx.beginPath();
  ctx.arc(cx, cy, ringR, start, start + Math.PI * 0.55);
  ctx.stroke();
}

function drawFlash(ctx: CanvasRenderingContext2D, cx: number, cy: number, r: number, size: number, age: number): void {
  const p = Math.min(1, age / 0.45);
  if (p >= 1) return;
  ctx.lineWidth = Math.max(1.5, size * 0.02 * (1 - p));
  ctx.strokeStyle = `rgba(255,255,255,${(0.75 * (1 - p)).toFixed(3)})`;
  ctx.beginPath();
  ctx.arc(cx, cy, r * (1.05 + 0.6 * p), 0, TAU);
  ctx.stroke();
}
