import type { AssistantEvent, ErrorCode, InterruptReason, Speaker } from '../events';
import type { EngineMessage } from '../messages';
import type { PictureSource } from '../input/types';
import type { MeterReading } from '../meter/reading';
import type { ToolOutcome } from '../tools/types';

/**
 * A saved conversation is one JSON object per line (JSONL), one line per entry: the desktop app's
 * history (userData/conversations/) and the terminal's `--transcript FILE.jsonl` write the same
 * entries, and the History tab reads them. `at` is the ISO time the entry was written.
 *
 * Pure (types and data only): front ends and the renderer's type imports take it from here.
 */
export type ConversationEntry =
  | {
      kind: 'transcript';
      at: string;
      speaker: Speaker;
      itemId: string;
      text: string;
      /** The reply was interrupted after this many ms had been heard (its `interrupted` entry came first). */
      interruptedAtMs?: number;
      /** A user turn that was typed, not spoken. */
      typed?: true;
    }
  /**
   * A picture the user showed (issue 23): its thumbnail (a small JPEG data URL), the size sent and
   * where it came from. The full picture is not kept unless `pictures.keepOriginals` is on: then
   * `file` names the original, kept beside the history by the front end that wrote this entry.
   */
  | { kind: 'picture'; at: string; itemId: string; thumbnail: string; width: number; height: number; source: PictureSource; name?: string; file?: string }
  /** `reason` is missing in entries written before it was recorded. */
  | { kind: 'interrupted'; at: string; itemId: string; reason?: InterruptReason; playedMs: number; receivedMs: number }
  /**
   * What went wrong, by catalogue key (`key`, `params`: engine/messages.ts), for each reader to put
   * into their own language. Entries written before errors were keyed have the English `message` instead. `fatal` is missing in entries written before it was recorded.
   */
  | ({ kind: 'error'; at: string; code: ErrorCode; fatal?: boolean } & (EngineMessage | { key?: undefined; params?: undefined; message: string }))
  /**
   * A tool the model called and what came of it (issue 13): Kaiwa's own (`source` 'function') or a
   * remote MCP server's (`server` its label). `arguments` is the model's JSON text as it came;
   * `output` what went back to the model (JSON for Kaiwa's tools).
   */
  | { kind: 'tool.call'; at: string; callId: string; name: string; arguments: string; source: 'function' | 'mcp'; server?: string }
  | { kind: 'tool.result'; at: string; callId: string; name: string; outcome: ToolOutcome; output: string; source: 'function' | 'mcp'; server?: string }
  /** The conversation's meter when it ended (tokens or active time, estimated cost): the last entry. */
  | { kind: 'meter'; at: string; meter: MeterReading };

/** Interrupted replies remembered for their transcript's `interruptedAtMs` (the newest win). */
const REMEMBERED_INTERRUPTIONS = 256;

/**
 * Turns assistant events into entries: final transcripts, interruptions, errors, tool calls and
 * results, and the final meter (when something was used); everything else
 * (deltas, levels, states) is not kept. One per conversation: it remembers which replies were cut.
 */
export class ConversationRecorder {
  private readonly interrupted = new Map<string, number>();

  entryFor(event: AssistantEvent, now: Date = new Date()): ConversationEntry | undefined {
    const at = now.toISOString();
    switch (event.type) {
      case 'transcript.final': {
        const interruptedAtMs = event.speaker === 'assistant' ? this.interrupted.get(event.itemId) : undefined;
        return {
          kind: 'transcript',
          at,
          speaker: event.speaker,
          itemId: event.itemId,
          text: event.text,
          ...(interruptedAtMs !== undefined ? { interruptedAtMs } : {}),
          ...(event.typed ? { typed: true as const } : {}),
        };
      }
      case 'picture': {
        const { thumbnail, width, height, source, name } = event.picture;
        return { kind: 'picture', at, itemId: event.itemId, thumbnail, width, height, source, ...(name !== undefined ? { name } : {}) };
      }
      case 'interrupted':
        this.interrupted.set(event.itemId, event.playedMs);
        if (this.interrupted.size > REMEMBERED_INTERRUPTIONS) this.interrupted.delete(this.interrupted.keys().next().value as string);
        return { kind: 'interrupted', at, itemId: event.itemId, reason: event.reason, playedMs: event.playedMs, receivedMs: event.receivedMs };
      case 'error': {
        return { kind: 'error', at, code: event.code, fatal: event.fatal, key: event.key, ...(event.params ? { params: event.params } : {}) } as ConversationEntry;
      }
      case 'tool.call': {
        const { type: _type, ...call } = event;
        return { kind: 'tool.call', at, ...call };
      }
      case 'tool.result': {
        const { type: _type, ...result } = event;
        return { kind: 'tool.result', at, ...result };
      }
      case 'meter': {
        const { meter } = event;
        return meter.final && (meter.tokens.total > 0 || meter.liveSeconds > 0) ? { kind: 'meter', at, meter } : undefined;
      }
      default:
        return undefined;
    }
  }
}

const isString = (value: unknown): value is string => typeof value === 'string';
const TOOL_OUTCOMES: ReadonlySet<string> = new Set(['ok', 'error', 'denied', 'timeout', 'unknown-tool', 'bad-arguments'] satisfies ToolOutcome[]);
const PICTURE_SOURCES: ReadonlySet<string> = new Set(['file', 'screen', 'window', 'paste', 'drop', 'endpoint'] satisfies PictureSource[]);
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** Whether a parsed line is an entry (a foreign or damaged line is not). */
export function isConversationEntry(value: unknown): value is ConversationEntry {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Record<string, unknown>;
  if (!isString(entry.at)) return false;
  switch (entry.kind) {
    case 'transcript':
      return (entry.speaker === 'user' || entry.speaker === 'assistant') && isString(entry.itemId) && isString(entry.text);
    case 'interrupted':
      return isString(entry.itemId) && isNumber(entry.playedMs) && isNumber(entry.receivedMs);
    case 'picture':
      return (
        isString(entry.itemId) && isString(entry.thumbnail) && entry.thumbnail.startsWith('data:image/') && isNumber(entry.width) && isNumber(entry.height) &&
        isString(entry.source) && PICTURE_SOURCES.has(entry.source) && (entry.name === undefined || isString(entry.name)) && (entry.file === undefined || isString(entry.file))
      );
    case 'meter':
      return isMeterReading(entry.meter);
    case 'tool.call':
    case 'tool.result':
      return (
        isString(entry.callId) &&
        isString(entry.name) &&
        (entry.source === 'function' || entry.source === 'mcp') &&
        (entry.server === undefined || isString(entry.server)) &&
        (entry.kind === 'tool.call' ? isString(entry.arguments) : isString(entry.outcome) && TOOL_OUTCOMES.has(entry.outcome) && isString(entry.output))
      );
    case 'error':
      return (
        isString(entry.code) &&
        (isString(entry.key) ? entry.params === undefined || (typeof entry.params === 'object' && entry.params !== null) : isString(entry.message))
      );
    default:
      return false;
  }
}

function isMeterReading(value: unknown): value is MeterReading {
  if (typeof value !== 'object' || value === null) return false;
  const meter = value as Record<string, unknown>;
  const tokens = meter.tokens as Record<string, unknown> | null;
  return (
    typeof tokens === 'object' && tokens !== null && isNumber(tokens.total) && isNumber(tokens.input) && isNumber(tokens.output) &&
    isNumber(meter.liveSeconds) &&
    (meter.costUsd === null || isNumber(meter.costUsd)) &&
    Array.isArray(meter.unknownModels) && isString(meter.pricesAsOf)
  );
}

/** The entries of a JSONL text: a torn last line (a crash mid-write) or a foreign line is skipped. */
export function parseConversation(text: string): ConversationEntry[] {
  const entries: ConversationEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      const value: unknown = JSON.parse(line);
      if (isConversationEntry(value)) entries.push(value);
    } catch {
      // A line cut by a crash.
    }
  }
  return entries;
}
