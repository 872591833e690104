import type { InitialItem, SessionStartEvent } from 'openai/resources/live/live';
import { ENGINE_SAMPLE_RATE } from '../../audio/devices/types';
import { voiceFor, type Settings } from '../../settings';
import type { ReplayTurn } from '../replay-record';

/** GPT-Live takes at most 128 history messages at startup. */
export const MAX_START_HISTORY = 128;

/**
 * The `session.start` of a GPT-Live session: model, instructions, voice, 24 kHz PCM both ways,
 * and the conversation so far as text `input` history (a renewal or reconnect carries it over;
 * the first session of a run has none). On Azure the model is the deployment's name.
 */
export function liveSessionStart(settings: Settings, turns: readonly ReplayTurn[]): SessionStartEvent {
  const model = settings.provider === 'azure' ? (settings.azure.deployment ?? settings.model) : settings.model;
  const input = turns.slice(-MAX_START_HISTORY).map(historyItem);
  return {
    type: 'session.start',
    session: {
      model,
      instructions: settings.instructions,
      audio: {
        format: { type: 'audio/pcm', rate: ENGINE_SAMPLE_RATE },
        output: { voice: voiceFor(settings) },
      },
      ...(input.length > 0 ? { input } : {}),
    },
  };
}

function historyItem({ speaker, text }: ReplayTurn): InitialItem {
  return speaker === 'user'
    ? { type: 'message', role: 'user', content: [{ type: 'input_text', text }] }
    : { type: 'message', role: 'assistant', content: [{ type: 'output_text', text }] };
}
