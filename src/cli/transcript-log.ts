import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import type { AssistantEvent } from '../engine';

/** `--transcript FILE.jsonl`: one JSON object per transcript final, interruption and error. */
export class TranscriptLog {
  private readonly stream: WriteStream;
  private readonly startedAt = Date.now();

  private constructor(stream: WriteStream) {
    this.stream = stream;
  }

  /** Opens (truncates) the file; rejects with a readable error when it cannot be written. */
  static async open(path: string): Promise<TranscriptLog> {
    const stream = createWriteStream(path, { flags: 'w' });
    await Promise.race([
      once(stream, 'open'),
      once(stream, 'error').then(([error]) => {
        throw new Error(`cannot write transcript ${path}: ${(error as Error).message}`);
      }),
    ]);
    return new TranscriptLog(stream);
  }

  record(event: AssistantEvent): void {
    const t = Date.now() - this.startedAt;
    switch (event.type) {
      case 'transcript.final':
        this.write({ t, type: 'transcript', speaker: event.speaker, itemId: event.itemId, text: event.text });
        break;
      case 'interrupted':
        this.write({ t, type: 'interrupted', itemId: event.itemId, reason: event.reason, playedMs: event.playedMs, receivedMs: event.receivedMs });
        break;
      case 'error':
        this.write({ t, type: 'error', code: event.code, message: event.message, fatal: event.fatal });
        break;
      default:
        break;
    }
  }

  async close(): Promise<void> {
    if (this.stream.closed) return;
    this.stream.end();
    await once(this.stream, 'close');
  }

  private write(line: Record<string, unknown>): void {
    this.stream.write(`${JSON.stringify(line)}\n`);
  }
}
