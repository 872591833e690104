import type { ClientEvent, DelegationCreatedEvent, ResponseEvent } from 'openai/resources/live/live';
import type { ResponseFunctionToolCall } from 'openai/resources/responses/responses';
import { liveClientEvents } from '../../live/client-events';
import type { SessionTools, ToolCall, ToolDefinition, ToolResult } from '../../tools/types';
import { lateResultNote, LIVE_NO_TOOLS } from './messages';
import { functionTool } from './start';

/**
 * Kaiwa's tools in a GPT-Live conversation, by the protocol's own means (`openai/resources/live/live`).
 *
 * Why Responses delegation. The Live model itself calls no functions: when it needs work done it
 * delegates (`session.delegation.created`). A *client* delegation carries only metadata ("not the
 * task text": no function name, no arguments); the application is expected to rebuild the task from
 * the transcript and run its own model or agent, then answer with `session.commentary.append` /
 * `session.thinking.append` for that `delegation_id`. Kaiwa runs no model of its own, so it cannot
 * turn a client delegation into a named call honestly. *Responses* delegation is the protocol's way
 * for an application's functions: `FunctionTool`s declared in `delegation.responses.tools` ("a
 * function tool available to the Responses backend when the Live model delegates a task") are called
 * by the backend model and run by the application. The wire flow Kaiwa implements:
 *
 *   session.start  delegation: { type: 'responses', responses: { model, instructions, tools: FunctionTool[] } }
 *   <- session.delegation.created  { delegation: { id, target: 'responses', response_id } }   (the model may keep talking)
 *   <- response.event { delegation_id, event: { type: 'response.output_item.done', item: { type: 'function_call', call_id, name, arguments } } }
 *      Toolbox.call({ callId: call_id, name, arguments })   (parses, asks consent, enforces the timeout; never rejects; emits tool.call / tool.result)
 *   -> response.item.create { item: { type: 'function_call_output', call_id, output } }   (the outcome, denied and timeout included)
 *   -> response.create   ("continue a delegated response waiting for tool results")
 *   <- response.event ... the backend's answer, which the Live model speaks
 *
 * The complete `response.output_item.done` item is the one trigger (`function_call_arguments.done`
 * carries neither name nor call_id); a call id is run once, whatever repeats.
 *
 * Without tools the delegation is left out of `session.start`, which the service takes as client
 * delegation; a client delegation is then answered at once with commentary for its id saying Kaiwa
 * cannot do it, so the model does not wait for a result that never comes.
 *
 * Full duplex. A delegation does not stop the conversation: the model may speak (acknowledgement)
 * and the user may barge in or press Stop; those follow the usual GPT-Live rules (live-session.ts)
 * and do not cancel the tool: its result is still delivered.
 *
 * Renewal and reconnect. A function call belongs to the Live session whose backend made it; a new
 * session (renewal before expiry, reconnect) cannot take its output. Renewal at a quiet moment waits
 * until no tool runs (`idle`); when a session changes anyway while a tool runs, the tool is not run
 * again and its result is not dropped: it goes to the new session as general commentary
 * (`delegation_id` null, the only kind Responses delegation accepts), once.
 *
 * Reminders (a timer firing) are spoken the same way: `session.commentary.append` is "speakable
 * context for the Live model ... for a result the model should communicate"; instructions would be
 * silent standing rules. Commentary the service would refuse now (no session open, an audio fixture
 * playing) waits and goes out when it can.
 */

/** What delegations need of the running LiveSession. */
export interface DelegationLink {
  /** Sends on the Live session open now; false when none is. */
  send(event: ClientEvent): boolean;
  /** The id of the Live session open now. */
  sessionId(): string;
  /** The service accepts appended context now (a session is open, no audio fixture plays). */
  canAppend(): boolean;
  /** A result went back and the backend continues: the model will answer it. */
  replyRequested(): void;
  /** The Responses backend failed (say, the configured model does not exist): the service's words. */
  backendFailed(detail: string): void;
  log(line: string): void;
  /** The session's clock (ms), which tests may set. */
  now(): number;
}

/** How long after a result or reminder went out a renewal still waits for the model to start saying it. */
const REPLY_WAIT_MS = 15_000;

interface Running {
  /** The Live session whose backend made the call. */
  sessionId: string;
  name: string;
}

export class LiveDelegations {
  private readonly running = new Map<string, Running>();
  private readonly seen = new Set<string>();
  /** Context waiting for the service to take it: speakable commentary, or silent thinking. */
  private readonly waiting: { text: string; kind: 'commentary' | 'thinking' }[] = [];
  private unregister: (() => void) | null = null;
  private closed = false;
  /** Names of the tools the current session declared, and whether it delegates to Responses (else client). */
  private declared: string[] = [];
  private byResponses = false;
  /** The clock when something the model is to say went out, until it starts a turn. */
  private toBeSaidSince: number | null = null;

  constructor(
    private readonly tools: SessionTools | undefined,
    private readonly link: DelegationLink,
  ) {}

  /** The tools to declare in the next `session.start` ([]: client delegation); remembered as declared. */
  definitions(): readonly ToolDefinition[] {
    const definitions = this.tools?.definitions() ?? [];
    this.declared = definitions.map((tool) => tool.name);
    this.byResponses = definitions.length > 0;
    return definitions;
  }

  /**
   * The tools on offer changed (settings): with Responses delegation the backend gets the new list
   * by `session.update`. A session that started without tools (client delegation) cannot switch
   * (the delegation type is fixed for a session): 'next-session' says they come with the next one.
   */
  refresh(): 'unchanged' | 'updated' | 'next-session' {
    const now = this.tools?.definitions() ?? [];
    const names = now.map((tool) => tool.name);
    if (names.length === this.declared.length && names.every((name, i) => name === this.declared[i])) return 'unchanged';
    if (!this.byResponses) return names.length > 0 ? 'next-session' : 'unchanged';
    if (!this.link.send(liveClientEvents.delegationTools(now.map(functionTool)))) return 'unchanged';
    this.declared = names;
    return 'updated';
  }

  /** The session runs: reminders come here until `close`. */
  start(): void {
    this.unregister ??= this.tools?.onRemind((text) => this.tell(text)) ?? null;
  }

  /** Whether this session delegates to a Responses backend (Kaiwa's tools on), which can take pictures. */
  get responsesBackend(): boolean {
    return this.byResponses;
  }

  /**
   * No tool runs, nothing waits to go out, and the model is not about to say a result or reminder
   * (a renewal would close the session before it spoke): a renewal now loses nothing.
   */
  get idle(): boolean {
    const toBeSaid = this.toBeSaidSince !== null && this.link.now() - this.toBeSaidSince < REPLY_WAIT_MS;
    return this.running.size === 0 && this.waiting.length === 0 && !toBeSaid;
  }

  /** The model started a turn: what went out is being said. */
  modelSpoke(): void {
    this.toBeSaidSince = null;
  }

  onServerEvent(event: DelegationCreatedEvent | ResponseEvent): void {
    if (this.closed) return;
    if (event.type === 'session.delegation.created') return this.onDelegation(event.delegation);
    const call = functionCallOf(event.event);
    if (call) return void this.run(call, event.delegation_id ?? null);
    const failure = backendFailureOf(event.event);
    if (failure !== null) this.link.backendFailed(failure);
  }

  /** Says what waited, if the service takes it now (a session started, a fixture finished). */
  flush(): void {
    while (this.waiting.length > 0 && !this.closed && this.link.canAppend()) {
      const { text, kind } = this.waiting[0]!;
      if (!this.link.send(kind === 'commentary' ? liveClientEvents.commentary(text, null) : liveClientEvents.thinking(text))) return;
      this.waiting.shift();
      if (kind === 'commentary') this.toBeSaidSince = this.link.now();
    }
  }

  /** The conversation ended: no more reminders here; results of tools still running are not sent. */
  close(): void {
    this.closed = true;
    this.unregister?.();
    this.unregister = null;
    this.waiting.length = 0;
  }

  private onDelegation(delegation: DelegationCreatedEvent.Delegation): void {
    this.link.log(`live: delegation ${delegation.id} to ${delegation.target}`);
    // With Responses delegation the work arrives as the backend's function calls (response.event).
    if (delegation.target !== 'client') return;
    if (!this.link.send(liveClientEvents.commentary(LIVE_NO_TOOLS, delegation.id))) {
      this.link.log(`live: client delegation ${delegation.id} could not be answered (no session open)`);
    }
  }

  private async run(call: ToolCall, delegationId: string | null): Promise<void> {
    if (this.seen.has(call.callId)) return;
    this.seen.add(call.callId);
    if (!this.tools) {
      this.link.log(`live: function call ${call.name} without tools; ignored`);
      return;
    }
    const origin: Running = { sessionId: this.link.sessionId(), name: call.name };
    this.running.set(call.callId, origin);
    this.link.log(`live: delegation ${delegationId ?? '?'} calls ${call.name} (${call.callId})`);
    let result: ToolResult;
    try {
      result = await this.tools.call(call);
    } catch (error) {
      // The Toolbox never rejects; should it, the backend still gets an answer rather than waiting.
      const detail = (error as Error).message;
      this.link.log(`live: ${call.name} (${call.callId}) failed outside the tool: ${detail}`);
      result = { callId: call.callId, name: call.name, outcome: 'error', output: JSON.stringify({ error: detail }) };
    } finally {
      this.running.delete(call.callId);
    }
    if (this.closed) return;
    this.deliver(result, origin);
  }

  private deliver(result: ToolResult, origin: Running): void {
    if (origin.sessionId === this.link.sessionId() && this.link.send(liveClientEvents.functionOutput(result.callId, result.output))) {
      if (this.link.send(liveClientEvents.continueResponse())) {
        this.toBeSaidSince = this.link.now();
        this.link.replyRequested();
      }
      return;
    }
    this.link.log(`live: ${result.name} (${result.callId}) finished after its session ended; told as commentary`);
    this.tell(lateResultNote(result.name, result.output));
  }

  /**
   * Context for the model, as soon as the service takes it (no fixture playing): `commentary` is
   * speakable (the model says something about it), `thinking` silent.
   */
  tell(text: string, kind: 'commentary' | 'thinking' = 'commentary'): void {
    if (this.closed) return;
    this.waiting.push({ text, kind });
    this.flush();
  }
}

/**
 * What went wrong, from a nested Responses `response.failed` (its `response.error`) or `error`
 * event; null for any other event.
 */
function backendFailureOf(nested: Record<string, unknown>): string | null {
  const source = nested.type === 'response.failed' ? (nested.response as { error?: unknown } | undefined)?.error : nested.type === 'error' ? nested : undefined;
  if (!source || typeof source !== 'object') return nested.type === 'response.failed' ? 'response.failed' : null;
  const { code, message } = source as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : 'response.failed';
  return typeof code === 'string' && code !== '' ? `${text} (${code})` : text;
}

/** The backend's complete function call, from a nested Responses stream event; null for any other event. */
function functionCallOf(nested: Record<string, unknown>): ToolCall | null {
  if (nested.type !== 'response.output_item.done') return null;
  const item = nested.item as Partial<ResponseFunctionToolCall> | undefined;
  if (!item || typeof item !== 'object' || item.type !== 'function_call' || typeof item.call_id !== 'string') return null;
  return {
    callId: item.call_id,
    name: typeof item.name === 'string' ? item.name : '',
    arguments: typeof item.arguments === 'string' ? item.arguments : '',
  };
}
