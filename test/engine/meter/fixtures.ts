import type { ResponseDoneEvent, SessionCreatedEvent } from 'openai/resources/realtime/realtime';
import type { SessionClosedEvent, SessionResource, SessionStartedEvent, SessionUsageUpdatedEvent } from 'openai/resources/live/live';

/**
 * Server events as the real services send them (field for field the shapes of OpenAI traces),
 * typed by the `openai` package and checked against the simulator's schemas (meter.test.ts).
 */

/** `session.created` of a gpt-realtime session (GA): the server names its id and expiry though the GA types leave them out. */
export const realtimeSessionCreated = (expiresAtS: number, model = 'gpt-realtime'): SessionCreatedEvent =>
  ({
    type: 'session.created',
    event_id: 'event_C1a2b3',
    session: {
      type: 'realtime',
      object: 'realtime.session',
      id: 'sess_C1a2b3c4d5',
      model,
      output_modalities: ['audio'],
      instructions: 'You are Kaiwa.',
      tools: [],
      tool_choice: 'auto',
      max_output_tokens: 'inf',

      expires_at: expiresAtS,
      audio: {
        input: { format: { type: 'audio/pcm', rate: 24000 }, turn_detection: { type: 'server_vad', threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 500, idle_timeout_ms: null, create_response: true, interrupt_response: true } },
        output: { format: { type: 'audio/pcm', rate: 24000 }, voice: 'marin', speed: 1 },
      },
    },
  }) as SessionCreatedEvent;

const response = (id: string, usage: NonNullable<ResponseDoneEvent['response']['usage']>): ResponseDoneEvent => ({
  type: 'response.done',
  event_id: `event_${id}`,
  response: {
    object: 'realtime.response',
    id,
    status: 'completed',
    output: [],
    conversation_id: 'conv_C1a2b3',
    output_modalities: ['audio'],
    max_output_tokens: 'inf',
    audio: { output: { format: { type: 'audio/pcm', rate: 24000 }, voice: 'marin' } },
    usage,
  },
});

/**
 * Three turns of a spoken conversation: the second and third find the earlier turns in the cache
 * (cached tokens are a part of the input tokens, split by modality).
 */
export const realtimeResponses: ResponseDoneEvent[] = [
  response('resp_1', {
    total_tokens: 1046,
    input_tokens: 846,
    output_tokens: 200,
    input_token_details: { text_tokens: 766, audio_tokens: 80, image_tokens: 0, cached_tokens: 0, cached_tokens_details: { text_tokens: 0, audio_tokens: 0, image_tokens: 0 } },
    output_token_details: { text_tokens: 40, audio_tokens: 160 },
  }),
  response('resp_2', {
    total_tokens: 1431,
    input_tokens: 1151,
    output_tokens: 280,
    input_token_details: { text_tokens: 826, audio_tokens: 325, image_tokens: 0, cached_tokens: 768, cached_tokens_details: { text_tokens: 704, audio_tokens: 64, image_tokens: 0 } },
    output_token_details: { text_tokens: 56, audio_tokens: 224 },
  }),
  response('resp_3', {
    total_tokens: 1818,
    input_tokens: 1538,
    output_tokens: 280,
    input_token_details: { text_tokens: 888, audio_tokens: 650, image_tokens: 0, cached_tokens: 1088, cached_tokens_details: { text_tokens: 768, audio_tokens: 320, image_tokens: 0 } },
    output_token_details: { text_tokens: 56, audio_tokens: 224 },
  }),
];

/** The same three responses' totals, by hand from the usage above. */
export const realtimeTotals = {
  input: 846 + 1151 + 1538,
  output: 200 + 280 + 280,
  total: 1046 + 1431 + 1818,
  inputText: 766 + 826 + 888,
  inputAudio: 80 + 325 + 650,
  inputImage: 0,
  cachedText: 704 + 768,
  cachedAudio: 64 + 320,
  cachedImage: 0,
  outputText: 40 + 56 + 56,
  outputAudio: 160 + 224 + 224,
};

/** gpt-realtime's list prices per million tokens (text 4 / 0.40 / 16, audio 32 / 0.40 / 64), applied by hand. */
export const realtimeCostUsd =
  ((realtimeTotals.inputText - realtimeTotals.cachedText) * 4 +
    realtimeTotals.cachedText * 0.4 +
    realtimeTotals.outputText * 16 +
    (realtimeTotals.inputAudio - realtimeTotals.cachedAudio) * 32 +
    realtimeTotals.cachedAudio * 0.4 +
    realtimeTotals.outputAudio * 64) /
  1_000_000;

const liveSession = (id: string, expiresAtS: number, model = 'gpt-live-1'): SessionResource => ({
  id,
  expires_at: expiresAtS,
  model,
  status: 'active',
  instructions: 'You are Kaiwa.',
  store: false,
  delegation: { type: 'client' },
  audio: { format: { type: 'audio/pcm', rate: 24000 }, output: { voice: 'marin' } },
});

export const liveStarted = (id: string, expiresAtS: number, model?: string): SessionStartedEvent => ({
  type: 'session.started',
  event_id: `event_${id}_started`,
  session: liveSession(id, expiresAtS, model),
});

export const liveUsage = (seconds: number): SessionUsageUpdatedEvent => ({
  type: 'session.usage.updated',
  event_id: `event_usage_${seconds}`,
  usage: { seconds },
  context_window: { usage_ratio: 0.04 },
});

export const liveClosed = (id: string, expiresAtS: number, seconds: number, reason: SessionClosedEvent['reason'] = 'close_requested'): SessionClosedEvent => ({
  type: 'session.closed',
  event_id: `event_${id}_closed`,
  reason,
  session: liveSession(id, expiresAtS),
  usage: { seconds },
});
