import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConversationLog } from '../../src/main/conversation-log';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kaiwa-log-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();

describe('ConversationLog', () => {
  it('writes each entry as it happens and lists conversations newest first', () => {
    const log = new ConversationLog(dir);
    const first = log.begin(new Date(at(0)));
    log.append({ kind: 'transcript', at: at(1), speaker: 'user', itemId: 'u1', text: '  What is   the weather like\non Mars today, roughly, in the northern hemisphere?' });
    // Readable before the conversation ends: nothing is buffered.
    expect(new ConversationLog(dir).open(first)).toHaveLength(1);
    log.append({ kind: 'transcript', at: at(2), speaker: 'assistant', itemId: 'a1', text: 'Cold.', interruptedAtMs: 400 });
    log.append({ kind: 'interrupted', at: at(3), itemId: 'a1', playedMs: 400, receivedMs: 2000 });
    const second = log.begin(new Date(at(10)));
    log.append({ kind: 'error', at: at(11), code: 'network', message: 'dropped' });
    log.end();

    const list = new ConversationLog(dir).list();
    expect(list.map((c) => c.id)).toEqual([second, first]);
    expect(list[1]).toEqual({
      id: first,
      startedAt: at(1),
      title: 'What is the weather like on Mars today, roughly, in the nor…',
      turns: 2,
    });
    expect(list[0]).toMatchObject({ title: '', turns: 0 }); // the window names it, in its language
  });

  it('an unknown or malformed id reads as nothing, never outside the folder', () => {
    const log = new ConversationLog(dir);
    expect(log.open('nope')).toEqual([]);
    // A real JSONL file one level up is not reachable through an id.
    writeFileSync(join(dir, 'outside.jsonl'), `${JSON.stringify({ kind: 'error', at: at(0), code: 'internal', message: 'x' })}\n`);
    expect(log.open('../outside')).toEqual([]);
  });

  it('survives a crash mid-write: every complete line reads back, a torn last line is skipped', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'fixtures', 'log-writer.ts'), dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let written = 0;
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        const lines = chunk.toString().trim().split('\n');
        written = Number(lines.at(-1));
        if (written >= 200) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', () => reject(new Error(`writer exited early: ${stderr}`)));
    });
    await new Promise((resolve) => child.once('close', resolve));

    const [file] = readdirSync(join(dir, 'conversations'));
    const id = (file as string).replace(/\.jsonl$/, '');
    // And a line torn by a crash inside write().
    appendFileSync(join(dir, 'conversations', file as string), '{"kind":"transcript","at":"2026-01-02T03:04:');

    const entries = new ConversationLog(dir).open(id);
    // Everything acknowledged is there, possibly plus the line in flight when the kill landed.
    expect(entries.length).toBeGreaterThanOrEqual(written);
    expect(entries.length).toBeLessThanOrEqual(written + 1);
    entries.forEach((entry, i) => expect(entry).toMatchObject({ kind: 'transcript', itemId: `item_${i}` }));
    expect(new ConversationLog(dir).list()[0]).toMatchObject({ id, turns: entries.length });
  });
});

describe('ConversationLog.record', () => {
  it('records a conversation’s events; an error outside a conversation starts no file', () => {
    const log = new ConversationLog(dir);
    log.record({ type: 'error', code: 'network', fatal: false, key: 'failure.refused', params: { host: 'example.com' } });
    expect(log.list()).toEqual([]);
    const id = log.begin();
    log.record({ type: 'transcript.final', speaker: 'user', itemId: 'u1', text: 'Stop there' });
    log.record({ type: 'interrupted', itemId: 'a1', reason: 'user', playedMs: 250, receivedMs: 800 });
    log.record({ type: 'transcript.final', speaker: 'assistant', itemId: 'a1', text: 'Once upon a time' });
    log.record({ type: 'error', code: 'network', fatal: false, key: 'failure.reset', params: { host: 'example.com' } });
    log.end();
    const entries = log.open(id);
    expect(entries.map((e) => e.kind)).toEqual(['transcript', 'interrupted', 'transcript', 'error']);
    expect(entries[2]).toMatchObject({ speaker: 'assistant', interruptedAtMs: 250 });
    expect(log.list()).toEqual([expect.objectContaining({ id, title: 'Stop there', turns: 2 })]);
  });
});
