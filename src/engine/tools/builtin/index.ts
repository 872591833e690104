import type { ToolDefinition } from '../types';
import { getTime } from './get-time';
import { notify } from './notify';
import { openUrl } from './open-url';
import { readClipboard } from './read-clipboard';
import { setTimer } from './set-timer';
import { writeClipboard } from './write-clipboard';

/** Kaiwa's own tools, in the order the settings list them. */
export const BUILTIN_TOOLS: readonly ToolDefinition[] = [getTime, readClipboard, writeClipboard, openUrl, notify, setTimer];

export const BUILTIN_TOOL_NAMES = BUILTIN_TOOLS.map((tool) => tool.name);
