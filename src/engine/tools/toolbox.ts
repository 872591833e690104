import type { AssistantEvent } from '../events';
import { say } from '../messages';
import type { Credentials, Settings } from '../settings';
import { BUILTIN_TOOLS } from './builtin';
import { ConsentQuestions } from './consent';
import { mcpToolsOf } from './mcp';
import {
  CONSENT_TIMEOUT_MS,
  type ConsentAnswer,
  type McpApprovalRequest,
  type McpTool,
  type SessionTools,
  type ToolCall,
  type ToolDefinition,
  type ToolHost,
  type ToolOutcome,
  type ToolResult,
} from './types';

export const DEFAULT_TOOL_TIMEOUT_MS = 10_000;

export interface ToolboxOptions {
  /** What the tools reach: the desktop (Electron main) or the terminal (CLI). */
  host: ToolHost;
  settings: Settings;
  credentials: Credentials;
  emit: (event: AssistantEvent) => void;
  log?: (line: string) => void;
  /** The user chose "always allow": the new `tools.alwaysAllow` list, for the front end to persist. */
  onAlwaysAllow?: (names: string[]) => void;
  /** The tools on offer (the built-in ones unless a test brings its own). */
  tools?: readonly ToolDefinition[];
  consentTimeoutMs?: number;
}

/** What the model reads back when a call did not run as asked: an error it can act on, as JSON. */
function failure(error: string, message: string): string {
  return JSON.stringify({ error, message });
}

function pretty(json: string): string {
  try {
    return JSON.stringify(JSON.parse(json), null, 2);
  } catch {
    return json;
  }
}

/**
 * The engine's tools (issue 13), one per Assistant: it outlives sessions, so a timer set in one
 * conversation fires in the next. Sessions see it as `SessionTools`; front ends answer its consent
 * questions through `answerConsent` (the Assistant forwards) and learn "always allow" choices
 * through `onAlwaysAllow`.
 *
 * `call` never rejects: an unknown tool, arguments that are not JSON or do not fit, a refusal, a
 * tool that throws or runs past its time all become a `ToolResult` whose `output` tells the model
 * what happened, so the conversation goes on. Every call and result is emitted (`tool.call`,
 * `tool.result`); logs name the tool and the outcome only (arguments and outputs may be private).
 */
export class Toolbox implements SessionTools {
  private settings: Settings;
  private credentials: Credentials;
  private readonly host: ToolHost;
  private readonly emit: (event: AssistantEvent) => void;
  private readonly log: (line: string) => void;
  private readonly onAlwaysAllow: (names: string[]) => void;
  private readonly tools: readonly ToolDefinition[];
  private readonly consentTimeoutMs: number;
  private readonly questions: ConsentQuestions;
  private readonly remindListeners = new Set<(text: string) => void>();
  /** Reminders that fired while no conversation ran: spoken by the next one. */
  private readonly unspoken: string[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly running = new Set<AbortController>();

  constructor(options: ToolboxOptions) {
    this.settings = options.settings;
    this.credentials = options.credentials;
    this.host = options.host;
    this.emit = options.emit;
    this.log = options.log ?? (() => {});
    this.onAlwaysAllow = options.onAlwaysAllow ?? (() => {});
    this.tools = options.tools ?? BUILTIN_TOOLS;
    this.consentTimeoutMs = options.consentTimeoutMs ?? CONSENT_TIMEOUT_MS;
    this.questions = new ConsentQuestions(this.emit);
  }

  updateSettings(settings: Settings, credentials: Credentials = this.credentials): void {
    this.settings = settings;
    this.credentials = credentials;
  }

  /** All tools Kaiwa has, on or off (the settings list them). */
  get all(): readonly ToolDefinition[] {
    return this.tools;
  }

  definitions(): readonly ToolDefinition[] {
    const { enabled, off } = this.settings.tools;
    return enabled ? this.tools.filter((tool) => !off.includes(tool.name)) : [];
  }

  mcpTools(): readonly McpTool[] {
    return this.settings.tools.enabled ? mcpToolsOf(this.settings.tools.mcpServers, this.credentials.mcpHeaders) : [];
  }

  /** A front end's answer to a `consent.request`; false when that question is no longer open. */
  answerConsent(id: string, answer: ConsentAnswer): boolean {
    return this.questions.answer(id, answer);
  }

  async call(call: ToolCall): Promise<ToolResult> {
    this.emit({ type: 'tool.call', callId: call.callId, name: call.name, arguments: call.arguments, source: 'function' });
    const { outcome, output } = await this.outcomeOf(call);
    this.log(`tool ${call.name} (${call.callId}): ${outcome}`);
    const result: ToolResult = { callId: call.callId, name: call.name, outcome, output };
    this.emit({ type: 'tool.result', ...result, source: 'function' });
    return result;
  }

  async approveMcp(request: McpApprovalRequest): Promise<boolean> {
    const answer = await this.consent(`${request.server}/${request.name}`, request.arguments, say('tool.mcp.consent', { server: request.server, tool: request.name }));
    this.log(`mcp approval ${request.server}/${request.name} (${request.id}): ${answer}`);
    return answer === 'allow' || answer === 'allow-always';
  }

  onRemind(listener: (text: string) => void): () => void {
    this.remindListeners.add(listener);
    for (const text of this.unspoken.splice(0)) listener(text);
    return () => this.remindListeners.delete(listener);
  }

  /** Ends timers, open questions (denied) and running calls (aborted). */
  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.questions.denyAll();
    for (const controller of this.running) controller.abort();
    this.unspoken.length = 0;
  }

  // ---- internals ----

  private async outcomeOf(call: ToolCall): Promise<{ outcome: ToolOutcome; output: string }> {
    const tool = this.definitions().find((candidate) => candidate.name === call.name);
    if (!tool) {
      const names = this.definitions().map((candidate) => candidate.name);
      return { outcome: 'unknown-tool', output: failure('unknown_tool', `There is no tool named "${call.name}" here. Tools you can call: ${names.join(', ') || 'none'}.`) };
    }
    let json: unknown;
    try {
      json = call.arguments.trim() === '' ? {} : JSON.parse(call.arguments);
    } catch (error) {
      return { outcome: 'bad-arguments', output: failure('bad_arguments', `The arguments are not valid JSON (${(error as Error).message}). Send a JSON object that fits the tool's parameters.`) };
    }
    const parsed = tool.parse(json);
    if (!parsed.ok) {
      return { outcome: 'bad-arguments', output: failure('bad_arguments', `The arguments do not fit the tool's parameters: ${parsed.problem}`) };
    }
    if (tool.needsConsent) {
      const answer = await this.consent(tool.name, call.arguments, tool.consent(parsed.value));
      if (answer === 'deny') return { outcome: 'denied', output: failure('denied', 'The user did not allow this. Do not retry unless they ask for it again.') };
      if (answer === 'timeout') return { outcome: 'denied', output: failure('denied', 'The user did not answer the permission prompt in time, which counts as not allowed.') };
    }
    return this.run(tool, parsed.value);
  }

  private async run(tool: ToolDefinition, args: unknown): Promise<{ outcome: ToolOutcome; output: string }> {
    const controller = new AbortController();
    this.running.add(controller);
    const timeoutMs = tool.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    try {
      const context = { host: this.host, signal: controller.signal, remind: (text: string) => this.remind(text), later: (ms: number, action: () => unknown) => this.later(ms, action) };
      const result = await Promise.race([tool.run(args, context).then((value) => ({ value })), timedOut]);
      if (result === 'timeout') {
        controller.abort();
        return { outcome: 'timeout', output: failure('timeout', `The tool did not finish within ${timeoutMs / 1000} s and was stopped.`) };
      }
      return { outcome: 'ok', output: JSON.stringify(result.value ?? { ok: true }) };
    } catch (error) {
      return { outcome: 'error', output: failure('tool_failed', `The tool failed: ${(error as Error)?.message ?? String(error)}`) };
    } finally {
      clearTimeout(timer);
      this.running.delete(controller);
    }
  }

  private async consent(tool: string, args: string, said: ReturnType<ToolDefinition['consent']>): Promise<ConsentAnswer | 'timeout'> {
    if (this.settings.tools.alwaysAllow.includes(tool)) return 'allow';
    const answer = await this.questions.ask({ tool, arguments: pretty(args), said, timeoutMs: this.consentTimeoutMs });
    if (answer === 'allow-always' && !this.settings.tools.alwaysAllow.includes(tool)) {
      const alwaysAllow = [...this.settings.tools.alwaysAllow, tool];
      this.settings = { ...this.settings, tools: { ...this.settings.tools, alwaysAllow } };
      this.onAlwaysAllow(alwaysAllow);
    }
    return answer;
  }

  private remind(text: string): void {
    if (this.remindListeners.size === 0) this.unspoken.push(text);
    for (const listener of this.remindListeners) listener(text);
  }

  private later(ms: number, action: () => unknown): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      Promise.resolve()
        .then(action)
        .catch((error: unknown) => this.log(`tool timer failed: ${(error as Error)?.message ?? String(error)}`));
    }, ms);
    // A pending timer does not keep a finished CLI run alive.
    timer.unref();
    this.timers.add(timer);
  }
}
