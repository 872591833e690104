import type { RealtimeResponseUsage, RealtimeServerEvent } from 'openai/resources/realtime/realtime';
import type { AssistantEvent, Usage } from '../../events';
import { say } from '../../messages';
import { describeServerError } from '../../realtime/server-notices';

/** Errors the server reports for a benign race (it finished or cancelled the response first). */
const BENIGN_ERROR_CODES = new Set(['response_cancel_not_active']);

/**
 * What a Realtime server event tells the front ends, if anything: transcripts (the reply's and the
 * user's), usage, server errors. Turn-taking (state, audio, interruptions) is the state machine's.
 */
export function translateServerEvent(event: RealtimeServerEvent, log: (line: string) => void): AssistantEvent | null {
  switch (event.type) {
    case 'response.output_audio_transcript.delta':
    case 'response.output_text.delta':
      return event.delta ? { type: 'transcript.delta', speaker: 'assistant', itemId: event.item_id, delta: event.delta } : null;
    case 'response.output_audio_transcript.done':
      return { type: 'transcript.final', speaker: 'assistant', itemId: event.item_id, text: event.transcript };
    case 'response.output_text.done':
      return { type: 'transcript.final', speaker: 'assistant', itemId: event.item_id, text: event.text };
    case 'conversation.item.input_audio_transcription.delta':
      return event.delta ? { type: 'transcript.delta', speaker: 'user', itemId: event.item_id, delta: event.delta } : null;
    case 'conversation.item.input_audio_transcription.completed':
      return { type: 'transcript.final', speaker: 'user', itemId: event.item_id, text: event.transcript };
    case 'conversation.item.input_audio_transcription.failed':
      return {
        type: 'notice',
        ...say('notice.transcriptionFailed', { detail: event.error.message ?? '' }),
      };
    case 'response.done': {
      const { id, usage } = event.response;
      return usage && id ? { type: 'usage', responseId: id, usage: toUsage(usage) } : null;
    }
    case 'error': {
      const { code } = event.error;
      if (code && BENIGN_ERROR_CODES.has(code)) {
        log(`server: ${code} (ignored)`);
        return null;
      }
      const info = describeServerError(event);
      return { type: 'error', code: info.code, fatal: false, ...info.said };
    }
    default:
      return null;
  }
}

function toUsage(u: RealtimeResponseUsage): Usage {
  const usage: Usage = {
    inputTokens: u.input_tokens ?? 0,
    outputTokens: u.output_tokens ?? 0,
    totalTokens: u.total_tokens ?? 0,
  };
  if (u.input_token_details?.audio_tokens !== undefined) usage.inputAudioTokens = u.input_token_details.audio_tokens;
  if (u.output_token_details?.audio_tokens !== undefined) usage.outputAudioTokens = u.output_token_details.audio_tokens;
  return usage;
}
