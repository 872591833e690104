import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ConversationEntry, ConversationSummary } from '../shared/ipc';

const TITLE_LENGTH = 60;

/**
 * Conversations as JSONL files in `userData/conversations/`, one line per entry, written as it
 * happens. Each entry is one `write` of a whole line followed by an fsync (entries are finals, a
 * few per turn), so a crash loses at most the line being written; readers skip a torn last line.
 */
export class ConversationLog {
  readonly dir: string;
  private fd: number | undefined;
  private currentId: string | undefined;

  constructor(userDataDir: string) {
    this.dir = join(userDataDir, 'conversations');
  }

  /** Starts a new conversation; its file is created with the first entry. */
  begin(now = new Date()): string {
    this.end();
    this.currentId = `${now.toISOString().replace(/[:.]/g, '-')}-${randomBytes(3).toString('hex')}`;
    return this.currentId;
  }

  get current(): string | undefined {
    return this.currentId;
  }

  append(entry: ConversationEntry): void {
    if (this.currentId === undefined) this.begin();
    if (this.fd === undefined) {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      this.fd = openSync(this.file(this.currentId as string), 'a', 0o600);
    }
    writeSync(this.fd, `${JSON.stringify(entry)}\n`);
    fsyncSync(this.fd);
  }

  end(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
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
        title: firstUser ? shorten(firstUser.text) : 'Conversation',
        turns: transcripts.length,
      });
    }
    return summaries.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }

  /** Every complete entry of a conversation; a torn or foreign line is skipped. */
  open(id: string): ConversationEntry[] {
    let text: string;
    try {
      text = readFileSync(this.file(id), 'utf8');
    } catch {
      return [];
    }
    const entries: ConversationEntry[] = [];
    for (const line of text.split('\n')) {
      if (!line) continue;
      try {
        const entry = JSON.parse(line) as ConversationEntry;
        if (entry && typeof entry === 'object' && typeof entry.kind === 'string' && typeof entry.at === 'string') entries.push(entry);
      } catch {
        // A line cut by a crash.
      }
    }
    return entries;
  }

  private file(id: string): string {
    if (!/^[A-Za-z0-9_-]+$/.test(id)) throw new Error('not a conversation id');
    return join(this.dir, `${id}.jsonl`);
  }
}

function shorten(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > TITLE_LENGTH ? `${flat.slice(0, TITLE_LENGTH - 1)}…` : flat || 'Conversation';
}
