import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tempDir } from '../../../harness/temp';
import type { AssistantEvent } from '../../../src/engine/events';
import { say } from '../../../src/engine/messages';
import { createI18n, messageWords, type Translate } from '../../../src/shared/i18n';
import { ConversationRecorder, parseConversation } from '../../../src/engine/conversation-log/entry';
import { ConversationFile, readConversationFile } from '../../../src/engine/conversation-log/file';

const AT = new Date('2026-03-04T05:06:07.089Z');

describe('ConversationRecorder: which events become entries', () => {
  it('keeps final transcripts, interruptions and errors, stamped with the time; nothing else', () => {
    const recorder = new ConversationRecorder();
    const events: AssistantEvent[] = [
      { type: 'state', state: 'speaking' },
      { type: 'transcript.delta', speaker: 'assistant', itemId: 'a1', delta: 'Hel' },
      { type: 'levels', input: { rmsDb: -50, peakDb: -40 }, output: { rmsDb: -20, peakDb: -10 } },
      { type: 'transcript.final', speaker: 'user', itemId: 'u1', text: 'Hi' },
      { type: 'interrupted', itemId: 'a1', reason: 'barge-in', playedMs: 1200, receivedMs: 5000 },
      { type: 'transcript.final', speaker: 'assistant', itemId: 'a1', text: 'Hello there, how are you?' },
      { type: 'error', code: 'network', fatal: false, ...say('failure.reset', { host: 'example.com' }) },
      { type: 'error', code: 'protocol', fatal: false, ...say('error.unexpectedEvent', { detail: say('protocol.invalidJson', { detail: 'x' }) }) },
    ];
    const entries = events.map((e) => recorder.entryFor(e, AT)).filter(Boolean);
    const at = AT.toISOString();
    expect(entries).toEqual([
      { kind: 'transcript', at, speaker: 'user', itemId: 'u1', text: 'Hi' },
      { kind: 'interrupted', at, itemId: 'a1', reason: 'barge-in', playedMs: 1200, receivedMs: 5000 },
      { kind: 'transcript', at, speaker: 'assistant', itemId: 'a1', text: 'Hello there, how are you?', interruptedAtMs: 1200 },
      { kind: 'error', at, code: 'network', fatal: false, key: 'failure.reset', params: { host: 'example.com' } },
      // Keyed: the key and params, no English (each reader puts it into their own language).
      { kind: 'error', at, code: 'protocol', fatal: false, key: 'error.unexpectedEvent', params: { detail: { key: 'protocol.invalidJson', params: { detail: 'x' } } } },
    ]);
  });

  it('marks only the reply that was cut, and a new recorder remembers nothing', () => {
    const recorder = new ConversationRecorder();
    recorder.entryFor({ type: 'interrupted', itemId: 'a1', reason: 'user', playedMs: 300, receivedMs: 900 });
    expect(recorder.entryFor({ type: 'transcript.final', speaker: 'assistant', itemId: 'a2', text: 'x' })).not.toHaveProperty('interruptedAtMs');
    expect(new ConversationRecorder().entryFor({ type: 'transcript.final', speaker: 'assistant', itemId: 'a1', text: 'x' })).not.toHaveProperty('interruptedAtMs');
  });
});

describe('tool entries (issue 13)', () => {
  it('keeps tool calls and results, Kaiwa\'s and MCP\'s, and reads them back; consent questions are not kept', () => {
    const recorder = new ConversationRecorder();
    const events: AssistantEvent[] = [
      { type: 'tool.call', callId: 'c1', name: 'open_url', arguments: '{"url":"https://example.com/"}', source: 'function' },
      { type: 'consent.request', id: 'consent_1', tool: 'open_url', arguments: '{}', said: say('tool.open_url.consent', { url: 'https://example.com/' }), timeoutMs: 30_000 },
      { type: 'consent.settled', id: 'consent_1', answer: 'deny' },
      { type: 'tool.result', callId: 'c1', name: 'open_url', outcome: 'denied', output: '{"error":"denied"}', source: 'function' },
      { type: 'tool.result', callId: 'mcp_1', name: 'search', outcome: 'ok', output: 'found', source: 'mcp', server: 'docs' },
    ];
    const entries = events.map((e) => recorder.entryFor(e, AT)).filter(Boolean);
    const at = AT.toISOString();
    expect(entries).toEqual([
      { kind: 'tool.call', at, callId: 'c1', name: 'open_url', arguments: '{"url":"https://example.com/"}', source: 'function' },
      { kind: 'tool.result', at, callId: 'c1', name: 'open_url', outcome: 'denied', output: '{"error":"denied"}', source: 'function' },
      { kind: 'tool.result', at, callId: 'mcp_1', name: 'search', outcome: 'ok', output: 'found', source: 'mcp', server: 'docs' },
    ]);
    const text = entries.map((e) => JSON.stringify(e)).join('\n');
    expect(parseConversation(text)).toEqual(entries);
    // An unknown outcome or a missing field is not an entry.
    const bad = [{ ...entries[1], outcome: 'exploded' }, { ...entries[0], arguments: 5 }, { ...entries[2], source: 'other' }];
    expect(parseConversation(bad.map((e) => JSON.stringify(e)).join('\n'))).toEqual([]);
  });
});

describe('typed turns and pictures (issue 23)', () => {
  const thumbnail = 'data:image/jpeg;base64,/9j/AAAA';
  it('keeps a typed turn marked typed and a picture as its thumbnail, size and source (no full picture), and reads them back', () => {
    const recorder = new ConversationRecorder();
    const now = new Date('2026-12-08T03:00:00Z');
    const events: AssistantEvent[] = [
      { type: 'picture', itemId: 'kaiwa_1', picture: { mime: 'image/jpeg', width: 1024, height: 640, hash: 'ab'.repeat(32), thumbnail, source: 'screen' } },
      { type: 'transcript.final', speaker: 'user', itemId: 'kaiwa_2', text: 'What is this?', typed: true },
      { type: 'transcript.final', speaker: 'user', itemId: 'u3', text: 'spoken' },
    ];
    const entries = events.map((e) => recorder.entryFor(e, now));
    expect(entries).toEqual([
      { kind: 'picture', at: now.toISOString(), itemId: 'kaiwa_1', thumbnail, width: 1024, height: 640, source: 'screen' },
      { kind: 'transcript', at: now.toISOString(), speaker: 'user', itemId: 'kaiwa_2', text: 'What is this?', typed: true },
      { kind: 'transcript', at: now.toISOString(), speaker: 'user', itemId: 'u3', text: 'spoken' },
    ]);
    const withFile = { ...entries[0]!, file: 'pictures/kaiwa_1.png', name: 'shot.png' };
    expect(parseConversation([...entries, withFile].map((e) => JSON.stringify(e)).join('\n'))).toEqual([...entries, withFile]);
    // A picture entry without a thumbnail data URL, or from an unknown source, is not one.
    const bad = [{ ...entries[0]!, thumbnail: 'file:///etc/passwd' }, { ...entries[0]!, source: 'camera' }];
    expect(parseConversation(bad.map((e) => JSON.stringify(e)).join('\n'))).toEqual([]);
  });
});

describe('ConversationFile and its reader', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(() => dir.cleanup());

  it('writes one JSON line per entry, readable at once (nothing buffered), and reads them back', () => {
    const path = dir.file('talk.jsonl');
    const file = ConversationFile.open(path, { mode: 'truncate' });
    file.record({ type: 'transcript.final', speaker: 'user', itemId: 'u1', text: 'こんにちは' });
    expect(readConversationFile(path)).toHaveLength(1);
    file.record({ type: 'transcript.delta', speaker: 'assistant', itemId: 'a1', delta: 'x' });
    file.record({ type: 'error', code: 'server', fatal: true, ...say('error.serverSaid', { detail: 'oops' }) });
    file.close();
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    expect(lines.slice(0, 2).map((l) => JSON.parse(l).kind)).toEqual(['transcript', 'error']);
    expect(readConversationFile(path)).toEqual(lines.slice(0, 2).map((l) => JSON.parse(l)));
    expect(() => file.append({ kind: 'error', at: AT.toISOString(), code: 'internal', message: 'late' })).toThrow(/closed/);
  });

  it('truncate starts empty, append continues, and the permissions asked for are used', () => {
    const path = dir.file('c.jsonl');
    writeFileSync(path, 'old\n');
    const first = ConversationFile.open(path, { mode: 'truncate' });
    first.record({ type: 'transcript.final', speaker: 'user', itemId: 'u1', text: 'one' });
    first.close();
    const second = ConversationFile.open(path);
    second.record({ type: 'transcript.final', speaker: 'user', itemId: 'u2', text: 'two' });
    second.close();
    expect(readConversationFile(path).map((e) => e.kind === 'transcript' && e.text)).toEqual(['one', 'two']);
    const secret = dir.file('private.jsonl');
    ConversationFile.open(secret, { permissions: 0o600 }).close();
    expect(statSync(secret).mode & 0o777).toBe(0o600);
  });

  it('cannot open a file in a folder that does not exist: the system error, thrown', () => {
    expect(() => ConversationFile.open(dir.file('missing/talk.jsonl'))).toThrow(/ENOENT/);
  });

  it('an error by key round-trips through the file, and is put into words in each language; an old entry keeps its English', () => {
    const path = dir.file('keyed.jsonl');
    const file = ConversationFile.open(path, { mode: 'truncate' });
    file.record({ type: 'error', code: 'network', fatal: true, ...say('error.connectionFailed', { detail: say('failure.refused', { host: '127.0.0.1:9' }) }) });
    file.close();
    appendFileSync(path, `${JSON.stringify({ kind: 'error', at: AT.toISOString(), code: 'server', message: 'The server said no.' })}\n`);
    const [keyed, old] = readConversationFile(path);
    expect(keyed).not.toHaveProperty('message');
    const words = (t: Translate) => [keyed!, old!].map((e) => e.kind === 'error' && (e.key ? messageWords(t, e) : e.message));
    expect(words(createI18n('ja').t)).toEqual(['接続できませんでした: 127.0.0.1:9 に接続できませんでした（接続が拒否されました）。', 'The server said no.']);
    expect(words(createI18n('en').t)).toEqual(['The connection failed: Could not connect to 127.0.0.1:9: the connection was refused.', 'The server said no.']);
  });

  it('skips a torn last line, foreign lines and broken entries; reads entries written before reason and fatal were kept', () => {
    const path = dir.file('mixed.jsonl');
    const at = AT.toISOString();
    const good = [
      { kind: 'transcript', at, speaker: 'user', itemId: 'u1', text: 'Hi' },
      { kind: 'interrupted', at, itemId: 'a1', playedMs: 10, receivedMs: 20 },
      { kind: 'error', at, code: 'network', message: 'dropped' },
    ];
    const foreign = [
      { t: 12, type: 'transcript', speaker: 'user', itemId: 'u1', text: 'Hi' },
      { kind: 'transcript', at, speaker: 'robot', itemId: 'u1', text: 'Hi' },
      { kind: 'interrupted', at, itemId: 'a1', playedMs: 'ten', receivedMs: 20 },
      { kind: 'note', at },
      { kind: 'error', at, code: 'network' },
      { kind: 'error', at, code: 'network', key: 'error.serverSaid', params: 'x' },
      'just a string',
      null,
    ];
    writeFileSync(path, [...good, ...foreign].map((e) => JSON.stringify(e)).join('\n') + '\n\n');
    appendFileSync(path, '{"kind":"transcript","at":"2026-01-02T03:04:');
    expect(readConversationFile(path)).toEqual(good);
    expect(parseConversation('')).toEqual([]);
    expect(readConversationFile(dir.file('none.jsonl'))).toEqual([]);
  });
});
