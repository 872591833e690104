import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { MAX_PICTURE_BYTES, say, type Assistant, type NoticeSaid, type PictureInput } from '../engine';
import { messageWords, saidWords, type KeyedWords, type Translate } from '../shared/i18n';
import { fileProblem } from './devices';

/**
 * Pictures from files, for `--image FILE` and `/image PATH`: read (never more than the engine
 * takes), shown to the model, and what went wrong said in one line; the conversation goes on.
 */

/** A picture file that cannot be read: `problem` without the path (the line names it). */
export class PictureFileError extends Error {
  override name = 'PictureFileError';
  constructor(readonly problem: KeyedWords | string) {
    super(typeof problem === 'string' ? problem : problem.key);
  }
}

/** Reads a picture file; a file larger than the engine takes is refused from its size, unread. */
export async function readPictureFile(path: string): Promise<PictureInput> {
  try {
    const file = await open(path, 'r');
    try {
      const { size, isFile } = await file.stat().then((s) => ({ size: s.size, isFile: s.isFile() }));
      if (!isFile) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
      if (size > MAX_PICTURE_BYTES) throw new PictureFileError(say('picture.tooBig', { maxMb: MAX_PICTURE_BYTES / 1_000_000 }));
      return { data: new Uint8Array(await file.readFile()), source: 'file', name: basename(path) };
    } finally {
      await file.close();
    }
  } catch (error) {
    if (error instanceof PictureFileError) throw error;
    throw new PictureFileError(fileProblem(error));
  }
}

/**
 * `/image PATH` typed at the prompt: the path, with what a terminal's drag and drop adds undone
 * (quotes around it, backslashes before spaces) and `~` as the home folder; undefined when the
 * line is not that command (it is words for the model then).
 */
export function imageCommandPath(line: string, home: string | undefined): string | undefined {
  const match = /^\/image(?:\s+(.*))?$/s.exec(line.trim());
  if (!match) return undefined;
  let path = (match[1] ?? '').trim();
  const quoted = /^(['"])(.*)\1$/s.exec(path);
  path = quoted ? quoted[2]! : path.replace(/\\(.)/g, '$1');
  if (home && (path === '~' || path.startsWith('~/'))) path = home + path.slice(1);
  return path;
}

/**
 * Shows pictures from files to the model, one after another (each joins the conversation before
 * the next turn). What the user reads: one line for a file that cannot be read, for a picture the
 * engine refuses (its notice, naming the file) and for the last picture again; the picture's
 * `picture` event when it was sent.
 */
export class PictureFiles {
  private queue: Promise<void> = Promise.resolve();
  /** The file being shown: the engine's notice about it is said with its path. */
  private showing: string | null = null;

  constructor(
    private readonly assistant: Pick<Assistant, 'showPicture'>,
    private readonly t: Translate,
    private readonly line: (text: string) => void,
  ) {}

  /** Shows the picture at `path` once the ones before it are done; resolves when it is. */
  show(path: string): Promise<void> {
    this.queue = this.queue.then(() => this.showNow(path));
    return this.queue;
  }

  /** A notice of the engine as a line naming the picture's file, when it is about the picture being shown. */
  noticeLine(said: NoticeSaid): string | null {
    return this.showing === null ? null : this.t('cli.picture.unreadable', { path: this.showing, problem: saidWords(this.t, said) });
  }

  private async showNow(path: string): Promise<void> {
    const { t, line } = this;
    if (path === '') return line(t('cli.picture.noPath'));
    let picture: PictureInput;
    try {
      picture = await readPictureFile(path);
    } catch (error) {
      if (!(error instanceof PictureFileError)) throw error;
      const problem = typeof error.problem === 'string' ? error.problem : messageWords(t, error.problem);
      return line(t('cli.picture.unreadable', { path, problem }));
    }
    this.showing = path;
    try {
      // 'unsupported' and 'invalid' come as the engine's notice (see noticeLine), 'sent' as its event.
      const outcome = await this.assistant.showPicture(picture);
      if (outcome.status === 'unchanged') line(t('cli.picture.unchanged'));
    } finally {
      this.showing = null;
    }
  }
}
