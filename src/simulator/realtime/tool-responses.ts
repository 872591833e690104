import type {
  ConversationItem,
  RealtimeConversationItemFunctionCall,
  RealtimeMcpApprovalRequest,
  RealtimeMcpListTools,
  RealtimeMcpToolCall,
  RealtimeResponse,
  RealtimeToolsConfigUnion,
} from 'openai/resources/realtime/realtime';
import { newId } from '../ids';
import type { RealtimeContext } from './context';
import type { Conversation } from './conversation';
import type { ScriptedMcpCall, ScriptedToolCall } from './tool-script';

/**
 * The simulated model's tool use on Realtime: a response that is a function call (no audio), an
 * MCP approval request, or a remote MCP call; and the `mcp_list_tools` round a session runs when
 * an MCP server is declared. Every event is shaped as the GA schema says (the session validates
 * outgoing events when asked). The spoken reply that uses a result is `Conversation.replyText`.
 */

type Mcp = Extract<RealtimeToolsConfigUnion, { type: 'mcp' }>;

export function declaredFunction(ctx: RealtimeContext, name: string): boolean {
  return (ctx.config.tools ?? []).some((tool) => tool.type === 'function' && tool.name === name);
}

export function declaredMcp(ctx: RealtimeContext, server: string): Mcp | undefined {
  return (ctx.config.tools ?? []).find((tool): tool is Mcp => tool.type === 'mcp' && tool.server_label === server);
}

function responseObject(ctx: RealtimeContext, id: string, status: RealtimeResponse['status'], output: ConversationItem[]): RealtimeResponse {
  return {
    id,
    object: 'realtime.response',
    status,
    output,
    conversation_id: `conv_${ctx.config.id.slice(5)}`,
    output_modalities: ['audio'],
    max_output_tokens: 'inf',
    metadata: null,
    ...(status === 'in_progress' ? {} : { usage: { total_tokens: 30, input_tokens: 20, output_tokens: 10 } }),
  };
}

/** A response made of one item that is complete at once: created, the item's own events (`stream`), done. */
function oneItemResponse<T extends ConversationItem & { id: string }>(
  ctx: RealtimeContext,
  conversation: Conversation,
  item: T,
  stream: (responseId: string, item: T) => void,
): void {
  const responseId = newId('resp');
  ctx.emit({ type: 'response.created', event_id: newId('event'), response: responseObject(ctx, responseId, 'in_progress', []) });
  const previous = conversation.lastItemId();
  conversation.push(item);
  ctx.emit({ type: 'response.output_item.added', event_id: newId('event'), response_id: responseId, output_index: 0, item });
  ctx.emit({ type: 'conversation.item.added', event_id: newId('event'), previous_item_id: previous, item });
  stream(responseId, item);
  ctx.emit({ type: 'conversation.item.done', event_id: newId('event'), previous_item_id: previous, item });
  ctx.emit({ type: 'response.output_item.done', event_id: newId('event'), response_id: responseId, output_index: 0, item });
  ctx.emit({ type: 'response.done', event_id: newId('event'), response: responseObject(ctx, responseId, 'completed', [item]) });
}

/** The model calls a function: the arguments stream in two deltas, then the response ends without audio. */
export function functionCallResponse(ctx: RealtimeContext, conversation: Conversation, call: ScriptedToolCall): void {
  const item: RealtimeConversationItemFunctionCall & { id: string } = {
    id: newId('item'),
    object: 'realtime.item',
    type: 'function_call',
    status: 'in_progress',
    call_id: newId('call'),
    name: call.name,
    arguments: '',
  };
  oneItemResponse(ctx, conversation, item, (responseId) => {
    const base = { response_id: responseId, item_id: item.id, output_index: 0, call_id: item.call_id! };
    const half = Math.ceil(call.arguments.length / 2);
    for (const delta of [call.arguments.slice(0, half), call.arguments.slice(half)]) {
      if (delta) ctx.emit({ type: 'response.function_call_arguments.delta', event_id: newId('event'), ...base, delta });
    }
    ctx.emit({ type: 'response.function_call_arguments.done', event_id: newId('event'), ...base, name: call.name, arguments: call.arguments });
    item.arguments = call.arguments;
    item.status = 'completed';
  });
}

/** The model wants an MCP tool whose server requires approval: the response is the request. */
export function mcpApprovalResponse(ctx: RealtimeContext, conversation: Conversation, call: ScriptedMcpCall): void {
  const item: RealtimeMcpApprovalRequest & { id: string } = {
    id: newId('mcpr'),
    type: 'mcp_approval_request',
    server_label: call.server,
    name: call.name,
    arguments: call.arguments,
  };
  oneItemResponse(ctx, conversation, item, () => {});
}

/** The remote MCP tool runs (the service calls it): in progress, arguments, completed; the item carries the output. */
export function mcpCallResponse(ctx: RealtimeContext, conversation: Conversation, call: ScriptedMcpCall, approvalRequestId: string | null): void {
  const item: RealtimeMcpToolCall & { id: string } = {
    id: newId('mcp'),
    type: 'mcp_call',
    server_label: call.server,
    name: call.name,
    arguments: '',
    approval_request_id: approvalRequestId,
    output: null,
    error: null,
  };
  oneItemResponse(ctx, conversation, item, (responseId) => {
    const base = { response_id: responseId, item_id: item.id, output_index: 0 };
    ctx.emit({ type: 'response.mcp_call.in_progress', event_id: newId('event'), item_id: item.id, output_index: 0 });
    ctx.emit({ type: 'response.mcp_call_arguments.delta', event_id: newId('event'), ...base, delta: call.arguments });
    ctx.emit({ type: 'response.mcp_call_arguments.done', event_id: newId('event'), ...base, arguments: call.arguments });
    item.arguments = call.arguments;
    item.output = call.output;
    ctx.emit({ type: 'response.mcp_call.completed', event_id: newId('event'), item_id: item.id, output_index: 0 });
  });
}

/** A declared MCP server's tools are listed once per session: in progress, the item, completed. */
export function listMcpTools(ctx: RealtimeContext, conversation: Conversation, server: Mcp, names: readonly string[]): void {
  const item: RealtimeMcpListTools & { id: string } = {
    id: newId('mcpl'),
    type: 'mcp_list_tools',
    server_label: server.server_label,
    tools: names.map((name) => ({ name, input_schema: { type: 'object' } })),
  };
  ctx.emit({ type: 'mcp_list_tools.in_progress', event_id: newId('event'), item_id: item.id });
  conversation.add(item, 0, conversation.lastItemId());
  ctx.emit({ type: 'mcp_list_tools.completed', event_id: newId('event'), item_id: item.id });
}
