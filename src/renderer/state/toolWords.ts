import { isMessageKey, type MessageKey, type Translate } from '../../shared/i18n';
import type { ToolOutcome } from '../../shared/ipc';

/** Each outcome of a tool call, as the transcript and the history name it. */
export const OUTCOME_KEYS: Record<ToolOutcome, MessageKey> = {
  ok: 'tools.outcome.ok',
  error: 'tools.outcome.error',
  denied: 'tools.outcome.denied',
  timeout: 'tools.outcome.timeout',
  'unknown-tool': 'tools.outcome.unknown-tool',
  'bad-arguments': 'tools.outcome.bad-arguments',
};

/**
 * A tool's name for people: a built-in tool's from the catalogue (`tool.NAME.label`, as the engine's
 * registry names it), an MCP
 * server's tool as `server/tool` (its own name: Kaiwa has no words for it).
 */
export function toolName(t: Translate, name: string, server?: string): string {
  const key = `tool.${name}.label`;
  if (server === undefined && isMessageKey(key)) return t(key);
  return server === undefined || name.startsWith(`${server}/`) ? name : `${server}/${name}`;
}

/** Arguments as a person reads them: JSON re-indented when it is JSON, else the text as it came. */
export function prettyArguments(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** Arguments on one line for the transcript (`{}` and nothing read as nothing). */
export function compactArguments(text: string): string {
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && Object.keys(value).length === 0) return '';
    return JSON.stringify(value);
  } catch {
    return text.trim();
  }
}
