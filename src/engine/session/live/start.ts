import type { FunctionTool, InitialItem, SessionConfig, SessionStartEvent } from 'openai/resources/live/live';
import { ENGINE_SAMPLE_RATE } from '../../audio/devices/types';
import { voiceFor, type Settings } from '../../settings';
import type { ReplayTurn } from '../replay-record';
import type { ToolDefinition } from '../../tools/types';
import { LIVE_BACKEND_INSTRUCTIONS } from './messages';

/** GPT-Live takes at most 128 history messages at startup. */
export const MAX_START_HISTORY = 128;

/**
 * The `session.start` of a GPT-Live session: model, instructions, voice, 24 kHz PCM both ways,
 * and the conversation so far as text `input` history (a renewal or reconnect carries it over;
 * the first session of a run has none). On Azure the model is the deployment's name. With tools,
 * the session delegates to a Responses backend that calls them (see delegations.ts); without, the
 * delegation is left out, which the service takes as client delegation.
 */
export function liveSessionStart(settings: Settings, turns: readonly ReplayTurn[], tools: readonly ToolDefinition[] = []): SessionStartEvent {
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
      ...(tools.length > 0 ? { delegation: responsesDelegation(settings, tools) } : {}),
    },
  };
}

/** Responses delegation whose backend may call Kaiwa's tools (`FunctionTool`: declared, run by Kaiwa). */
export function responsesDelegation(settings: Settings, tools: readonly ToolDefinition[]): SessionConfig.Responses {
  return {
    type: 'responses',
    responses: { model: settings.tools.liveBackendModel, instructions: LIVE_BACKEND_INSTRUCTIONS, tools: tools.map(functionTool) },
  };
}

export function functionTool({ name, description, parameters }: ToolDefinition): FunctionTool {
  return { type: 'function', name, description, parameters };
}

function historyItem({ speaker, text }: ReplayTurn): InitialItem {
  return speaker === 'user'
    ? { type: 'message', role: 'user', content: [{ type: 'input_text', text }] }
    : { type: 'message', role: 'assistant', content: [{ type: 'output_text', text }] };
}
