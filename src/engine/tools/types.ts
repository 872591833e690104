/**
 * The tools contract (issue 13): what the model may call, how consent is asked, and how the two
 * protocols hand calls to the engine. One `Toolbox` per Assistant (it outlives sessions: a timer
 * set in one session fires in the next); each session maps its wire events onto it:
 *
 * - Realtime (GA and beta): `response.function_call_arguments.done` -> `toolbox.call()` ->
 *   `conversation.item.create` (function_call_output) + `response.create`; MCP tools go into
 *   `session.update` from `toolbox.mcpTools()`, and `mcp_approval_request` -> `toolbox.approveMcp()`.
 * - GPT-Live: `session.delegation.created` (client delegation) -> `toolbox.call()` -> the result
 *   by the protocol's own means (`openai/resources/live`).
 *
 * Tools run where the engine runs: the Electron main process or the CLI's process, never a renderer.
 */
import type { RealtimeToolsConfigUnion } from 'openai/resources/realtime/realtime';
import type { EngineMessage, Words } from '../messages';

/** A JSON Schema object (draft 2020-12 subset the Realtime API accepts for function parameters). */
export type JsonSchema = Record<string, unknown>;

/** What a tool may reach outside the engine: the desktop (Electron) or the terminal implements it. */
export interface ToolHost {
  readClipboard(): Promise<string>;
  writeClipboard(text: string): Promise<void>;
  /** Opens an http(s) address in the default browser. */
  openUrl(url: string): Promise<void>;
  /**
   * A desktop notification. A title or body is either the model's own text or something the engine
   * says (a catalogue key, as in events): the host puts it into the user's language.
   */
  notify(title: Words, body: Words): Promise<void>;
}

/** One tool the model may call. */
export interface ToolDefinition {
  /** The name the model calls (`get_time`); also the key of its catalogue entries (`tool.NAME.*`). */
  name: string;
  /** For the model (English; it is instructions, not a word a person reads). */
  description: string;
  /** Its name in the user's words (settings, transcript): a catalogue key (`tool.NAME.label`). */
  label: EngineMessage;
  parameters: JsonSchema;
  /** Reads private data or acts outside Kaiwa: ask the user first. */
  needsConsent: boolean;
  /** Longest a run may take before it counts as a timeout (default 10 s). */
  timeoutMs?: number;
  /**
   * Checks the arguments (the model's JSON, parsed) against the same schema `parameters` was made
   * from (tools/define.ts): the value `run` and `consent` get, or a problem in English for the model.
   */
  parse(args: unknown): ParsedArguments;
  /** What it would do with these arguments, in the user's words (for the consent prompt). */
  consent(args: unknown): EngineMessage;
  /** Runs with parsed arguments; the result is sent to the model as JSON. Throwing is an error the model is told of. */
  run(args: unknown, context: ToolRunContext): Promise<unknown>;
}

export type ParsedArguments = { ok: true; value: unknown } | { ok: false; problem: string };

export interface ToolRunContext {
  host: ToolHost;
  signal: AbortSignal;
  /**
   * Ask the running conversation to speak now (a timer firing); `text` is for the model. With no
   * conversation running it waits for the next one.
   */
  remind(text: string): void;
  /** Runs `action` after `ms`, on a timer the Toolbox owns: it outlives the call and the session, and ends with the Toolbox. */
  later(ms: number, action: () => void): void;
}

/** A call as the protocol delivered it: arguments still the raw JSON text the model wrote. */
export interface ToolCall {
  callId: string;
  name: string;
  arguments: string;
}

export type ToolOutcome = 'ok' | 'error' | 'denied' | 'timeout' | 'unknown-tool' | 'bad-arguments';

/** What goes back to the model (`output`, JSON text) and what the transcript shows. */
export interface ToolResult {
  callId: string;
  name: string;
  outcome: ToolOutcome;
  output: string;
}

/** A remote MCP server as Realtime GA declares it in `session.update`. */
export type McpTool = RealtimeToolsConfigUnion.Mcp;

/** An MCP approval the server asks for (`mcp_approval_request`). */
export interface McpApprovalRequest {
  id: string;
  server: string;
  name: string;
  arguments: string;
}

/**
 * The user's answer to a `consent.request` event: front ends call `Assistant.answerConsent(id, answer)`.
 * 'allow-always' adds the tool to `settings.tools.alwaysAllow` (front ends learn the new settings
 * through `AssistantOptions.onSettingsChange` and persist them).
 */
export type ConsentAnswer = 'allow' | 'allow-always' | 'deny';

/** One question to the user: may this tool run with these arguments? */
export interface ConsentRequest {
  id: string;
  /** The tool (`read_clipboard`) or, for MCP, `server/tool`. */
  tool: string;
  /** Pretty-printed arguments, shown to the user as they are. */
  arguments: string;
  /** What the tool would do, in the user's words: a catalogue key and params. */
  said: EngineMessage;
  /** The answer counts as Deny after this. */
  timeoutMs: number;
}

/** The engine's tool box as a session sees it. */
export interface SessionTools {
  /** The function tools to declare (empty when tools are off). */
  definitions(): readonly ToolDefinition[];
  /** Realtime GA `type: "mcp"` tools from the settings and secrets (headers included; never log them). */
  mcpTools(): readonly McpTool[];
  /** Runs a call: parses and validates the arguments, asks consent, enforces the timeout. Never rejects. */
  call(call: ToolCall): Promise<ToolResult>;
  /** Asks the user about an MCP call (same prompt, same "always allow"). Never rejects. */
  approveMcp(request: McpApprovalRequest): Promise<boolean>;
  /** Where `remind` goes: the session that runs now registers itself, and unregisters on close. */
  onRemind(listener: (text: string) => void): () => void;
}

/** Consent timeout from the issue: no answer within 30 s is Deny. */
export const CONSENT_TIMEOUT_MS = 30_000;
