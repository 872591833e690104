import type { ScriptedToolCall, ToolCallScript } from '../live/delegation';

/**
 * What the simulated Realtime model is scripted to call, one per user turn, in order across the
 * server's sessions: Kaiwa's functions (`--tool-call NAME[:json]`, the same script as GPT-Live's)
 * and remote MCP tools. A call to a tool the session did not declare is not made (a model can only
 * call what it was given): that turn is answered with babble as usual.
 */

export interface ScriptedMcpCall {
  /** The `server_label` of an MCP tool the session declared. */
  server: string;
  name: string;
  arguments: string;
  /** What the remote tool returns when it runs. */
  output: string;
}

export interface RealtimeToolScript {
  calls: ToolCallScript;
  mcp: ScriptedMcpCall[];
}
export type { ScriptedToolCall };
