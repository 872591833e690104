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

/**
 * Settings as the GA `session.update` every Realtime session (first, reconnected, renewed) gets.
 * Only what the user set or the protocol needs goes out: a setting at the protocol's documented
 * default is the field's absence (no `speed: 1`, no `tool_choice: "auto"`, no VAD flags that are
 * true anyway), so a server of an older version is not refused a field it does not know. An update
 * to a running session (`previous`: its settings) also names a field going back to its default,
 * which the session would otherwise keep.
 */
export function sessionUpdate(s: Settings, tools?: RealtimeToolsConfigUnion[], previous?: Settings): SessionUpdateEvent {
  const session: RealtimeSessionCreateRequest = {
    type: 'realtime',
    // No `model`: the URL chose it (and the beta schema accepts only preview model names here).
    instructions: s.instructions,
    output_modalities: ['audio'],
    audio: {
      input: {
        format: { type: 'audio/pcm', rate: ENGINE_SAMPLE_RATE },
        transcription: { model: s.transcriptionModel, ...(s.transcriptionLanguage ? { language: s.transcriptionLanguage } : {}) },
        turn_detection: turnDetection(s, previous),
        // Off is its absence: the schema has no null here (see needsNewSession for turning it off).
        ...(s.noiseReduction === 'off' ? {} : { noise_reduction: { type: s.noiseReduction } }),
      },
      output: {
        format: { type: 'audio/pcm', rate: ENGINE_SAMPLE_RATE },
        voice: voiceFor(s),
        ...(isSet(s.speed, PROTOCOL_DEFAULT.speed, previous?.speed) ? { speed: s.speed } : {}),
      },
    },
    ...(tools ? { tools } : {}),
  };
  return { type: 'session.update', session };
}

/** What an absent field means, as both schemas document it. */
const PROTOCOL_DEFAULT = { speed: 1, eagerness: 'auto', serverDecides: true } as const;

/** Whether a field goes out: away from its default now, or before (then it is set back). */
function isSet<T>(value: T, fallback: T, before: T | undefined): boolean {
  return value !== fallback || (before !== undefined && before !== fallback);
}

function turnDetection(s: Settings, previous: Settings | undefined): RealtimeAudioInputTurnDetection | null {
  const td = s.turnDetection;
  // 'pause-then-decide': the client decides whether speech interrupts, and asks for replies itself.
  // Both flags default to true; the 2024-10 preview servers do not know them at all.
  const decides = (settings: Settings) => settings.interruption.mode === 'immediate';
  const flags = isSet(decides(s), PROTOCOL_DEFAULT.serverDecides, previous && decides(previous))
    ? { create_response: decides(s), interrupt_response: decides(s) }
    : {};
  switch (td.mode) {
    case 'manual':
      return null;
    case 'semantic_vad': {
      const eagerness = isSet<string>(td.eagerness, PROTOCOL_DEFAULT.eagerness, previous?.turnDetection.eagerness);
      return { type: 'semantic_vad', ...(eagerness ? { eagerness: td.eagerness } : {}), ...flags };
    }
    case 'server_vad':
      // The timings are always sent: servers' own defaults differ from the documented ones.
      return {
        type: 'server_vad',
        threshold: td.threshold,
        silence_duration_ms: td.silenceDurationMs,
        prefix_padding_ms: td.prefixPaddingMs,
        ...flags,
      };
  }
}
