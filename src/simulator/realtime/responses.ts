import type {
  ConversationItem,
  RealtimeConversationItemAssistantMessage,
  RealtimeResponse,
  RealtimeResponseCreateParams,
} from 'openai/resources/realtime/realtime';
import { pcm16ToBase64 } from '../../engine/audio/pcm';
import { newId } from '../ids';
import { PacedReply } from '../paced-reply';
import { splitWords } from '../words';
import { PCM, voiceName } from './config';
import type { RealtimeContext } from './context';
import type { Conversation } from './conversation';
import { declaredFunction, declaredMcp, functionCallResponse, mcpApprovalResponse, mcpCallResponse } from './tool-responses';
import type { ScriptedMcpCall } from './tool-script';

/**
 * The responses of a Realtime session, at most one at a time: the lifecycle events around a reply
 * streamed faster than real time (audio with its transcript, or text only), cancellation, usage
 * and the rate limits that follow each response.
 */

interface ActiveResponse {
  id: string;
  /** `text` when the response was asked for text only: words stream as text deltas, no audio. */
  mode: 'audio' | 'text';
  item: RealtimeConversationItemAssistantMessage & { id: string };
  reply: PacedReply;
  inputTokens: number;
}

export type CancelReason = 'turn_detected' | 'client_cancelled';

export class Responses {
  private current: ActiveResponse | undefined;
  private count = 0;
  private tokensUsed = 0;
  /** The input the last response read: the next one finds it in the prompt cache. */
  private cacheable = { text: 0, audio: 0 };
  /** MCP calls waiting for the client's approval, by approval request id. */
  private readonly approvals = new Map<string, ScriptedMcpCall>();

  constructor(
    private readonly ctx: RealtimeContext,
    private readonly conversation: Conversation,
  ) {}

  get active(): boolean {
    return this.current !== undefined;
  }

  get activeId(): string | undefined {
    return this.current?.id;
  }

  /** The assistant item being spoken, if any. */
  get activeItemId(): string | undefined {
    return this.current?.item.id;
  }

  /** `response.create`: refused while a response is in progress. */
  create(params: RealtimeResponseCreateParams | undefined, clientEventId: string | null): void {
    if (this.current) {
      return this.ctx.sendError(
        'conversation_already_has_active_response',
        `Conversation already has an active response in progress: ${this.current.id}. Wait until the response is finished before creating a new one.`,
        null,
        clientEventId,
      );
    }
    this.start(params);
  }

  /** `response.cancel`: only the active response (by id when one is given). */
  cancel(responseId: string | undefined, clientEventId: string | null): void {
    if (!this.current || (responseId !== undefined && responseId !== this.current.id)) {
      return this.ctx.sendError('response_cancel_not_active', 'Cancellation failed: no active response found', null, clientEventId);
    }
    this.finish('cancelled', 'client_cancelled');
  }

  start(params?: RealtimeResponseCreateParams): void {
    // A reply about a picture waits until the simulated model has looked at it.
    const looking = this.conversation.lookedAt();
    if (looking) {
      void looking.then(() => {
        if (!this.current) this.start(params);
      });
      return;
    }
    if (this.toolTurn()) return;
    const { options, config } = this.ctx;
    const modalities = params?.output_modalities ?? config.output_modalities ?? ['audio'];
    const mode = modalities.includes('audio') ? 'audio' : 'text';
    const item: ActiveResponse['item'] = {
      id: newId('item'),
      object: 'realtime.item',
      type: 'message',
      status: 'in_progress',
      role: 'assistant',
      content: [],
    };
    const id = newId('resp');
    const base = { response_id: id, item_id: item.id, output_index: 0, content_index: 0 };
    const reply = new PacedReply(
      {
        text: this.conversation.replyText(),
        durationMs: options.replyMs,
        bed: options.replyBed,
        seed: ++this.count,
        chunkMs: options.chunkMs,
        realtimeFactor: options.realtimeFactor,
        audio: mode === 'audio',
      },
      {
        audio: (pcm) => {
          const stored = this.conversation.items.get(item.id);
          if (stored) stored.audioSamples += pcm.length;
          this.ctx.emit({ type: 'response.output_audio.delta', event_id: newId('event'), ...base, delta: pcm16ToBase64(pcm) });
        },
        word: (delta) =>
          this.ctx.emit({
            type: mode === 'audio' ? 'response.output_audio_transcript.delta' : 'response.output_text.delta',
            event_id: newId('event'),
            ...base,
            delta,
          }),
        end: () => this.finish('completed'),
      },
    );
    const active: ActiveResponse = { id, mode, item, reply, inputTokens: this.inputTokens() };
    this.current = active;
    this.ctx.emit({ type: 'response.created', event_id: newId('event'), response: this.responseObject(active, 'in_progress', []) });
    const previous = this.conversation.lastItemId();
    this.conversation.push(item);
    this.ctx.emit({ type: 'response.output_item.added', event_id: newId('event'), response_id: id, output_index: 0, item });
    this.ctx.emit({ type: 'conversation.item.added', event_id: newId('event'), previous_item_id: previous, item });
    this.ctx.emit({
      type: 'response.content_part.added',
      event_id: newId('event'),
      ...base,
      part: mode === 'audio' ? { type: 'audio', transcript: '' } : { type: 'text', text: '' },
    });
    reply.start();
  }

  finish(status: 'completed' | 'cancelled', reason?: CancelReason): void {
    const active = this.current;
    if (!active) return;
    active.reply.stop();
    this.current = undefined;
    const transcript = active.reply.spokenText;
    const base = { response_id: active.id, item_id: active.item.id, output_index: 0, content_index: 0 };
    const item = active.item;
    if (active.mode === 'audio') {
      this.ctx.emit({ type: 'response.output_audio.done', event_id: newId('event'), ...base });
      this.ctx.emit({ type: 'response.output_audio_transcript.done', event_id: newId('event'), ...base, transcript });
      this.ctx.emit({ type: 'response.content_part.done', event_id: newId('event'), ...base, part: { type: 'audio', transcript } });
      item.content = [{ type: 'output_audio', transcript }];
    } else {
      this.ctx.emit({ type: 'response.output_text.done', event_id: newId('event'), ...base, text: transcript });
      this.ctx.emit({ type: 'response.content_part.done', event_id: newId('event'), ...base, part: { type: 'text', text: transcript } });
      item.content = [{ type: 'output_text', text: transcript }];
    }
    item.status = status === 'completed' ? 'completed' : 'incomplete';
    this.ctx.emit({ type: 'conversation.item.done', event_id: newId('event'), previous_item_id: this.conversation.itemBefore(item.id), item });
    this.ctx.emit({ type: 'response.output_item.done', event_id: newId('event'), response_id: active.id, output_index: 0, item });
    const response = this.responseObject(active, status, [item]);
    if (reason) response.status_details = { type: 'cancelled', reason };
    this.ctx.emit({ type: 'response.done', event_id: newId('event'), response });
    this.emitRateLimits(response.usage?.total_tokens ?? 0);
  }

  /**
   * A scripted tool use instead of a spoken reply, when it is the turn for one: a user turn takes
   * the next scripted call (a function, else an MCP tool) of a tool the session declared; an
   * approved MCP request runs the call. True when the response was a tool's.
   */
  private toolTurn(): boolean {
    const script = this.ctx.options.tools;
    const last = this.conversation.lastItem();
    if (!script || !last) return false;
    if (last.type === 'message' && last.role === 'user') {
      const call = script.calls.take();
      if (call && declaredFunction(this.ctx, call.name)) {
        functionCallResponse(this.ctx, this.conversation, call);
        return true;
      }
      const mcp = script.mcp[0];
      const server = mcp && declaredMcp(this.ctx, mcp.server);
      if (!mcp || !server) return false;
      script.mcp.shift();
      if (server.require_approval === 'never') return this.runMcp(mcp, null);
      mcpApprovalResponse(this.ctx, this.conversation, mcp);
      const request = this.conversation.lastItem();
      if (request?.type === 'mcp_approval_request') this.approvals.set(request.id, mcp);
      return true;
    }
    if (last.type === 'mcp_approval_response' && last.approve) {
      const mcp = this.approvals.get(last.approval_request_id);
      if (!mcp) return false;
      this.approvals.delete(last.approval_request_id);
      return this.runMcp(mcp, last.approval_request_id);
    }
    return false;
  }

  /** The service runs the remote tool, then the model speaks its result (a response of its own). */
  private runMcp(call: ScriptedMcpCall, approvalRequestId: string | null): boolean {
    mcpCallResponse(this.ctx, this.conversation, call, approvalRequestId);
    this.start();
    return true;
  }

  /** The socket is gone: stop streaming without a word. */
  dispose(): void {
    this.current?.reply.stop();
    this.current = undefined;
  }

  /** As the real server does after each response; the figures are plausible, not meaningful. */
  private emitRateLimits(tokens: number): void {
    this.tokensUsed += tokens;
    this.ctx.emit({
      type: 'rate_limits.updated',
      event_id: newId('event'),
      rate_limits: [
        { name: 'requests', limit: 5000, remaining: Math.max(0, 5000 - this.count), reset_seconds: 0.012 },
        { name: 'tokens', limit: 400_000, remaining: Math.max(0, 400_000 - this.tokensUsed), reset_seconds: 0.75 },
      ],
    });
  }

  private responseObject(active: ActiveResponse, status: RealtimeResponse['status'], output: ConversationItem[]): RealtimeResponse {
    const response: RealtimeResponse = {
      id: active.id,
      object: 'realtime.response',
      status,
      output,
      conversation_id: `conv_${this.ctx.config.id.slice(5)}`,
      output_modalities: [active.mode],
      max_output_tokens: 'inf',
      audio: { output: { format: { ...PCM }, voice: voiceName(this.ctx.config.audio.output.voice) } },
      metadata: null,
    };
    if (status !== 'in_progress') {
      // Rough OpenAI figures: audio is ~10 tokens/s in and ~20 tokens/s out; text ~1.3 tokens a word.
      const audioOut = Math.round((active.reply.sentMs / 1000) * 20);
      const textOut = Math.ceil(active.reply.wordCount * 1.3);
      const output_tokens = audioOut + textOut;
      const audioIn = Math.min(active.inputTokens, this.conversation.audioInputTokens());
      const imageIn = Math.min(active.inputTokens - audioIn, this.conversation.imageInputTokens());
      const textIn = active.inputTokens - audioIn - imageIn;
      // What an earlier response already read is served from the prompt cache, in blocks of 64 tokens.
      const cachedText = cacheBlocks(Math.min(textIn, this.cacheable.text));
      const cachedAudio = cacheBlocks(Math.min(audioIn, this.cacheable.audio));
      this.cacheable = { text: textIn, audio: audioIn };
      response.usage = {
        total_tokens: active.inputTokens + output_tokens,
        input_tokens: active.inputTokens,
        output_tokens,
        input_token_details: {
          text_tokens: textIn,
          audio_tokens: audioIn,
          image_tokens: imageIn,
          cached_tokens: cachedText + cachedAudio,
          cached_tokens_details: { text_tokens: cachedText, audio_tokens: cachedAudio, image_tokens: 0 },
        },
        output_token_details: { text_tokens: textOut, audio_tokens: audioOut },
      };
    }
    return response;
  }

  private inputTokens(): number {
    const instructions = splitWords(this.ctx.config.instructions ?? '').length;
    return Math.ceil(instructions * 1.3) + this.conversation.audioInputTokens() + this.conversation.imageInputTokens();
  }
}

const CACHE_BLOCK = 64;
const cacheBlocks = (tokens: number): number => Math.floor(Math.max(0, tokens) / CACHE_BLOCK) * CACHE_BLOCK;
