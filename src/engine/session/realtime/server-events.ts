import type { RealtimeResponseUsage, RealtimeServerEvent, SessionCreatedEvent } from 'openai/resources/realtime/realtime';
import type { AssistantEvent, Usage } from '../../events';
import { say } from '../../messages';
import { SESSION_LIMIT_MS } from '../../realtime/reconnect';
import { describeServerError } from '../../realtime/server-notices';

/** Errors the server reports for a benign race (it finished or cancelled the response first). */
const BENIGN_ERROR_CODES = new Set(['response_cancel_not_active']);

export function isBenignError(event: Extract<RealtimeServerEvent, { type: 'error' }>): boolean {
  const { code } = event.error;
  return !!code && BENIGN_ERROR_CODES.has(code);
}

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
      if (isBenignError(event)) {
        log(`server: ${event.error.code} (ignored)`);
        return null;
      }
      const info = describeServerError(event);
      return { type: 'error', code: info.code, fatal: false, ...info.said };
    }
    default:
      return null;
  }
}

/** `RealtimeResponseUsage` with its details (a detail the server left out stays out). */
export function toUsage(u: RealtimeResponseUsage): Usage {
  const input = u.input_token_details;
  const cached = input?.cached_tokens_details;
  const output = u.output_token_details;
  const details: Partial<Usage> = {
    inputTextTokens: input?.text_tokens,
    inputAudioTokens: input?.audio_tokens,
    inputImageTokens: input?.image_tokens,
    cachedTokens: input?.cached_tokens,
    cachedTextTokens: cached?.text_tokens,
    cachedAudioTokens: cached?.audio_tokens,
    cachedImageTokens: cached?.image_tokens,
    outputTextTokens: output?.text_tokens,
    outputAudioTokens: output?.audio_tokens,
  };
  const usage: Usage = { inputTokens: u.input_tokens ?? 0, outputTokens: u.output_tokens ?? 0, totalTokens: u.total_tokens ?? 0 };
  for (const [key, value] of Object.entries(details) as [keyof Usage, number | undefined][]) if (typeof value === 'number') usage[key] = value;
  return usage;
}

/**
 * A Realtime session started, for the meter: its id, model and expiry from its `session.created`
 * (the GA types leave `id` and `expires_at` out of the session object though the server sends
 * them; the beta shape names them). Without `expires_at` (or without the event) the limit is 60
 * minutes from now.
 */
export function sessionStarted(session: SessionCreatedEvent['session'] | undefined): AssistantEvent {
  const { id, model, expires_at: expiresAt } = (session ?? {}) as { id?: unknown; model?: unknown; expires_at?: unknown };
  return {
    type: 'session.started',
    protocol: 'realtime',
    sessionId: typeof id === 'string' ? id : '',
    ...(typeof model === 'string' && model ? { model } : {}),
    expiresAt: typeof expiresAt === 'number' && Number.isFinite(expiresAt) && expiresAt > 0 ? expiresAt * 1000 : Date.now() + SESSION_LIMIT_MS,
  };
}
