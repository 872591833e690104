import type { FunctionTool } from 'openai/resources/live/live';
import { pcm16ToBase64 } from '../audio/pcm';

/**
 * Every client event Kaiwa sends on a GPT-Live session, built in one place. The return types are
 * inferred (not declared as `ClientEvent`), so the type-level test can check that each one is
 * assignable to `ClientEvent` of `openai/resources/live/live`; `session.start` is built by
 * session/live/start.ts, typed `SessionStartEvent` from the same package.
 */
export const liveClientEvents = {
  audio: (pcm: Int16Array) => ({ type: 'session.input_audio.append' as const, audio: pcm16ToBase64(pcm) }),
  mute: () => ({ type: 'session.input_audio.mute' as const }),
  unmute: () => ({ type: 'session.input_audio.unmute' as const }),
  /** Raw 24 kHz PCM16 played through the session output; the model's speech stops for it. */
  fixture: (eventId: string, pcm: Int16Array) => ({ type: 'session.output_audio.fixture.play' as const, event_id: eventId, audio: pcm16ToBase64(pcm) }),
  instructions: (content: string, eventId?: string) => ({
    type: 'session.instructions.append' as const,
    ...(eventId ? { event_id: eventId } : {}),
    delegation_id: null,
    content,
  }),
  /**
   * Speakable context for the model (`session.commentary.append`): a delegated result to tell the
   * user, or a reminder. `delegationId` null is general context (the only kind Responses delegation
   * accepts).
   */
  commentary: (content: string, delegationId: string | null) => ({
    type: 'session.commentary.append' as const,
    delegation_id: delegationId,
    content,
  }),
  /** Silent context for the model (`session.thinking.append`): it does not ask for speech. */
  thinking: (content: string) => ({ type: 'session.thinking.append' as const, delegation_id: null, content }),
  /**
   * A picture for the Responses backend's conversation (Responses delegation only): a user message
   * with an `input_image` part, which the Live model itself cannot take (session/live/pictures.ts).
   */
  picture: (dataUrl: string) => ({
    type: 'response.item.create' as const,
    item: { type: 'message' as const, role: 'user' as const, content: [{ type: 'input_image' as const, image_url: dataUrl, detail: 'auto' as const }] },
  }),
  /** A tool's result for the Responses backend's function call (Responses delegation only). */
  functionOutput: (callId: string, output: string) => ({
    type: 'response.item.create' as const,
    item: { type: 'function_call_output' as const, call_id: callId, output },
  }),
  /** The tools the Responses backend may call from now on (the rest of the delegation stays as it is). */
  delegationTools: (tools: FunctionTool[]) => ({
    type: 'session.update' as const,
    session: { delegation: { type: 'responses' as const, responses: { tools } } },
  }),
  /** Continues the delegated response that waits for tool results (Responses delegation only). */
  continueResponse: () => ({ type: 'response.create' as const }),
  close: () => ({ type: 'session.close' as const }),
};
