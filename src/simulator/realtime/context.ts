import type { RealtimeServerEvent } from 'openai/resources/realtime/realtime';
import type { SessionOptions } from './session';
import type { SimSessionConfig } from './config';

/** What the parts of a Realtime session (conversation, turns, responses) share: its config and its way out. */
export interface RealtimeContext {
  readonly options: SessionOptions;
  readonly config: SimSessionConfig;
  /** True once the socket is gone. */
  readonly closed: boolean;
  emit(event: RealtimeServerEvent): void;
  sendError(code: string, message: string, param: string | null, clientEventId: string | null): void;
}
