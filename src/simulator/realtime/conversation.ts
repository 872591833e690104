import type {
  ConversationItem,
  ConversationItemCreateEvent,
  ConversationItemTruncateEvent,
  RealtimeConversationItemUserMessage,
} from 'openai/resources/realtime/realtime';
import { msToSamples, samplesToMs } from '../../engine/audio/pcm';
import { newId } from '../ids';
import { speechStandIn, splitWords, typedReply } from '../words';
import { lookAt, pictureTokens, pictureWords, type SeenPicture } from '../picture';
import type { RealtimeContext } from './context';

/**
 * The conversation a Realtime session keeps: items in order with how much audio each holds, and the
 * client events that edit it (create, delete, retrieve, truncate).
 */

export interface StoredItem {
  item: ConversationItem;
  audioSamples: number;
}

export class Conversation {
  readonly items = new Map<string, StoredItem>();
  private readonly order: string[] = [];
  /** What the simulated model saw in each picture (`input_image` parts), by item id. */
  private readonly seen = new Map<string, SeenPicture | null>();
  /** Pictures still being looked at: a response waits for them (it is about them). */
  private readonly looking = new Set<Promise<void>>();

  constructor(private readonly ctx: RealtimeContext) {}

  lastItemId(): string | null {
    return this.order.length ? this.order[this.order.length - 1]! : null;
  }

  lastItem(): ConversationItem | undefined {
    const id = this.lastItemId();
    return id === null ? undefined : this.items.get(id)?.item;
  }

  itemBefore(itemId: string): string | null {
    const i = this.order.indexOf(itemId);
    return i > 0 ? this.order[i - 1]! : null;
  }

  /** Adds an item after `previous` and announces it (`conversation.item.added`, then `.done`). */
  add(item: ConversationItem & { id: string }, audioSamples: number, previous: string | null): void {
    this.items.set(item.id, { item, audioSamples });
    const at = previous === null ? 0 : this.order.indexOf(previous) + 1;
    this.order.splice(at, 0, item.id);
    this.ctx.emit({ type: 'conversation.item.added', event_id: newId('event'), previous_item_id: previous, item });
    this.ctx.emit({ type: 'conversation.item.done', event_id: newId('event'), previous_item_id: previous, item });
  }

  /** Adds a response's item at the end without announcing it (the response streams its own events). */
  push(item: ConversationItem & { id: string }): void {
    this.items.set(item.id, { item, audioSamples: 0 });
    this.order.push(item.id);
  }

  /** A committed user turn: the item, and its transcription when the session has it on. */
  commitUserAudio(itemId: string, samples: number): void {
    const previous = this.lastItemId();
    this.ctx.emit({ type: 'input_audio_buffer.committed', event_id: newId('event'), item_id: itemId, previous_item_id: previous });
    const item: RealtimeConversationItemUserMessage & { id: string } = {
      id: itemId,
      object: 'realtime.item',
      type: 'message',
      status: 'completed',
      role: 'user',
      content: [{ type: 'input_audio' }],
    };
    this.add(item, samples, previous);
    if (this.ctx.config.audio.input.transcription) this.transcribe(item, samples);
  }

  /** Stands in for speech-to-text: a description of what was heard, as deltas then completed. */
  private transcribe(item: RealtimeConversationItemUserMessage & { id: string }, samples: number): void {
    const transcript = speechStandIn(samples);
    for (const delta of splitWords(transcript)) {
      this.ctx.emit({
        type: 'conversation.item.input_audio_transcription.delta',
        event_id: newId('event'),
        item_id: item.id,
        content_index: 0,
        delta,
      });
    }
    item.content[0]!.transcript = transcript;
    this.ctx.emit({
      type: 'conversation.item.input_audio_transcription.completed',
      event_id: newId('event'),
      item_id: item.id,
      content_index: 0,
      transcript,
      usage: { type: 'duration', seconds: Math.round(samplesToMs(samples) / 10) / 100 },
    });
  }

  create(event: ConversationItemCreateEvent, clientEventId: string | null): void {
    let previous = this.lastItemId();
    if (event.previous_item_id !== undefined && event.previous_item_id !== null) {
      if (event.previous_item_id === 'root') previous = null;
      else if (!this.items.has(event.previous_item_id)) return this.notFound(event.previous_item_id, clientEventId, 'previous_item_id');
      else previous = event.previous_item_id;
    }
    const id = event.item.id ?? newId('item');
    if (this.items.has(id)) {
      return this.ctx.sendError('invalid_value', `Item with item_id '${id}' already exists.`, 'item.id', clientEventId);
    }
    const item = { ...event.item, id, object: 'realtime.item', status: 'completed' } as ConversationItem & { id: string };
    this.add(item, 0, previous);
    const image = item.type === 'message' && item.role === 'user' ? item.content.find((c) => c.type === 'input_image')?.image_url : undefined;
    if (image !== undefined) {
      const look: Promise<void> = lookAt(image).then((seen) => {
        this.seen.set(id, seen);
        this.looking.delete(look);
      });
      this.looking.add(look);
    }
  }

  /** Settles once every picture in the conversation has been looked at; null when none is pending. */
  lookedAt(): Promise<void> | null {
    return this.looking.size === 0 ? null : Promise.all([...this.looking]).then(() => undefined);
  }

  /** Rough OpenAI figure for the pictures in the conversation (see pictureTokens). */
  imageInputTokens(): number {
    let tokens = 0;
    for (const itemId of this.order) if (this.seen.has(itemId)) tokens += pictureTokens(this.seen.get(itemId) ?? null);
    return tokens;
  }

  delete(itemId: string, clientEventId: string | null): void {
    if (!this.items.has(itemId)) return this.notFound(itemId, clientEventId);
    this.items.delete(itemId);
    this.order.splice(this.order.indexOf(itemId), 1);
    this.ctx.emit({ type: 'conversation.item.deleted', event_id: newId('event'), item_id: itemId });
  }

  retrieve(itemId: string, clientEventId: string | null): void {
    const stored = this.items.get(itemId);
    if (!stored) return this.notFound(itemId, clientEventId);
    this.ctx.emit({ type: 'conversation.item.retrieved', event_id: newId('event'), item: stored.item });
  }

  /**
   * Cuts an assistant item's audio at `audio_end_ms`. `endResponse` is called first when the item
   * is still being spoken: audio past the cut is discarded.
   */
  truncate(event: ConversationItemTruncateEvent, clientEventId: string | null, endResponse: (itemId: string) => void): void {
    const stored = this.items.get(event.item_id);
    if (!stored) return this.notFound(event.item_id, clientEventId);
    const item = stored.item;
    if (item.type !== 'message' || item.role !== 'assistant') {
      return this.ctx.sendError('invalid_value', 'Only assistant messages can be truncated.', 'item_id', clientEventId);
    }
    if (event.content_index !== 0) {
      return this.ctx.sendError('invalid_value', `Content index ${event.content_index} is not an audio part.`, 'content_index', clientEventId);
    }
    const durationMs = Math.floor(samplesToMs(stored.audioSamples));
    if (event.audio_end_ms > durationMs) {
      return this.ctx.sendError(
        'invalid_value',
        `Audio content of ${durationMs}ms is already shorter than ${event.audio_end_ms}ms`,
        'audio_end_ms',
        clientEventId,
      );
    }
    endResponse(event.item_id);
    stored.audioSamples = msToSamples(event.audio_end_ms);
    // The real server drops the transcript of a truncated item: the model must not "remember" unheard words.
    for (const part of item.content) part.transcript = '';
    this.ctx.emit({
      type: 'conversation.item.truncated',
      event_id: newId('event'),
      item_id: event.item_id,
      content_index: 0,
      audio_end_ms: event.audio_end_ms,
    });
  }

  /** Rough OpenAI figure: input audio is ~10 tokens a second. */
  audioInputTokens(): number {
    let samples = 0;
    for (const { item, audioSamples } of this.items.values()) if (item.type === 'message' && item.role === 'user') samples += audioSamples;
    return Math.round((samplesToMs(samples) / 1000) * 10);
  }

  /**
   * What a reply "says": what the last tool said when the model is answering a tool's result (the
   * output it got, so a test hears it used), else a description of the last user turn (the voice
   * itself only babbles; typed words are read back) and of the pictures shown since the last reply.
   */
  replyText(): string {
    const toolSaid = this.toolReplyText();
    if (toolSaid) return toolSaid;
    let said: string | undefined;
    const pictures: string[] = [];
    let sinceReply = true;
    for (let i = this.order.length - 1; i >= 0 && (said === undefined || sinceReply); i--) {
      const id = this.order[i]!;
      const stored = this.items.get(id)!;
      const item = stored.item;
      if (item.type === 'message' && item.role === 'assistant') sinceReply = false;
      if (item.type !== 'message' || item.role !== 'user') continue;
      if (this.seen.has(id)) {
        if (sinceReply) pictures.unshift(pictureWords(this.seen.get(id) ?? null));
        continue;
      }
      if (said !== undefined) continue;
      if (stored.audioSamples > 0) said = `You said something ${(samplesToMs(stored.audioSamples) / 1000).toFixed(1)} seconds long. ${BABBLE_NOTE}`;
      else {
        const text = item.content.find((c) => c.type === 'input_text')?.text;
        if (text) said = typedReply(text);
      }
    }
    const words = [said, ...pictures].filter((w) => w !== undefined);
    return words.length > 0 ? words.join(' ') : `Hello from the Kaiwa simulator. ${BABBLE_NOTE}`;
  }

  private toolReplyText(): string | undefined {
    const last = this.lastItem();
    if (!last) return undefined;
    if (last.type === 'function_call_output') {
      const call = [...this.items.values()].find(({ item }) => item.type === 'function_call' && item.call_id === last.call_id)?.item;
      return resultText(call?.type === 'function_call' ? call.name : 'unknown', last.output);
    }
    if (last.type === 'mcp_call') return resultText(`${last.server_label} ${last.name}`, last.output ?? last.error?.message ?? '');
    if (last.type === 'mcp_approval_response' && !last.approve) return 'You did not allow that tool, so I did not run it.';
    if (last.type === 'message' && last.role === 'system') {
      const text = last.content.find((c) => c.type === 'input_text')?.text ?? '';
      return `Reminder. ${text.slice(0, 80)}`;
    }
    return undefined;
  }

  private notFound(itemId: string, clientEventId: string | null, param = 'item_id'): void {
    this.ctx.sendError('item_not_found', `Conversation item with ${param} '${itemId}' not found.`, param, clientEventId);
  }
}

const BABBLE_NOTE = 'I can only babble in reply.';

/** A reply that uses a tool's output: the time when there is one, the error's message, else the output itself. */
function resultText(tool: string, output: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(output);
  } catch {
    return `The ${tool} tool answered ${JSON.stringify(output.slice(0, 120))}.`;
  }
  const fields = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  if (typeof fields.error === 'string') return `The ${tool} tool did not work: ${String(fields.message ?? fields.error)}`;
  if (typeof fields.time === 'string' && typeof fields.date === 'string') return `It is ${fields.time} on ${fields.date}.`;
  return `The ${tool} tool answered ${JSON.stringify(output.slice(0, 120))}.`;
}
