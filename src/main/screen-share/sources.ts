import { desktopCapturer, type BrowserWindow, type DesktopCapturerSource } from 'electron';
import type { ShareSource } from '../../shared/ipc';

/**
 * What desktopCapturer offers to share, without Kaiwa's own windows. Chromium lists an app's own
 * windows like any other; they are recognised by their media source ids (`getMediaSourceId`).
 */

/** The picker's thumbnails: small, JPEG (a dozen windows stay well under a megabyte over IPC). */
export const PICKER_THUMBNAIL = { width: 320, height: 200 } as const;
const PICKER_JPEG_QUALITY = 70;

export type SourceKind = ShareSource['kind'];

export const kindOf = (id: string): SourceKind => (id.startsWith('screen:') ? 'screen' : 'window');

/**
 * `window:123:0` and `window:123:1` are the same native window (the last part names a capture
 * flavour, which differs between what getMediaSourceId and getSources report on some platforms).
 */
const nativeId = (id: string): string => id.split(':').slice(0, 2).join(':');

/** Kaiwa's own windows, as media source ids. */
export function ownSourceIds(windows: readonly BrowserWindow[]): Set<string> {
  const ids = new Set<string>();
  for (const window of windows) {
    if (window.isDestroyed()) continue;
    try {
      ids.add(nativeId(window.getMediaSourceId()));
    } catch {
      // A window without a native handle yet cannot be in a capture either.
    }
  }
  return ids;
}

export function isOwnSource(id: string, own: ReadonlySet<string>): boolean {
  return own.has(nativeId(id));
}

/** Screens and windows, at `size`, Kaiwa's excluded; screens first, then windows front-most first. */
export async function desktopSources(
  kinds: readonly SourceKind[],
  size: { width: number; height: number },
  own: ReadonlySet<string>,
): Promise<DesktopCapturerSource[]> {
  const sources = await desktopCapturer.getSources({ types: [...kinds], thumbnailSize: size, fetchWindowIcons: false });
  return sources.filter((s) => !isOwnSource(s.id, own));
}

/** The picker's list: every screen and window but Kaiwa's, each with a small thumbnail. */
export async function listShareSources(own: ReadonlySet<string>): Promise<ShareSource[]> {
  const sources = await desktopSources(['screen', 'window'], PICKER_THUMBNAIL, own);
  return sources.map((s) => ({
    id: s.id,
    name: s.name,
    kind: kindOf(s.id),
    thumbnail: s.thumbnail.isEmpty() ? '' : `data:image/jpeg;base64,${s.thumbnail.toJPEG(PICKER_JPEG_QUALITY).toString('base64')}`,
  }));
}
