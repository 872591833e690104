import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { AssistantEvent } from '../engine/events';
import { ConversationRecorder } from '../engine/conversation-log/entry';
import { ConversationFile, readConversationFile } from '../engine/conversation-log/file';
import type { ConversationEntry, ConversationSummary } from '../shared/ipc';

const TITLE_LENGTH = 60;

/**
 * The desktop app's history: one conversation per start, each a JSONL file in
 * `userData/conversations/` written as it happens (format, crash safety: engine/conversation-log).
 * A conversation's file is created with its first entry.
 */
export class ConversationLog {
  readonly dir: string;
  private file: ConversationFile | undefined;
  private recorder = new ConversationRecorder();
  private currentId: string | undefined;
  /** The picture being shown now, as given, when its original is to be kept (`withOriginal`). */
  private original: Uint8Array | undefined;

  constructor(userDataDir: string) {
    this.dir = join(userDataDir, 'conversations');
  }

  /** Starts a new conversation. */
  begin(now = new Date()): string {
    this.end();
    this.currentId = `${now.toISOString().replace(/[:.]/g, '-')}-${randomBytes(3).toString('hex')}`;
    this.recorder = new ConversationRecorder();
    return this.currentId;
  }

  get current(): string | undefined {
    return this.currentId;
  }

  /** Keeps what an event says for the history; an error outside a conversation starts none. */
  record(event: AssistantEvent): void {
    const entry = this.recorder.entryFor(event);
    if (!entry || (entry.kind === 'error' && this.currentId === undefined)) return;
    const original = entry.kind === 'picture' ? this.original : undefined;
    this.original = undefined;
    if (entry.kind !== 'picture' || !original) return this.append(entry);
    try {
      entry.file = this.keepOriginal(entry.itemId, original);
    } finally {
      // Saving the picture failed (the caller logs why): the entry and its thumbnail are kept all the same.
      this.append(entry);
    }
  }

  /**
   * While `show` runs, the picture it joins to the conversation is `original`: the log keeps it in
   * full beside the conversation (`ID/ITEM.png`), and its entry names the file. Without an
   * original (the setting is off) only the entry's thumbnail is kept.
   */
  async withOriginal<T>(original: Uint8Array | undefined, show: () => Promise<T>): Promise<T> {
    this.original = original;
    try {
      return await show();
    } finally {
      this.original = undefined;
    }
  }

  append(entry: ConversationEntry): void {
    const id = this.currentId ?? this.begin();
    if (!this.file) {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      this.file = ConversationFile.open(this.path(id), { permissions: 0o600 });
    }
    this.file.append(entry);
  }

  /** Saves a picture as given; returns its path relative to the conversations folder. */
  private keepOriginal(itemId: string, data: Uint8Array): string {
    const id = this.currentId ?? this.begin();
    const file = `${id}/${itemId.replace(/[^A-Za-z0-9_-]/g, '_')}.${imageExtension(data)}`;
    mkdirSync(join(this.dir, id), { recursive: true, mode: 0o700 });
    writeFileSync(join(this.dir, file), data, { mode: 0o600 });
    return file;
  }

  end(): void {
    this.file?.close();
    this.file = undefined;
    this.currentId = undefined;
  }

  list(): ConversationSummary[] {
    let names: string[];
    try {
      names = readdirSync(this.dir).filter((n) => n.endsWith('.jsonl'));
    } catch {
      return [];
    }
    const summaries: ConversationSummary[] = [];
    for (const fileName of names) {
      const id = fileName.slice(0, -'.jsonl'.length);
      const entries = this.open(id);
      if (entries.length === 0) continue;
      const transcripts = entries.filter((e) => e.kind === 'transcript');
      const firstUser = transcripts.find((e) => e.speaker === 'user') ?? transcripts[0];
      summaries.push({
        id,
        startedAt: (entries[0] as ConversationEntry).at,
        // No words to name it by: empty, and the window says "untitled" in its own language.
        title: firstUser ? shorten(firstUser.text) : '',
        turns: transcripts.length,
      });
    }
    return summaries.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }

  /** Every complete entry of a conversation; a torn or foreign line is skipped, an id that is not ours reads as nothing. */
  open(id: string): ConversationEntry[] {
    return isConversationId(id) ? readConversationFile(this.path(id)) : [];
  }

  private path(id: string): string {
    if (!isConversationId(id)) throw new Error('not a conversation id');
    return join(this.dir, `${id}.jsonl`);
  }
}

/** The file extension a picture's bytes call for (the formats people drop and paste; `img` otherwise). */
function imageExtension(data: Uint8Array): string {
  const starts = (...bytes: number[]) => bytes.every((b, i) => data[i] === b);
  if (starts(0x89, 0x50, 0x4e, 0x47)) return 'png';
  if (starts(0xff, 0xd8, 0xff)) return 'jpg';
  if (starts(0x47, 0x49, 0x46, 0x38)) return 'gif';
  if (starts(0x52, 0x49, 0x46, 0x46) && String.fromCharCode(...data.subarray(8, 12)) === 'WEBP') return 'webp';
  return 'img';
}

const isConversationId = (id: string) => /^[A-Za-z0-9_-]+$/.test(id);

function shorten(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > TITLE_LENGTH ? `${flat.slice(0, TITLE_LENGTH - 1)}…` : flat;
}
