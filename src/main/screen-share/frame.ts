import { screen, type NativeImage } from 'electron';
import { desktopSources, kindOf, type SourceKind } from './sources';

/**
 * One frame of a screen or window, as PNG bytes: desktopCapturer's thumbnail at the picture size
 * (`maxSide` on the long side; it keeps the aspect ratio and never upscales). PNG, so the engine's
 * JPEG/WebP is the only lossy step and an unchanged screen gives the same bytes again.
 */
export interface Frame {
  data: Uint8Array;
  source: SourceKind;
  name: string;
  /** The source it came from (a look-once picks one). */
  id: string;
}

const box = (maxSide: number) => ({ width: maxSide, height: maxSide });

function frameOf(source: { id: string; name: string; thumbnail: NativeImage }): Frame | undefined {
  if (source.thumbnail.isEmpty()) return undefined;
  return { data: new Uint8Array(source.thumbnail.toPNG()), source: kindOf(source.id), name: source.name, id: source.id };
}

/** A frame of the source with this id; undefined when it is gone (the window closed, the screen unplugged). */
export async function captureSource(id: string, maxSide: number, own: ReadonlySet<string>): Promise<Frame | undefined> {
  const sources = await desktopSources([kindOf(id)], box(maxSide), own);
  const source = sources.find((s) => s.id === id);
  return source && frameOf(source);
}

/**
 * "Look at this": the front-most window that is not Kaiwa's (desktopCapturer lists windows in
 * stacking order, front-most first, on Windows and macOS; X11 lists them as the window manager
 * stacks them), or the screen the pointer is on.
 */
export async function captureActive(target: SourceKind, maxSide: number, own: ReadonlySet<string>): Promise<Frame | undefined> {
  const sources = await desktopSources([target], box(maxSide), own);
  if (target === 'window') return sources.map(frameOf).find((f) => f !== undefined);
  const display = String(screen.getDisplayNearestPoint(screen.getCursorScreenPoint()).id);
  const source = sources.find((s) => s.display_id === display) ?? sources[0];
  return source && frameOf(source);
}
