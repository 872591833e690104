import { randomUUID } from 'node:crypto';
import type { ConversationItem, RealtimeClientEvent, RealtimeServerEvent } from 'openai/resources/realtime/realtime';
import type { AssistantEvent } from '../../events';
import type { SessionTools } from '../../tools/types';

/**
 * The tool rounds of a Realtime conversation (issue 13). A response that calls functions (or asks
 * to approve an MCP call) ends without audio; each call runs through the Toolbox, its output goes
 * back as a `function_call_output` item (an approval as `mcp_approval_response`), and once the
 * response is done and every call of it has answered, one `response.create` lets the model speak.
 *
 * Calls are taken from finished `function_call` items (`response.output_item.done`, and the
 * response's output at `response.done`, deduplicated by call id): `function_call_arguments.done`
 * also comes for a response cut short, and only GA names the function there.
 *
 * The user moving on (an interruption: barge-in or the button, by the usual rules) supersedes the
 * round: outputs still go into the conversation, so the model knows what happened, but no reply
 * is asked for. Remote MCP activity (`mcp_list_tools.*`, `mcp_call` items) is reported as
 * `tool.call` / `tool.result` with source 'mcp'.
 */

export interface ToolCallsOptions {
  tools: SessionTools;
  send: (event: RealtimeClientEvent) => void;
  emit: (event: AssistantEvent) => void;
  log: (line: string) => void;
  /** `busy` changed: the turn may settle. */
  changed: () => void;
}

interface Round {
  /** Calls and approvals still running, by call id / approval request id. */
  running: Set<string>;
  /** `response.done` of the calling response arrived. */
  responseDone: boolean;
  superseded: boolean;
}

/** `called`/`reported`: its tool.call / tool.result was emitted (response.done repeats the item). */
type McpItem = { server: string; name: string; called: boolean; reported: boolean };

export class RealtimeToolCalls {
  private readonly rounds = new Map<string, Round>();
  /** Call ids and approval ids already started (the same call arrives in several events). */
  private readonly started = new Set<string>();
  /** response.create sent, its response.created not yet seen. */
  private awaitingResponse = false;
  private activeResponse: string | null = null;
  /** Bumped by reset(): results of calls from a session that is gone are not sent to the next one. */
  private generation = 0;
  private readonly mcpItems = new Map<string, McpItem>();
  private readonly mcpListings = new Map<string, { server: string; tools: string[] }>();
  /** Responses cut by an interruption: a round of theirs starts superseded. */
  private readonly cutResponses = new Set<string>();

  constructor(private readonly options: ToolCallsOptions) {}

  /** A tool round is under way: calls running, or the reply to them asked for and not begun. */
  get busy(): boolean {
    return this.awaitingResponse || [...this.rounds.values()].some((round) => !round.superseded);
  }

  handle(event: RealtimeServerEvent): void {
    switch (event.type) {
      case 'response.created':
        this.awaitingResponse = false;
        this.activeResponse = event.response.id ?? null;
        break;
      case 'error':
        // A response.create refused (say, a response was already active): the round is over.
        if (this.awaitingResponse) {
          this.awaitingResponse = false;
          this.options.changed();
        }
        break;
      case 'response.output_item.added':
        this.noteItem(event.item);
        break;
      case 'response.output_item.done':
        this.onOutputItem(event.response_id, event.item);
        break;
      case 'conversation.item.added':
      case 'conversation.item.done':
        this.noteItem(event.item);
        break;
      case 'response.mcp_call_arguments.done':
        this.mcpCalled(event.item_id, event.arguments);
        break;
      case 'mcp_list_tools.completed':
      case 'mcp_list_tools.failed': {
        // The listing's item (added before this) named the server and its tools.
        const listing = this.mcpListings.get(event.item_id);
        const failed = event.type === 'mcp_list_tools.failed';
        const output = failed ? '' : JSON.stringify(listing?.tools ?? []);
        this.options.emit({ type: 'tool.result', callId: event.item_id, name: 'list_tools', outcome: failed ? 'error' : 'ok', output, source: 'mcp', server: listing?.server ?? '' });
        break;
      }
      case 'response.done': {
        const id = event.response.id ?? this.activeResponse ?? '';
        if (this.activeResponse === id) this.activeResponse = null;
        for (const item of event.response.output ?? []) this.onOutputItem(id, item);
        const round = this.rounds.get(id);
        if (round) {
          round.responseDone = true;
          this.finish(id);
        }
        this.cutResponses.delete(id);
        // A round that waited for another response to end may ask now.
        for (const waiting of [...this.rounds.keys()]) this.finish(waiting);
        break;
      }
      default:
        break;
    }
  }

  /** The user moved on (an interruption): running calls still answer, but ask for no reply. True when a round was under way. */
  supersede(): boolean {
    const busy = this.busy;
    for (const round of this.rounds.values()) round.superseded = true;
    // A call of the cut response that completes after the cut belongs to the past too.
    if (this.activeResponse) this.cutResponses.add(this.activeResponse);
    this.awaitingResponse = false;
    return busy;
  }

  /** The session's turns are gone (reconnect, renewal, close): results still arriving are not sent. */
  reset(): void {
    this.generation++;
    this.rounds.clear();
    this.started.clear();
    this.mcpItems.clear();
    this.mcpListings.clear();
    this.cutResponses.clear();
    this.awaitingResponse = false;
    this.activeResponse = null;
  }

  // ---- internals ----

  private onOutputItem(responseId: string, item: ConversationItem): void {
    switch (item.type) {
      case 'function_call':
        // Only a finished call runs: a response cut short leaves an incomplete one (its arguments may be partial).
        if (item.call_id && item.status !== 'incomplete' && item.status !== 'in_progress') this.startCall(responseId, item.call_id, item.name, item.arguments);
        break;
      case 'mcp_approval_request':
        this.startApproval(responseId, item.id, item.server_label, item.name, item.arguments);
        break;
      case 'mcp_call': {
        this.noteItem(item);
        this.mcpCalled(item.id, item.arguments);
        const known = this.mcpItems.get(item.id)!; // noteItem just made sure
        if (known.reported) break;
        known.reported = true;
        const error = item.error ? item.error.message : undefined;
        this.options.emit({
          type: 'tool.result',
          callId: item.id,
          name: item.name,
          outcome: error === undefined ? 'ok' : 'error',
          output: error ?? item.output ?? '',
          source: 'mcp',
          server: item.server_label,
        });
        break;
      }
      default:
        break;
    }
  }

  /** Remembers what MCP items are about, for the events that name only their id. */
  private noteItem(item: ConversationItem): void {
    if (item.type === 'mcp_call' && !this.mcpItems.has(item.id)) this.mcpItems.set(item.id, { server: item.server_label, name: item.name, called: false, reported: false });
    if (item.type === 'mcp_list_tools' && item.id) {
      const tools = item.tools.map((tool) => tool.name);
      const known = this.mcpListings.get(item.id);
      this.mcpListings.set(item.id, { server: item.server_label, tools });
      if (!known) this.options.emit({ type: 'tool.call', callId: item.id, name: 'list_tools', arguments: '{}', source: 'mcp', server: item.server_label });
    }
  }

  private mcpCalled(itemId: string, args: string): void {
    const item = this.mcpItems.get(itemId);
    if (!item || item.called) return;
    item.called = true;
    this.options.emit({ type: 'tool.call', callId: itemId, name: item.name, arguments: args, source: 'mcp', server: item.server });
  }

  private round(responseId: string): Round {
    let round = this.rounds.get(responseId);
    if (!round) {
      round = { running: new Set(), responseDone: false, superseded: this.cutResponses.has(responseId) };
      this.rounds.set(responseId, round);
    }
    return round;
  }

  private startCall(responseId: string, callId: string, name: string, args: string): void {
    this.run(responseId, callId, () =>
      this.options.tools.call({ callId, name, arguments: args }).then((result) => ({ type: 'function_call_output', call_id: callId, output: result.output })),
    );
  }

  private startApproval(responseId: string, id: string, server: string, name: string, args: string): void {
    this.run(responseId, id, () =>
      this.options.tools.approveMcp({ id, server, name, arguments: args }).then((approve) => ({ type: 'mcp_approval_response', id: approvalResponseId(), approval_request_id: id, approve })),
    );
  }

  /** Runs one call of the round (once per id); its answer goes into the conversation unless the session was reset meanwhile. */
  private run(responseId: string, id: string, answer: () => Promise<ConversationItem>): void {
    if (this.started.has(id)) return;
    this.started.add(id);
    const round = this.round(responseId);
    round.running.add(id);
    const generation = this.generation;
    void answer().then((item) => {
      if (generation !== this.generation) return;
      this.options.send({ type: 'conversation.item.create', item });
      round.running.delete(id);
      this.finish(responseId);
    });
    this.options.changed();
  }

  /** A round whose response is done and whose calls have all answered asks for the reply (unless superseded). */
  private finish(responseId: string): void {
    const round = this.rounds.get(responseId);
    if (!round || !round.responseDone || round.running.size > 0) return;
    if (!round.superseded) {
      // One response at a time: a response running now (the user's next turn) ends first.
      if (this.activeResponse || this.awaitingResponse) return;
      this.awaitingResponse = true;
      this.options.send({ type: 'response.create' });
    } else {
      this.options.log(`tool round of ${responseId} superseded: outputs sent, no reply asked for`);
    }
    this.rounds.delete(responseId);
    this.options.changed();
  }
}

/** The protocol wants the client to name an approval response item (ids are at most 32 characters). */
function approvalResponseId(): string {
  return `mcpresp_${randomUUID().replace(/-/g, '').slice(0, 24)}`;
}
