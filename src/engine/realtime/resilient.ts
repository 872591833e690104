import { EventEmitter } from 'node:events';
import type { ConversationItemCreateEvent, SessionUpdateEvent } from 'openai/resources/realtime/realtime';
import type { ErrorCode } from '../events';
import { ConnectionError, RealtimeConnection, type CloseInfo, type ProtocolErrorInfo } from './connection';
import { getDialect, type RealtimeClientEvent, type RealtimeServerEvent } from './dialects';
import type { Endpoint } from './endpoints';
import { BETA_RETIRED_CODE, BETA_RETIRED_MESSAGE } from './server-notices';
import { TimerSet } from './timers';
import { VersionSkew } from './version-skew';
import { say, type EngineMessage } from '../messages';
import { ReconnectPolicy, describeFailure, failureSaid, rolloverTimes, type BackoffOptions, type Failure, type RolloverOptions } from './reconnect';

/**
 * A Realtime session that outlives its sockets. It owns one RealtimeConnection at a time (a new
 * one per attempt) and keeps the conversation going across:
 * - a lost connection (network, server close, 5xx, 429): reconnect with backoff and jitter, then
 *   re-send `session.update` and replay the conversation so far as text items;
 * - the session duration limit: renew the session ahead of it at a quiet moment
 *   (make-before-break), or at once when the server says `session_expired`;
 * - a refusal a retry cannot fix (401/403/404, bad configuration): stop, once, with a clear message.
 *
 * While no connection is open, `send` drops the event: microphone audio captured during an outage
 * is never sent late as if it were live, and a cancel or truncate for the old session means
 * nothing to the new one.
 */

export type ResilientState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

export type SessionReason = 'initial' | 'reconnect' | 'rollover' | 'expired';

export interface ResilientEvents {
  /** A server event of the current session (`session_expired` is handled here, not forwarded). */
  event: [RealtimeServerEvent];
  'protocol-error': [ProtocolErrorInfo];
  /** `attempt` (1-based) while reconnecting; `delayMs` the wait before that attempt. */
  state: [{ state: ResilientState; attempt?: number; delayMs?: number }];
  /** The open connection was lost; reconnecting follows (or `failed`). In-flight turns are gone. */
  disconnected: [{ message: string; said: EngineMessage }];
  /**
   * A renewal (rollover or `session_expired`) is about to replace the current session: whatever
   * is in flight on it ends here. Emitted before the new session is configured and replayed.
   */
  handover: [{ reason: 'rollover' | 'expired' }];
  /**
   * The server refused a session parameter of its version's shape: it is left out from now on and
   * the configuration went again. Said once per parameter.
   */
  skew: [{ dropped: string; message: string; said: EngineMessage }];
  /** A session is configured and the history replayed into it. */
  session: [{ reason: SessionReason; replayed: number }];
  /** Gave up: nothing more will happen until `connect()` is called on a new instance. */
  failed: [{ code: ErrorCode; message: string; said: EngineMessage; status?: number }];
}

export interface ResilientConnectionOptions {
  endpoint: Endpoint;
  /** The `session.update` every new session gets (asked each time: settings may have changed). */
  sessionUpdate: () => SessionUpdateEvent;
  /** The conversation so far, as items to replay into a new session. */
  replay?: () => ConversationItemCreateEvent[];
  backoff?: BackoffOptions;
  /** Session renewal ahead of the 60-minute limit; `false` turns it off. */
  rollover?: RolloverOptions | false;
  /** Whether now is a good moment to renew (nobody speaking, nothing playing). Default: always. */
  canRollover?: () => boolean;
  /** Once a connection has stayed open this long, the next loss starts again at attempt 1. Default 10 s. */
  stableAfterMs?: number;
  connectTimeoutMs?: number;
}

export const DEFAULT_STABLE_AFTER_MS = 10_000;
/** What a session cannot go without, whatever the server says: its type and the audio formats Kaiwa speaks. */
const KEEP = new Set(['type', 'audio.input.format', 'audio.output.format']);
/** How often a due rollover looks for a quiet moment. */
const ROLLOVER_POLL_MS = 1_000;

export class ResilientConnection extends EventEmitter<ResilientEvents> {
  private readonly policy: ReconnectPolicy;
  private readonly rollover: { afterMs: number; forceAfterMs: number } | null;
  private current: RealtimeConnection | null = null;
  /** The next session, connecting while the current one still serves (rollover). */
  private pending: RealtimeConnection | null = null;
  private stateValue: ResilientState = 'idle';
  private openedAt = 0;
  private expired = false;
  private readonly timers = new TimerSet();
  private stableTimer: NodeJS.Timeout | null = null;
  private rolloverTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private sessionsOpened = 0;
  private readonly skew: VersionSkew<SessionUpdateEvent>;

  constructor(private readonly options: ResilientConnectionOptions) {
    super();
    const dialect = getDialect(options.endpoint.dialect);
    this.skew = new VersionSkew((param) => dialect.sessionParamPath(param), KEEP, 'kaiwa_session_');
    this.policy = new ReconnectPolicy(options.backoff);
    this.rollover = options.rollover === false ? null : rolloverTimes(options.rollover);
  }

  get state(): ResilientState {
    return this.stateValue;
  }

  /** The current attempt while reconnecting, else 0 once a connection has proved stable. */
  get attempt(): number {
    return this.policy.attempt;
  }

  /** The current session's `session.created`, if it came (the meter reads its id, model and expiry). */
  get sessionCreated(): Extract<RealtimeServerEvent, { type: 'session.created' }> | null {
    return this.current?.sessionCreated ?? null;
  }

  /** Sessions opened so far (the first one included). */
  get sessions(): number {
    return this.sessionsOpened;
  }

  get bufferedAmount(): number {
    return this.current?.bufferedAmount ?? 0;
  }

  /**
   * Opens the first session. Rejects with the ConnectionError when it cannot (no retry here: a
   * wrong key or an unreachable host at start is the user's to fix, and should say so at once).
   */
  async connect(): Promise<void> {
    if (this.stateValue !== 'idle') {
      throw new ConnectionError('internal', `connect() was already called (the connection is ${this.stateValue}).`, undefined, say('failure.openedTwice'));
    }
    this.setState({ state: 'connecting' });
    const connection = this.create();
    try {
      await connection.connect();
    } catch (error) {
      this.setState({ state: 'closed' });
      throw error;
    }
    if (this.isClosed()) {
      connection.close();
      return;
    }
    this.adopt(connection, 'initial');
  }

  /** Sends on the open connection; `false` (and nothing sent) while there is none. */
  send(event: RealtimeClientEvent): boolean {
    const connection = this.current;
    if (this.stateValue !== 'open' || !connection || connection.state !== 'open') return false;
    connection.send(event.type === 'session.update' ? this.skew.prepare(event) : event);
    return true;
  }

  /** Renews the session now (make-before-break), keeping the conversation. */
  renew(): Promise<void> {
    return this.roll('rollover');
  }

  /** Closes for good. Idempotent. */
  close(): void {
    if (this.stateValue === 'closed') return;
    this.setState({ state: 'closed' });
    this.clearTimers();
    const { current, pending } = this;
    this.current = null;
    this.pending = null;
    current?.close(1000, 'client closed');
    pending?.close(1000, 'client closed');
  }

  // ---- internals ----

  private create(): RealtimeConnection {
    return new RealtimeConnection(this.options.endpoint, { connectTimeoutMs: this.options.connectTimeoutMs });
  }

  /** Makes `connection` the current one: listeners, configuration, replay, timers. */
  private adopt(connection: RealtimeConnection, reason: SessionReason): void {
    this.current = connection;
    this.expired = false;
    connection.on('event', (event) => this.onEvent(connection, event));
    connection.on('protocol-error', (info) => {
      if (connection === this.current) this.emit('protocol-error', info);
    });
    connection.on('close', (info) => this.onClose(connection, info));

    connection.send(this.skew.prepare(this.options.sessionUpdate()));
    const items = this.options.replay?.() ?? [];
    for (const item of items) connection.send(item);
    this.sessionsOpened++;
    this.openedAt = performance.now();
    this.setState({ state: 'open' });
    this.emit('session', { reason, replayed: items.length });

    this.timers.clear(this.stableTimer);
    this.stableTimer = this.timers.later(this.options.stableAfterMs ?? DEFAULT_STABLE_AFTER_MS, () => this.policy.reset(), true);
    this.timers.clear(this.rolloverTimer);
    if (this.rollover) this.rolloverTimer = this.timers.later(this.rollover.afterMs, () => this.rolloverDue(), true);
  }

  /**
   * `adopt` from a timer or a socket callback: if configuring the new session throws (an event the
   * dialect cannot encode), stop with a message rather than leave a rejected promise behind.
   */
  private adoptOrFail(connection: RealtimeConnection, reason: SessionReason): void {
    try {
      this.adopt(connection, reason);
    } catch (error) {
      connection.close();
      this.current = null;
      this.setState({ state: 'closed' });
      this.clearTimers();
      const detail = (error as Error).message;
      this.emit('failed', { code: 'internal', message: `The new session could not be configured: ${detail}`, said: say('error.internalDetail', { detail }) });
    }
  }

  private onEvent(connection: RealtimeConnection, event: RealtimeServerEvent): void {
    if (connection !== this.current) return;
    if (event.type === 'error' && event.error.code === BETA_RETIRED_CODE) {
      // OpenAI retired the beta shape: the close (4000) that follows must not start a reconnect loop.
      this.setState({ state: 'closed' });
      this.clearTimers();
      this.dropCurrent();
      this.emit('failed', { code: 'config', message: BETA_RETIRED_MESSAGE, said: say('error.betaRetired') });
      return;
    }
    if (event.type === 'error') {
      const recovery = this.skew.recover(event.error);
      if (recovery) {
        connection.send(recovery.resend);
        this.emit('skew', { dropped: recovery.dropped, message: recovery.message, said: recovery.said });
        return;
      }
    }
    if (event.type === 'error' && event.error.code === 'session_expired') {
      // The server closes next; renew at once instead of treating it as a network loss.
      this.expired = true;
      void this.roll('expired');
      return;
    }
    this.emit('event', event);
  }

  private onClose(connection: RealtimeConnection, info: CloseInfo): void {
    if (connection !== this.current || this.stateValue === 'closed') return;
    this.current = null;
    this.timers.clear(this.stableTimer);
    this.timers.clear(this.rolloverTimer);
    if (this.expired) {
      if (!this.pending) void this.roll('expired');
      return;
    }
    const failure: Failure = { kind: 'close', close: info };
    this.emit('disconnected', { message: describeFailure(failure), said: failureSaid(failure) });
    this.retry(failure);
  }

  /** Decides on the failure: wait and try again, or give up. */
  private retry(failure: Failure): void {
    if (this.stateValue === 'closed') return;
    const decision = this.policy.next(failure);
    if (!decision.retry) {
      this.setState({ state: 'closed' });
      this.clearTimers();
      const status = failure.kind === 'handshake' ? failure.status : undefined;
      const { code, message, said } = decision;
      this.emit('failed', status === undefined ? { code, message, said } : { code, message, said, status });
      return;
    }
    this.setState({ state: 'reconnecting', attempt: decision.attempt, delayMs: decision.delayMs });
    this.timers.clear(this.retryTimer);
    this.retryTimer = this.timers.later(decision.delayMs, () => void this.attemptReconnect());
  }

  private async attemptReconnect(): Promise<void> {
    if (this.stateValue !== 'reconnecting') return;
    const connection = this.create();
    this.pending = connection;
    try {
      await connection.connect();
    } catch (error) {
      if (this.pending === connection) this.pending = null;
      this.retry(handshakeFailure(error));
      return;
    }
    if (this.pending !== connection || this.stateValue !== 'reconnecting') {
      connection.close();
      return;
    }
    this.pending = null;
    this.adoptOrFail(connection, 'reconnect');
  }

  private rolloverDue(): void {
    this.rolloverTimer = null;
    if (this.stateValue !== 'open' || !this.rollover) return;
    const age = performance.now() - this.openedAt;
    const quiet = this.options.canRollover?.() ?? true;
    if (quiet || age >= this.rollover.forceAfterMs) {
      void this.roll('rollover');
      return;
    }
    this.rolloverTimer = this.timers.later(this.rolloverPollMs(), () => this.rolloverDue(), true);
  }

  private rolloverPollMs(): number {
    return Math.min(ROLLOVER_POLL_MS, Math.max(10, (this.rollover?.afterMs ?? ROLLOVER_POLL_MS) / 20));
  }

  /**
   * Make-before-break: the next session connects and is configured while the current one still
   * serves; then it takes over and the old one closes. If the new one cannot connect, the current
   * one carries on (a rollover tries again shortly); if there is no current one, reconnect.
   */
  private async roll(reason: 'rollover' | 'expired'): Promise<void> {
    if (this.pending || this.stateValue === 'closed' || this.stateValue === 'reconnecting') return;
    const connection = this.create();
    this.pending = connection;
    try {
      await connection.connect();
    } catch (error) {
      if (this.pending !== connection) return;
      this.pending = null;
      const failure = handshakeFailure(error);
      if (this.current && !this.expired) {
        // The current session still works: keep it and try again shortly.
        this.timers.clear(this.rolloverTimer);
        this.rolloverTimer = this.timers.later(this.rolloverPollMs(), () => this.rolloverDue(), true);
        return;
      }
      this.dropCurrent();
      this.emit('disconnected', {
        message: `The session expired and could not be renewed: ${describeFailure(failure)}`,
        said: say('failure.renewFailed', { failure: failureSaid(failure) }),
      });
      this.retry(failure);
      return;
    }
    if (this.pending !== connection || this.isClosed()) {
      connection.close();
      return;
    }
    this.pending = null;
    this.emit('handover', { reason });
    this.dropCurrent();
    this.adoptOrFail(connection, reason);
  }

  /** Lets go of the current connection without treating its close as a failure. */
  private dropCurrent(): void {
    const old = this.current;
    this.current = null;
    old?.abandon('session renewed');
  }

  /** A method, not a field read: the state changes across awaits, which TS narrowing ignores. */
  private isClosed(): boolean {
    return this.stateValue === 'closed';
  }

  private setState(state: { state: ResilientState; attempt?: number; delayMs?: number }): void {
    const same = state.state === this.stateValue && state.attempt === undefined;
    this.stateValue = state.state;
    if (!same) this.emit('state', state);
  }

  private clearTimers(): void {
    this.timers.clearAll();
    this.stableTimer = this.rolloverTimer = this.retryTimer = null;
  }
}

/** A failed connect() as a Failure for the reconnect policy. */
export function handshakeFailure(error: unknown): Failure {
  if (error instanceof ConnectionError) {
    const retryAfterMs = (error as ConnectionError & { retryAfterMs?: number }).retryAfterMs;
    return {
      kind: 'handshake',
      code: error.code,
      message: error.message,
      said: error.said,
      ...(error.status !== undefined ? { status: error.status } : {}),
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    };
  }
  return { kind: 'handshake', code: 'network', message: (error as Error)?.message ?? String(error) };
}
