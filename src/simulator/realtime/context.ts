import type { RealtimeServerEvent } from 'openai/resources/realtime/realtime';
import type { DialectName } from '../../engine/realtime/dialects/types';
import type { FaultPlan } from '../faults';
import type { SimSessionConfig } from './config';
import type { RealtimeToolScript } from './tool-script';
import type { StrictOptions } from '../strict';
import type { ReplyBed } from '../reply-bed';

/** How the server runs its Realtime sessions (the same for each of its connections). */
export interface SessionOptions {
  dialect: DialectName;
  model: string;
  /** Length of every spoken reply. */
  replyMs: number;
  /** What sounds under every spoken reply (default none). */
  replyBed?: ReplyBed;
  /** How much faster than real time reply audio is sent (Infinity: as fast as possible). */
  realtimeFactor: number;
  /** Audio per `output_audio.delta`. */
  chunkMs: number;
  validateOutgoing: boolean;
  /** Events kept per direction in `received` / `sent` (0: none). Later ones are not kept. */
  recordLimit: number;
  faults: FaultPlan;
  /** Scripted tool use (`--tool-call`, MCP calls), shared by the server's sessions. */
  tools?: RealtimeToolScript;
  /** Refuse what the dialect's schema does not have, and the parameters named (strict.ts). */
  strict?: StrictOptions;
}

/** What the parts of a Realtime session (conversation, turns, responses) share: its config and its way out. */
export interface RealtimeContext {
  readonly options: SessionOptions;
  readonly config: SimSessionConfig;
  /** True once the socket is gone. */
  readonly closed: boolean;
  emit(event: RealtimeServerEvent): void;
  sendError(code: string, message: string, param: string | null, clientEventId: string | null): void;
}
