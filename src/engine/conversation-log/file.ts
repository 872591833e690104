import { closeSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { AssistantEvent } from '../events';
import { ConversationRecorder, parseConversation, type ConversationEntry } from './entry';

export interface ConversationFileOptions {
  /** 'append' (the default) continues a file; 'truncate' starts it empty. */
  mode?: 'append' | 'truncate';
  /** File permissions when it is created (e.g. 0o600 for a private history). */
  permissions?: number;
}

/**
 * A conversation written as it happens (format: entry.ts). Each entry is one `write` of a whole
 * line followed by an fsync (entries are finals, a few per turn), so a crash loses at most the line
 * being written, and readers skip a torn last line.
 */
export class ConversationFile {
  private readonly recorder = new ConversationRecorder();
  private fd: number | undefined;

  private constructor(fd: number) {
    this.fd = fd;
  }

  /** Opens or creates the file; throws the system's error when it cannot be written. */
  static open(path: string, options: ConversationFileOptions = {}): ConversationFile {
    return new ConversationFile(openSync(path, options.mode === 'truncate' ? 'w' : 'a', options.permissions ?? 0o666));
  }

  /** Writes the entry an event makes, if it makes one (final transcripts, interruptions, errors). */
  record(event: AssistantEvent): ConversationEntry | undefined {
    const entry = this.recorder.entryFor(event);
    if (entry) this.append(entry);
    return entry;
  }

  append(entry: ConversationEntry): void {
    if (this.fd === undefined) throw new Error('the conversation file is closed');
    writeSync(this.fd, `${JSON.stringify(entry)}\n`);
    fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Every complete entry of a conversation file; a missing or unreadable file has none. */
export function readConversationFile(path: string): ConversationEntry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  return parseConversation(text);
}
