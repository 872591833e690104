import type { EngineMessage } from '../messages';

/**
 * What the user gives the conversation besides the voice (issue 23): pictures and typed words.
 * Plain data, safe for IPC; the bytes of a picture stay in the process that prepared it.
 */

/** Where a picture came from (front ends show and log it; the engine treats them alike). */
export type PictureSource = 'file' | 'screen' | 'window' | 'paste' | 'drop' | 'endpoint';

/** A picture as given: encoded bytes in any format sharp reads (PNG, JPEG, WebP, GIF, AVIF, TIFF, SVG). */
export interface PictureInput {
  data: Uint8Array;
  source: PictureSource;
  /** A file name, for people (never a path the engine opens). */
  name?: string;
}

export type PictureFormat = 'jpeg' | 'webp';

/** A picture ready for the model: downscaled, re-encoded, hashed, with a small thumbnail for people. */
export interface PreparedPicture {
  mime: 'image/jpeg' | 'image/webp';
  data: Uint8Array;
  /** `data:<mime>;base64,...` of `data`: what the protocols take as `image_url`. */
  dataUrl: string;
  width: number;
  height: number;
  /** SHA-256 (hex) of the prepared pixels: the same picture twice has the same hash, whatever its encoding. */
  hash: string;
  /** A JPEG data URL, long side at most THUMBNAIL_SIDE px. */
  thumbnail: string;
  source: PictureSource;
  name?: string;
}

/** A prepared picture without its bytes: what events, IPC and the conversation log carry. */
export type PictureSummary = Omit<PreparedPicture, 'data' | 'dataUrl'>;

/** What `Assistant.showPicture` did with a picture. Unsupported and invalid also emit a `notice`. */
export type PictureOutcome =
  | { status: 'sent'; itemId: string; picture: PictureSummary }
  /** The same pixels as the last picture sent in this conversation: nothing sent. */
  | { status: 'unchanged' }
  /** This protocol cannot take pictures (beta dialect, GPT-Live without tools), or no conversation runs. */
  | { status: 'unsupported'; said: EngineMessage }
  /** Not a picture the engine can use (not an image, 0 px, too large, corrupt). */
  | { status: 'invalid'; said: EngineMessage };

/** What a session did with a prepared picture (the Assistant adds dedupe, preparation and notices). */
export type SessionPictureOutcome = { status: 'sent'; itemId: string } | { status: 'unsupported'; said: EngineMessage };

export function pictureSummary(picture: PreparedPicture): PictureSummary {
  const { data: _data, dataUrl: _dataUrl, ...summary } = picture;
  return summary;
}
