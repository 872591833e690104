import type { ConversationItemCreateEvent } from 'openai/resources/realtime/realtime';
import type { ReplayTurn } from '../replay-record';

/**
 * The conversation so far as GA `conversation.item.create` events: user turns as `input_text`,
 * assistant turns as `output_text` (the API cannot take assistant audio items back). The newest
 * picture goes back as the picture it was (`input_image`) when the dialect takes pictures; the
 * others as the note that stands for them (replay-record.ts). No item ids: the new session names them.
 */
export function replayItems(turns: readonly ReplayTurn[], { pictures }: { pictures: boolean } = { pictures: true }): ConversationItemCreateEvent[] {
  return turns.map(({ speaker, text, picture }) =>
    picture?.dataUrl && pictures
      ? {
          type: 'conversation.item.create',
          item: { type: 'message', role: 'user', content: [{ type: 'input_image', image_url: picture.dataUrl, detail: 'auto' }] },
        }
      : itemCreate(speaker, text),
  );
}

export function itemCreate(speaker: ReplayTurn['speaker'], text: string): ConversationItemCreateEvent {
  return speaker === 'user'
    ? { type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] } }
    : { type: 'conversation.item.create', item: { type: 'message', role: 'assistant', content: [{ type: 'output_text', text }] } };
}
