/**
 * A conversation's tokens, summed over its responses, with every detail filled in. Cached tokens
 * are part of the input tokens (the Realtime API counts them in both), billed at the cached rate.
 */
export interface TokenTotals {
  input: number;
  output: number;
  total: number;
  inputText: number;
  inputAudio: number;
  inputImage: number;
  cachedText: number;
  cachedAudio: number;
  cachedImage: number;
  outputText: number;
  outputAudio: number;
}

/**
 * What the meter says about the current conversation (one Assistant start..stop, across reconnects
 * and renewals): the `meter` event's payload and the history's `meter` entry. Plain data.
 */
export interface MeterReading {
  /** Tokens of the conversation's Realtime responses (all zero when none ran). */
  tokens: TokenTotals;
  /** GPT-Live's active seconds, summed over the conversation's sessions (zero when none ran). */
  liveSeconds: number;
  /** Estimated US dollars from the price table; null when a model that was used has no price there. */
  costUsd: number | null;
  /** The models that were used (as the server reported them, else as configured). */
  models: string[];
  /** Those of them the price table does not know. */
  unknownModels: string[];
  /** The spending cap of this conversation (US dollars), when one is set. */
  capUsd?: number;
  /** The estimated cost has reached the cap: the microphone is held until the cap is raised or a new conversation starts. */
  capReached: boolean;
  /**
   * When the current session reaches its time limit (Unix ms): the Realtime session's `expires_at`
   * (60 minutes after it started when the server does not say), GPT-Live's `expires_at`. Kaiwa
   * renews the session before then and the conversation carries on; absent once it has ended.
   */
  sessionExpiresAt?: number;
  /** Sessions the conversation has used: the first, then one per reconnect or renewal. */
  sessions: number;
  /** The date of the price table's prices (YYYY-MM-DD). */
  pricesAsOf: string;
  /** The conversation has ended: this is its total. */
  final: boolean;
}
