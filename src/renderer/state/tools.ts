import type { AssistantEvent } from '../../shared/ipc';
import type { ToolLine, TranscriptLine, UiState } from './types';

/**
 * Tool activity and consent questions, reduced from AssistantEvents (part of reducer.ts's state).
 * Pure: no React, no bridge.
 */

type ToolEvent = Extract<AssistantEvent, { type: 'tool.call' | 'tool.result' | 'consent.request' | 'consent.settled' }>;
type Append = (state: UiState, line: TranscriptLine) => UiState;

export const isToolLine = (line: TranscriptLine): line is ToolLine => 'kind' in line && line.kind === 'tool';

export function reduceToolEvent(state: UiState, event: ToolEvent, append: Append): UiState {
  switch (event.type) {
    case 'tool.call':
    case 'tool.result': {
      const { type: _type, ...fields } = event;
      return upsertTool(state, fields, append);
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

export type ToolCallFields = Omit<Extract<AssistantEvent, { type: 'tool.call' }>, 'type'>;
export type ToolResultFields = Omit<Extract<AssistantEvent, { type: 'tool.result' }>, 'type'>;

/**
 * A tool's line after its call or its result (the window's live events and the history's log
 * alike): a result whose call was not seen starts the line, with no arguments.
 */
export function mergeTool(line: ToolLine | undefined, fields: ToolCallFields | ToolResultFields): ToolLine {
  if (!('outcome' in fields)) return line ? { ...line, ...fields } : { kind: 'tool', ...fields };
  const { callId, name, outcome, output, source, server } = fields;
  if (line) return { ...line, outcome, output };
  return { kind: 'tool', callId, name, arguments: '', source, ...(server === undefined ? {} : { server }), outcome, output };
}

/** Updates the tool's line (by call id), or adds one. */
function upsertTool(state: UiState, fields: ToolCallFields | ToolResultFields, append: Append): UiState {
  const index = state.turns.findIndex((line) => isToolLine(line) && line.callId === fields.callId);
  if (index < 0) return append(state, mergeTool(undefined, fields));
  const turns = state.turns.slice();
  turns[index] = mergeTool(state.turns[index] as ToolLine, fields);
  return { ...state, turns };
}
