import type { KeyedWords } from '../../shared/i18n';
import type { ConversationEntry } from '../../shared/ipc';
import type { MeterReading } from '../../shared/meter-words';
import { mergeTool } from './tools';
import type { PictureLine, ToolLine, Turn } from './types';

export interface HistoryLine {
  turn?: Turn;
  /** A tool the assistant used: its call and, once saved, its outcome (one line). */
  tool?: ToolLine;
  /** A picture the user showed: its thumbnail, as the log kept it. */
  picture?: PictureLine;
  /** What went wrong: by key, or (an entry written before errors were keyed) its English line. */
  error?: { at: string; said: KeyedWords | string };
  /** What the conversation used and cost (its last entry). */
  meter?: MeterReading;
}

/** A saved conversation as transcript lines (turns with their cuts, tool activity), with errors kept in place. */
export function turnsFromEntries(entries: readonly ConversationEntry[]): HistoryLine[] {
  const lines: HistoryLine[] = [];
  const byItem = new Map<string, Turn>();
  const byCall = new Map<string, HistoryLine & { tool: ToolLine }>();
  for (const entry of entries) {
    if (entry.kind === 'transcript') {
      const turn: Turn = { itemId: entry.itemId, speaker: entry.speaker, text: entry.text, final: true, ...(entry.typed ? { typed: true as const } : {}) };
      const key = `${entry.speaker}:${entry.itemId}`;
      const existing = byItem.get(key);
      if (existing) existing.text = entry.text;
      else {
        byItem.set(key, turn);
        lines.push({ turn });
      }
    } else if (entry.kind === 'interrupted') {
      const turn = byItem.get(`assistant:${entry.itemId}`);
      const cut = { playedMs: entry.playedMs, receivedMs: entry.receivedMs, reason: 'user' as const };
      if (turn) turn.cut = cut;
      else {
        const placeholder: Turn = { itemId: entry.itemId, speaker: 'assistant', text: '', final: true, cut };
        byItem.set(`assistant:${entry.itemId}`, placeholder);
        lines.push({ turn: placeholder });
      }
    } else if (entry.kind === 'picture') {
      const { kind: _kind, at: _at, itemId, file: _file, ...picture } = entry;
      lines.push({ picture: { kind: 'picture', itemId, picture } });
    } else if (entry.kind === 'meter') {
      lines.push({ meter: entry.meter });
    } else if (entry.kind === 'tool.call' || entry.kind === 'tool.result') {
      const { kind: _kind, at: _at, ...fields } = entry;
      const known = byCall.get(entry.callId);
      if (known) known.tool = mergeTool(known.tool, fields);
      else {
        // A result without its call (a log cut short before it) still shows, with no arguments.
        const line = { tool: mergeTool(undefined, fields) };
        byCall.set(entry.callId, line);
        lines.push(line);
      }
    } else if (entry.kind === 'error') {
      lines.push({ error: { at: entry.at, said: entry.key ? { key: entry.key, ...(entry.params ? { params: entry.params } : {}) } : entry.message } });
    }
  }
  return lines;
}
