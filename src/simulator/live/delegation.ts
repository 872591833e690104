import type { ClientEvent, ResponseEvent, ServerEvent, SessionResource } from 'openai/resources/live/live';
import type {
  ResponseFunctionCallArgumentsDeltaEvent,
  ResponseFunctionCallArgumentsDoneEvent,
  ResponseFunctionToolCall,
  ResponseOutputItemAddedEvent,
  ResponseOutputItemDoneEvent,
} from 'openai/resources/responses/responses';
import { newId } from '../ids';

/**
 * Delegation in the simulated GPT-Live service, as `openai/resources/live/live` documents it.
 *
 * Scripted calls (`ToolCallScript`, from `--tool-call NAME[:json]`) are shared by the server's
 * sessions: each user turn that ends takes the next one, if any, and the model delegates instead of
 * babbling. With Responses delegation (tools declared in `delegation.responses.tools`) the backend
 * "calls" the scripted function: `session.delegation.created` (target `responses`), then the
 * Responses stream of one function call wrapped in `response.event` (output_item.added, arguments
 * delta and done, output_item.done), typed from `openai/resources/responses/responses` (the Live
 * schema leaves the nested event open). The client answers with `response.item.create`
 * (function_call_output for a call of *this* session) and `response.create`; the model then speaks a
 * reply made of the output. With client delegation it sends `session.delegation.created` (target
 * `client`) and speaks the commentary appended for that delegation.
 *
 * What the service refuses is refused: `response.*` without Responses delegation ("requires
 * Responses delegation"), a non-null `delegation_id` on appended context with Responses delegation,
 * an output for a call id this session does not wait on (say, one from before a reconnect), and
 * `response.create` with nothing to continue. A scripted call to a tool the session did not declare
 * is not made (a backend model can only call what it was given): the model babbles as usual.
 * Commentary with a null id is general context the model communicates: it is spoken.
 *
 * The backend model must look like one (`gpt-*`, `o<digit>*`); any other name fails the delegated
 * response as the service does for a model the project cannot use (`response.failed`,
 * `model_not_found`), and the model says it could not do it.
 */

export interface ScriptedToolCall {
  name: string;
  /** The arguments as the model writes them: JSON text (not checked: bad arguments are a test case). */
  arguments: string;
}

/** The scripted calls of one server, taken in order across its sessions. */
export class ToolCallScript {
  private readonly queue: ScriptedToolCall[];
  constructor(calls: readonly ScriptedToolCall[] = []) {
    this.queue = [...calls];
  }
  take(): ScriptedToolCall | undefined {
    return this.queue.shift();
  }
  get remaining(): number {
    return this.queue.length;
  }
}

/** `--tool-call NAME[:json]`: the name, and the arguments (default `{}`). */
export function parseToolCallFlag(value: string): ScriptedToolCall {
  const colon = value.indexOf(':');
  const name = (colon < 0 ? value : value.slice(0, colon)).trim();
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) throw new Error(`--tool-call needs a tool name (letters, digits, _ or -), got '${value}'`);
  return { name, arguments: colon < 0 ? '{}' : value.slice(colon + 1) };
}

/** What the session gives its delegations. */
export interface DelegationHost {
  emit(event: ServerEvent): void;
  speak(text: string): void;
  error(code: string, message: string, param: string | undefined, clientEventId: string | undefined): void;
  config(): SessionResource | undefined;
}

/** A function call the session's backend waits on. */
interface PendingCall {
  delegationId: string;
  name: string;
  output: string | undefined;
}

export interface DelegationRecord {
  delegationId: string;
  target: 'client' | 'responses';
  name: string;
  callId: string | null;
}

export class SimDelegations {
  /** Every delegation the model made in this session. */
  readonly made: DelegationRecord[] = [];
  /** Every function_call_output accepted, in order. */
  readonly outputs: Array<{ callId: string; name: string; output: string }> = [];
  /** Commentary appended (delegation id or null, and the text). */
  readonly commentary: Array<{ delegationId: string | null; content: string }> = [];
  private readonly pending = new Map<string, PendingCall>();
  private readonly clientPending = new Map<string, string>();
  private sequence = 0;

  constructor(
    private readonly script: ToolCallScript,
    private readonly host: DelegationHost,
  ) {}

  /** A user turn ended: delegate the next scripted call, if there is one the session can make. */
  onTurnEnd(): boolean {
    const mode = this.mode();
    if (mode !== 'client' && mode !== 'responses') return false;
    if (this.script.remaining === 0) return false;
    const declared = this.declaredTools();
    if (mode === 'responses') {
      const call = this.script.take()!;
      if (!declared.includes(call.name)) {
        console.error(`[simulator] scripted tool call '${call.name}' is not among the declared tools (${declared.join(', ') || 'none'}); not made`);
        return false;
      }
      this.delegateToResponses(call);
      return true;
    }
    const call = this.script.take()!;
    const delegationId = newId('deleg');
    this.made.push({ delegationId, target: 'client', name: call.name, callId: null });
    this.clientPending.set(delegationId, call.name);
    this.host.emit({ type: 'session.delegation.created', event_id: newId('event'), offset_ms: 0, delegation: { id: delegationId, target: 'client', type: 'delegation' } });
    return true;
  }

  /** `response.item.create` / `response.create`. */
  onResponseCommand(event: Extract<ClientEvent, { type: 'response.item.create' | 'response.create' }>, clientEventId: string | undefined): void {
    if (this.mode() !== 'responses') {
      return this.host.error('invalid_request_error', `${event.type} requires Responses delegation.`, 'type', clientEventId);
    }
    if (event.type === 'response.item.create') {
      const item = event.item as { type?: string; call_id?: string; output?: unknown };
      if (item.type !== 'function_call_output') return; // other input items only add context
      const pending = item.call_id === undefined ? undefined : this.pending.get(item.call_id);
      if (!pending) {
        return this.host.error('invalid_value', `No function call with call_id '${item.call_id}' waits for output in this session.`, 'item.call_id', clientEventId);
      }
      if (pending.output !== undefined) {
        return this.host.error('invalid_value', `The function call '${item.call_id}' already has its output.`, 'item.call_id', clientEventId);
      }
      pending.output = typeof item.output === 'string' ? item.output : JSON.stringify(item.output);
      this.outputs.push({ callId: item.call_id!, name: pending.name, output: pending.output });
      return;
    }
    const answered = [...this.pending.entries()].filter(([, call]) => call.output !== undefined);
    if (answered.length === 0) {
      return this.host.error('invalid_value', 'No delegated response waits for tool results.', 'type', clientEventId);
    }
    for (const [callId] of answered) this.pending.delete(callId);
    this.host.speak(answered.map(([, call]) => resultWords(call.name, call.output!)).join(' '));
  }

  /**
   * `session.commentary.append`: refused (error sent, `ok` false) when its id is not acceptable;
   * otherwise recorded, with what the model says of it (after the session acknowledges it).
   */
  onCommentary(delegationId: string | null, content: string, clientEventId: string | undefined): { ok: boolean; speak?: string } {
    if (delegationId !== null) {
      if (this.mode() === 'responses') {
        this.host.error('invalid_value', 'Non-null delegation IDs are not accepted with Responses delegation.', 'delegation_id', clientEventId);
        return { ok: false };
      }
      if (!this.clientPending.has(delegationId)) {
        this.host.error('invalid_value', `No client delegation '${delegationId}' in this session.`, 'delegation_id', clientEventId);
        return { ok: false };
      }
      this.clientPending.delete(delegationId);
    }
    this.commentary.push({ delegationId, content });
    return { ok: true, speak: content };
  }

  private delegateToResponses(call: ScriptedToolCall): void {
    const delegationId = newId('deleg');
    const responseId = newId('resp');
    const callId = newId('call');
    const itemId = newId('fc');
    const { emit } = this.host;
    emit({ type: 'session.delegation.created', event_id: newId('event'), offset_ms: 0, delegation: { id: delegationId, target: 'responses', type: 'delegation', response_id: responseId } });
    const model = this.backendModel();
    if (!/^(gpt-|o\d)/.test(model)) {
      this.made.push({ delegationId, target: 'responses', name: call.name, callId: null });
      const error = { code: 'model_not_found', message: `The model '${model}' does not exist or you do not have access to it.` };
      emit(wrap({ type: 'response.failed', sequence_number: ++this.sequence, response: { id: responseId, object: 'response', status: 'failed', model, output: [], error } }, delegationId));
      this.host.speak('Sorry, I could not do that.');
      return;
    }
    this.made.push({ delegationId, target: 'responses', name: call.name, callId });
    this.pending.set(callId, { delegationId, name: call.name, output: undefined });
    const item: ResponseFunctionToolCall = { type: 'function_call', id: itemId, call_id: callId, name: call.name, arguments: '', status: 'in_progress' };
    const added: ResponseOutputItemAddedEvent = { type: 'response.output_item.added', output_index: 0, sequence_number: ++this.sequence, item };
    const delta: ResponseFunctionCallArgumentsDeltaEvent = {
      type: 'response.function_call_arguments.delta',
      item_id: itemId,
      output_index: 0,
      sequence_number: ++this.sequence,
      delta: call.arguments,
    };
    const argsDone: ResponseFunctionCallArgumentsDoneEvent = {
      type: 'response.function_call_arguments.done',
      item_id: itemId,
      output_index: 0,
      sequence_number: ++this.sequence,
      arguments: call.arguments,
    };
    const done: ResponseOutputItemDoneEvent = {
      type: 'response.output_item.done',
      output_index: 0,
      sequence_number: ++this.sequence,
      item: { ...item, arguments: call.arguments, status: 'completed' },
    };
    for (const nested of [added, delta, argsDone, done]) emit(wrap(nested, delegationId));
  }

  mode(): string {
    return this.host.config()?.delegation?.type ?? 'client';
  }

  private backendModel(): string {
    const delegation = this.host.config()?.delegation;
    return delegation?.type === 'responses' ? delegation.responses.model : '';
  }

  private declaredTools(): string[] {
    const delegation = this.host.config()?.delegation;
    if (delegation?.type !== 'responses') return [];
    return (delegation.responses.tools ?? []).flatMap((tool) => (tool.type === 'function' ? [tool.name] : []));
  }
}

function wrap(nested: object, delegationId: string): ResponseEvent {
  return { type: 'response.event', event_id: newId('event'), delegation_id: delegationId, event: nested as Record<string, unknown> };
}

/** What the simulated model says with a tool's output. */
function resultWords(name: string, output: string): string {
  const shown = output.length > 160 ? `${output.slice(0, 159)}…` : output;
  return `The ${name} tool answered ${shown}.`;
}
