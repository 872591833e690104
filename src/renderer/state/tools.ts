import type { AssistantEvent, ToolOutcome } from '../../shared/ipc';
import type { TranscriptLine, UiState } from './reducer';

/**
 * Tool activity and consent questions, reduced from AssistantEvents (part of reducer.ts's state).
 * Pure: no React, no bridge.
 */

/** A tool the assistant used: its own transcript line, from its call to its outcome. */
export interface ToolLine {
  kind: 'tool';
  callId: string;
  /** The tool's name (`read_clipboard`); an MCP server's tool by its own name. */
  name: string;
  /** The arguments as the model wrote them (JSON text). */
  arguments: string;
  source: 'function' | 'mcp';
  /** The MCP server's label. */
  server?: string;
  /** Missing while it runs. */
  outcome?: ToolOutcome;
  /** What went back to the model (JSON text). */
  output?: string;
}

export type ConsentRequestEvent = Extract<AssistantEvent, { type: 'consent.request' }>;

/** A consent question the window shows: the request as it came. */
export type ConsentPrompt = Omit<ConsentRequestEvent, 'type'>;

type ToolEvent = Extract<AssistantEvent, { type: 'tool.call' | 'tool.result' | 'consent.request' | 'consent.settled' }>;
type Append = (state: UiState, line: TranscriptLine) => UiState;

export const isToolLine = (line: TranscriptLine): line is ToolLine => 'kind' in line && line.kind === 'tool';

export function reduceToolEvent(state: UiState, event: ToolEvent, append: Append): UiState {
  switch (event.type) {
    case 'tool.call': {
      const { type: _type, ...call } = event;
      return upsertTool(state, event.callId, append, (line) => ({ ...line, ...call }), { kind: 'tool', ...call });
    }
    case 'tool.result': {
      const { callId, name, outcome, output, source, server } = event;
      const seen = { kind: 'tool' as const, callId, name, arguments: '', source, ...(server === undefined ? {} : { server }) };
      return upsertTool(state, callId, append, (line) => ({ ...line, outcome, output }), { ...seen, outcome, output });
    }
    case 'consent.request': {
      const { type: _type, ...prompt } = event;
      return { ...state, consent: [...state.consent.filter((c) => c.id !== prompt.id), prompt] };
    }
    case 'consent.settled':
      return closeConsent(state, event.id);
  }
}

export function closeConsent(state: UiState, id: string): UiState {
  return state.consent.some((c) => c.id === id) ? { ...state, consent: state.consent.filter((c) => c.id !== id) } : state;
}

/** Updates the tool's line (by call id), or adds one (a result whose call this window did not see starts its line). */
function upsertTool(state: UiState, callId: string, append: Append, update: (line: ToolLine) => ToolLine, fresh: ToolLine): UiState {
  const index = state.turns.findIndex((line) => isToolLine(line) && line.callId === callId);
  if (index < 0) return append(state, fresh);
  const turns = state.turns.slice();
  turns[index] = update(state.turns[index] as ToolLine);
  return { ...state, turns };
}
