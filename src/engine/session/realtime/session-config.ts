import type { RealtimeAudioInputTurnDetection, RealtimeSessionCreateRequest, RealtimeToolsConfigUnion, SessionUpdateEvent } from 'openai/resources/realtime/realtime';
import type { SessionTools } from '../../tools/types';
import { voiceFor, type Settings } from '../../settings';
import { ENGINE_SAMPLE_RATE } from '../../audio/devices/types';

/**
 * The tools to declare: Kaiwa's functions, and (GA only: the beta protocol has no MCP tools) the
 * remote MCP servers. With a tool box the list is always sent, empty too, so turning tools off
 * takes them away from a running session.
 */
export function toolsConfig(tools: SessionTools, withMcp: boolean): RealtimeToolsConfigUnion[] {
  const functions = tools.definitions().map(({ name, description, parameters }): RealtimeToolsConfigUnion => ({ type: 'function', name, description, parameters }));
  return withMcp ? [...functions, ...tools.mcpTools()] : functions;
}

/** Settings as the GA `session.update` every Realtime session (first, reconnected, renewed) gets. */
export function sessionUpdate(s: Settings, tools?: RealtimeToolsConfigUnion[]): SessionUpdateEvent {
  const session: RealtimeSessionCreateRequest = {
    type: 'realtime',
    // No `model`: the URL chose it (and the beta schema accepts only preview model names here).
    instructions: s.instructions,
    output_modalities: ['audio'],
    audio: {
      input: {
        format: { type: 'audio/pcm', rate: ENGINE_SAMPLE_RATE },
        transcription: { model: s.transcriptionModel, ...(s.transcriptionLanguage ? { language: s.transcriptionLanguage } : {}) },
        turn_detection: turnDetection(s),
        // Off is its absence: the schema has no null here (see needsNewSession for turning it off).
        ...(s.noiseReduction === 'off' ? {} : { noise_reduction: { type: s.noiseReduction } }),
      },
      output: { format: { type: 'audio/pcm', rate: ENGINE_SAMPLE_RATE }, voice: voiceFor(s), speed: s.speed },
    },
    ...(tools ? { tools, tool_choice: 'auto' as const } : {}),
  };
  return { type: 'session.update', session };
}

function turnDetection(s: Settings): RealtimeAudioInputTurnDetection | null {
  const td = s.turnDetection;
  // 'pause-then-decide': the client decides whether speech interrupts, and asks for replies itself.
  const interrupt = s.interruption.mode === 'immediate';
  switch (td.mode) {
    case 'manual':
      return null;
    case 'semantic_vad':
      return { type: 'semantic_vad', eagerness: td.eagerness, create_response: interrupt, interrupt_response: interrupt };
    case 'server_vad':
      return {
        type: 'server_vad',
        threshold: td.threshold,
        silence_duration_ms: td.silenceDurationMs,
        prefix_padding_ms: td.prefixPaddingMs,
        create_response: interrupt,
        interrupt_response: interrupt,
      };
  }
}
