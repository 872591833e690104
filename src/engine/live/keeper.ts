import { EventEmitter } from 'node:events';
import type { ClientEvent, ServerEvent, SessionClosedEvent, SessionStartEvent, SessionStartedEvent, SessionUpdateEvent } from 'openai/resources/live/live';
import type { ErrorCode } from '../events';
import { say, type EngineMessage } from '../messages';
import { ConnectionError, DEFAULT_CONNECT_TIMEOUT_MS, type CloseInfo, type ProtocolErrorInfo } from '../realtime/connection';
import { ReconnectPolicy, describeFailure, failureSaid, type BackoffOptions, type Failure } from '../realtime/reconnect';
import { DEFAULT_STABLE_AFTER_MS, handshakeFailure } from '../realtime/resilient';
import { describeServerError } from '../realtime/server-notices';
import { TimerSet } from '../realtime/timers';
import { VersionSkew } from '../realtime/version-skew';
import { liveClientEvents } from './client-events';
import { LiveConnection } from './connection';
import type { LiveEndpoint } from './endpoints';

/**
 * A GPT-Live conversation that outlives its sessions. It owns one LiveConnection at a time and:
 * - starts every session the same way: `session.start` first (with the conversation so far as
 *   `input` history, asked anew each time), then nothing until `session.started`;
 * - renews the session ahead of its `expires_at` (the session resource's expiry time) at a quiet
 *   moment, make-before-break: the next session starts (with the conversation so far) while the
 *   current one still serves, then takes over, and the old one is closed with `session.close` (its
 *   final usage still reported); a renewal that cannot connect leaves the current session serving
 *   and tries again shortly;
 * - renews the session at once when the server closes it with `expired` anyway (the duration limit);
 * - reconnects with the Realtime path's backoff policy when the socket drops or the server reports
 *   `connection_lost`;
 * - stops, once, with a clear message on what a new session cannot fix: a refused key, an unknown
 *   model, the safety filter (`content`), the server hanging up (`remote_hangup`);
 * - on close, sends `session.close` and waits (bounded) for `session.closed` and its final usage.
 *
 * While no session is started, `send` drops the event: microphone audio from an outage is never
 * sent late as if it were live.
 */

export type LiveKeeperState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closing' | 'closed';

/** 'rollover': renewed ahead of expiry, make-before-break; 'renewal': after the server closed it as expired. */
export type LiveSessionReason = 'initial' | 'reconnect' | 'renewal' | 'rollover';

export interface LiveKeeperEvents {
  /** A server event of the started session (`session.started` and `session.closed` are reported as `session`/`closed`). */
  event: [ServerEvent];
  'protocol-error': [ProtocolErrorInfo];
  state: [{ state: LiveKeeperState; attempt?: number; delayMs?: number }];
  /** A session started; for 'reconnect' and 'renewal' the conversation went along as `input`. */
  session: [{ reason: LiveSessionReason; started: SessionStartedEvent }];
  /** The server closed a session, with its reason and final usage. */
  closed: [SessionClosedEvent];
  /** The session in progress is gone; a renewal or reconnect follows (or `failed`). */
  ended: [{ reason: 'expired' | 'lost'; message: string; said: EngineMessage }];
  /** A rollover's new session is about to take over: whatever is in flight on the old one ends here. */
  handover: [];
  /** The server refused a session parameter (`session.start` or `session.update`): left out from now on, said once. */
  skew: [{ dropped: string; message: string; said: EngineMessage }];
  /** Gave up: nothing more happens on this keeper. */
  failed: [{ code: ErrorCode; message: string; said: EngineMessage }];
}

export interface LiveKeeperOptions {
  endpoint: LiveEndpoint;
  /** The `session.start` of every new session (asked each time: the history grows). */
  start: () => SessionStartEvent;
  backoff?: BackoffOptions;
  /** Once a session has lasted this long, the next loss starts again at attempt 1. Default 10 s. */
  stableAfterMs?: number;
  /** The WebSocket handshake, and then `session.started`, each within this. Default 10 s. */
  connectTimeoutMs?: number;
  /** How long `close()` waits for `session.closed`. Default 2 s. */
  closeTimeoutMs?: number;
  /** Renewal ahead of the session's `expires_at`; `false` waits for the server's `expired`. */
  renewal?: RenewalOptions | false;
  /** Whether now is a good moment to renew (nobody speaking, nothing playing). Default: always. */
  canRenew?: () => boolean;
}

export interface RenewalOptions {
  /** Start looking for a quiet moment this long before expiry (at most a quarter of the lifetime). Default 5 min. */
  aheadMs?: number;
  /** Renew even mid-turn this long before expiry (at most a tenth of the lifetime). Default 1 min. */
  forceAheadMs?: number;
}

export const DEFAULT_CLOSE_TIMEOUT_MS = 2_000;
export const DEFAULT_RENEWAL = { aheadMs: 5 * 60_000, forceAheadMs: 60_000 } as const;
/** How often a due renewal looks for a quiet moment (less for short sessions). */
const RENEWAL_POLL_MS = 1_000;
/** What a Live session cannot go without: the model, and the audio format Kaiwa speaks. */
const KEEP = new Set(['model', 'audio.format']);

/**
 * When to renew a session that expires at `expiresAt` (Unix seconds, as `SessionResource.expires_at`
 * says), from `nowMs` (Unix ms): ms from now until renewal is due, and until it is forced. Null when
 * the session carries no usable expiry (missing, zero, already past).
 */
export function renewalTimes(expiresAt: number | undefined, nowMs: number, options: RenewalOptions = {}): { dueInMs: number; forceInMs: number; pollMs: number } | null {
  if (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt) || expiresAt <= 0) return null;
  const lifetimeMs = expiresAt * 1000 - nowMs;
  if (!(lifetimeMs > 0)) return null;
  const ahead = Math.min(options.aheadMs ?? DEFAULT_RENEWAL.aheadMs, lifetimeMs / 4);
  const forceAhead = Math.min(options.forceAheadMs ?? DEFAULT_RENEWAL.forceAheadMs, lifetimeMs / 10, ahead);
  return {
    dueInMs: lifetimeMs - ahead,
    forceInMs: lifetimeMs - forceAhead,
    pollMs: Math.min(RENEWAL_POLL_MS, Math.max(10, (ahead - forceAhead) / 20)),
  };
}

/** What each `session.closed` reason means when Kaiwa did not ask for it (`expired`/`connection_lost` carry on). */
const FINAL_REASONS: Record<string, { code: ErrorCode; message: string; said: EngineMessage }> = {
  content: { code: 'server', message: 'The session was ended by the safety filter.', said: say('failure.liveSafetyFilter') },
  remote_hangup: { code: 'server', message: 'The server ended the session.', said: say('failure.liveServerEnded') },
  close_requested: { code: 'server', message: 'The session was closed by the server.', said: say('failure.liveServerClosed') },
};

export class LiveKeeper extends EventEmitter<LiveKeeperEvents> {
  private readonly policy: ReconnectPolicy;
  private current: LiveConnection | null = null;
  private pending: LiveConnection | null = null;
  private stateValue: LiveKeeperState = 'idle';
  /** The current connection's session was closed by the server (its socket close is expected). */
  private serverClosed = false;
  private readonly timers = new TimerSet();
  private stableTimer: NodeJS.Timeout | null = null;
  private closing: Promise<SessionClosedEvent | null> | null = null;
  private lastClosed: SessionClosedEvent | null = null;
  private sessionsStarted = 0;
  /** A rollover's next session is starting while the current one serves. */
  private rolling = false;
  private renewalTimer: NodeJS.Timeout | null = null;
  /** performance.now() after which a due renewal no longer waits for a quiet moment. */
  private forceRenewalAt = Number.POSITIVE_INFINITY;
  private renewalPollMs = RENEWAL_POLL_MS;
  private readonly skew = new VersionSkew<SessionStartEvent | SessionUpdateEvent>((param) => param.split('.'), KEEP, 'kaiwa_session_');

  constructor(private readonly options: LiveKeeperOptions) {
    super();
    this.policy = new ReconnectPolicy(options.backoff);
  }

  get state(): LiveKeeperState {
    return this.stateValue;
  }

  /** Sessions started so far (the first one included). */
  get sessions(): number {
    return this.sessionsStarted;
  }

  /**
   * Starts the first session. Rejects with a ConnectionError when it cannot (no retry: a wrong key
   * or an unreachable host at start is the user's to fix, and should say so at once).
   */
  async open(): Promise<SessionStartedEvent> {
    if (this.stateValue !== 'idle') throw new ConnectionError('internal', `open() was already called (the session is ${this.stateValue}).`, undefined, say('failure.openedTwice'));
    this.setState({ state: 'connecting' });
    let result: { connection: LiveConnection; started: SessionStartedEvent };
    try {
      result = await this.startSession();
    } catch (error) {
      if (!this.isEnding()) this.setState({ state: 'closed' });
      throw error;
    }
    if (this.isEnding()) {
      result.connection.close(1000, 'client closed');
      throw new ConnectionError('network', 'The session was closed before it started.', undefined, say('failure.closedBeforeOpen'));
    }
    this.adopt(result.connection, result.started, 'initial');
    return result.started;
  }

  /** Sends on the started session; `false` (and nothing sent) while there is none. */
  send(event: ClientEvent): boolean {
    const connection = this.current;
    if (this.stateValue !== 'open' || !connection || connection.state !== 'open') return false;
    connection.send(event.type === 'session.update' ? this.skew.prepare(event) : event);
    return true;
  }

  /**
   * Ends the conversation: `session.close`, then up to `closeTimeoutMs` for `session.closed`
   * (its final usage), then the socket closes. Idempotent; resolves with the `session.closed`
   * event, or null when none came.
   */
  close(): Promise<SessionClosedEvent | null> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  // ---- internals ----

  private async shutdown(): Promise<SessionClosedEvent | null> {
    const wasOpen = this.stateValue === 'open';
    this.setState({ state: 'closing' });
    this.clearTimers();
    const pending = this.pending;
    this.pending = null;
    pending?.close(1000, 'client closed');
    const connection = this.current;
    if (wasOpen && connection && connection.state === 'open' && !this.serverClosed) {
      const closed = new Promise<SessionClosedEvent | null>((resolve) => {
        const timer = setTimeout(() => done(null), this.options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS);
        const onEvent = (event: ServerEvent) => {
          if (event.type === 'session.closed') done(event);
        };
        const onClose = () => done(null);
        const done = (event: SessionClosedEvent | null) => {
          clearTimeout(timer);
          connection.off('event', onEvent);
          connection.off('close', onClose);
          resolve(event);
        };
        connection.on('event', onEvent);
        connection.on('close', onClose);
      });
      try {
        connection.send(liveClientEvents.close());
      } catch {
        // The socket went away meanwhile: nothing to wait for.
      }
      const event = await closed;
      if (event) this.lastClosed = event;
    }
    this.current = null;
    connection?.close(1000, 'client closed');
    this.setState({ state: 'closed' });
    return this.lastClosed;
  }

  /** Connects and starts a session: `session.start`, then `session.started` within the connect timeout. */
  private async startSession(): Promise<{ connection: LiveConnection; started: SessionStartedEvent }> {
    const timeoutMs = this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    const connection = new LiveConnection(this.options.endpoint, { connectTimeoutMs: timeoutMs });
    this.pending = connection;
    try {
      await connection.connect();
      const start = this.skew.prepare(this.options.start());
      return await new Promise((resolve, reject) => {
        const fail = (error: ConnectionError) => {
          cleanup();
          connection.close(1000, 'session not started');
          reject(error);
        };
        const timer = setTimeout(
          () => {
            const seconds = Math.round(timeoutMs / 1000);
            fail(new ConnectionError('network', `The server did not start the session within ${seconds} s.`, undefined, say('failure.liveStartTimeout', { seconds })));
          },
          timeoutMs,
        );
        const onEvent = (event: ServerEvent) => {
          if (event.type === 'session.started') {
            cleanup();
            resolve({ connection, started: event });
          } else if (event.type === 'error') {
            if (this.recovered(connection, event)) return;
            const info = describeServerError(event);
            fail(new ConnectionError(info.code, `The server refused to start the session: ${info.message}`, undefined, say('failure.liveStartRefused', { failure: info.said })));
          } else if (event.type === 'session.closed') {
            fail(
              new ConnectionError('server', `The server closed the session before it started (${event.reason}).`, undefined, say('failure.liveStartClosed', { reason: String(event.reason) })),
            );
          }
        };
        const onProtocolError = (info: ProtocolErrorInfo) =>
          fail(
            new ConnectionError('protocol', `The server answered session.start with a malformed event: ${info.message}`, undefined, say('failure.liveStartMalformed', { detail: info.message })),
          );
        const onClose = (info: CloseInfo) => {
          cleanup();
          const closed = say('failure.liveStartConnectionClosed', { code: info.code });
          const said = info.reason ? say('failure.serverSaid', { failure: closed, detail: info.reason }) : closed;
          reject(new ConnectionError('network', `The server closed the connection before the session started (${info.code}${info.reason ? `: ${info.reason}` : ''}).`, undefined, said));
        };
        const cleanup = () => {
          clearTimeout(timer);
          connection.off('event', onEvent);
          connection.off('protocol-error', onProtocolError);
          connection.off('close', onClose);
        };
        connection.on('event', onEvent);
        connection.on('protocol-error', onProtocolError);
        connection.on('close', onClose);
        connection.send(start);
      });
    } finally {
      if (this.pending === connection) this.pending = null;
    }
  }

  private adopt(connection: LiveConnection, started: SessionStartedEvent, reason: LiveSessionReason): void {
    this.current = connection;
    this.serverClosed = false;
    connection.on('event', (event) => this.onEvent(connection, event));
    connection.on('protocol-error', (info) => {
      if (connection === this.current) this.emit('protocol-error', info);
    });
    connection.on('close', (info) => this.onClose(connection, info));
    this.sessionsStarted++;
    this.setState({ state: 'open' });
    this.emit('session', { reason, started });
    this.timers.clear(this.stableTimer);
    this.stableTimer = this.timers.later(this.options.stableAfterMs ?? DEFAULT_STABLE_AFTER_MS, () => this.policy.reset(), true);
    this.scheduleRenewal(started);
  }

  private scheduleRenewal(started: SessionStartedEvent): void {
    this.timers.clear(this.renewalTimer);
    this.renewalTimer = null;
    if (this.options.renewal === false) return;
    const times = renewalTimes(started.session.expires_at, Date.now(), this.options.renewal);
    if (!times) return;
    this.forceRenewalAt = performance.now() + times.forceInMs;
    this.renewalPollMs = times.pollMs;
    this.renewalTimer = this.timers.later(times.dueInMs, () => this.renewalDue(), true);
  }

  private renewalDue(): void {
    this.renewalTimer = null;
    if (this.stateValue !== 'open' || this.rolling) return;
    const quiet = this.options.canRenew?.() ?? true;
    if (quiet || performance.now() >= this.forceRenewalAt) {
      void this.rollover();
      return;
    }
    this.renewalTimer = this.timers.later(this.renewalPollMs, () => this.renewalDue(), true);
  }

  /**
   * Make-before-break: the next session starts while the current one serves, then takes over and
   * the old one is closed. If the next one cannot start, the current one carries on (and the
   * renewal tries again shortly); if the current one is gone meanwhile, the reconnect path.
   */
  private async rollover(): Promise<void> {
    this.rolling = true;
    let result: { connection: LiveConnection; started: SessionStartedEvent };
    try {
      result = await this.startSession();
    } catch (error) {
      this.rolling = false;
      if (this.isEnding()) return;
      if (this.current && this.stateValue === 'open') {
        this.renewalTimer = this.timers.later(this.renewalPollMs, () => this.renewalDue(), true);
        return;
      }
      this.retry(handshakeFailure(error));
      return;
    }
    this.rolling = false;
    if (this.isEnding()) {
      result.connection.close(1000, 'client closed');
      return;
    }
    const old = this.current;
    if (old && this.stateValue === 'open') {
      this.emit('handover');
      this.retire(old);
      this.adopt(result.connection, result.started, 'rollover');
    } else {
      // The old session ended while the next one was starting (expired, or lost): it takes over.
      this.adopt(result.connection, result.started, 'renewal');
    }
  }

  /**
   * The old session of a rollover: `session.close`, its `session.closed` (final usage) reported
   * as `closed`, then the socket closes (or after the close timeout).
   */
  private retire(old: LiveConnection): void {
    this.current = null;
    this.timers.clear(this.stableTimer);
    old.removeAllListeners();
    const timer = setTimeout(() => finish(), this.options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS);
    timer.unref();
    const finish = () => {
      clearTimeout(timer);
      old.abandon('session renewed');
    };
    old.on('event', (event) => {
      if (event.type !== 'session.closed') return;
      this.emit('closed', event);
      finish();
    });
    old.on('protocol-error', () => {});
    old.on('close', () => clearTimeout(timer));
    try {
      old.send(liveClientEvents.close());
    } catch {
      finish();
    }
  }

  /** A refused session parameter dropped and the configuration sent again (see version-skew.ts). */
  private recovered(connection: LiveConnection, event: Extract<ServerEvent, { type: 'error' }>): boolean {
    const recovery = this.skew.recover(event.error);
    if (!recovery) return false;
    connection.send(recovery.resend);
    this.emit('skew', { dropped: recovery.dropped, message: recovery.message, said: recovery.said });
    return true;
  }

  private onEvent(connection: LiveConnection, event: ServerEvent): void {
    if (connection !== this.current) return;
    if (event.type === 'error' && this.recovered(connection, event)) return;
    if (event.type !== 'session.closed') {
      this.emit('event', event);
      return;
    }
    this.serverClosed = true;
    this.lastClosed = event;
    this.emit('closed', event);
    if (this.isEnding()) return; // close() is waiting for exactly this
    this.dropCurrent();
    switch (event.reason) {
      case 'expired':
        this.emit('ended', { reason: 'expired', message: 'The session reached its time limit.', said: say('notice.liveExpiredRenewed') });
        // A rollover already starting the next session: it takes over when it has.
        if (this.rolling) this.setState({ state: 'reconnecting', attempt: 1, delayMs: 0 });
        else void this.renew();
        return;
      case 'connection_lost': {
        const failure: Failure = { kind: 'close', close: { code: 1006, reason: 'connection lost', wasClean: false } };
        this.emit('ended', { reason: 'lost', message: 'The server lost the connection.', said: say('failure.liveConnectionLost') });
        this.retry(failure);
        return;
      }
      default: {
        const reason = String(event.reason);
        const final = FINAL_REASONS[reason] ?? { code: 'server' as const, message: `The session ended (${reason}).`, said: say('failure.liveEnded', { reason }) };
        this.fail(final.code, final.message, final.said);
      }
    }
  }

  private onClose(connection: LiveConnection, info: CloseInfo): void {
    if (connection !== this.current || this.isEnding()) return;
    this.current = null;
    this.timers.clear(this.stableTimer);
    const failure: Failure = { kind: 'close', close: info };
    this.emit('ended', { reason: 'lost', message: describeFailure(failure), said: failureSaid(failure) });
    this.retry(failure);
  }

  /** A new session at once, the conversation carried over; on failure, the reconnect path. */
  private async renew(): Promise<void> {
    this.setState({ state: 'reconnecting', attempt: 1, delayMs: 0 });
    try {
      const { connection, started } = await this.startSession();
      if (this.isEnding()) {
        connection.close(1000, 'client closed');
        return;
      }
      this.adopt(connection, started, 'renewal');
    } catch (error) {
      this.retry(handshakeFailure(error));
    }
  }

  private retry(failure: Failure): void {
    if (this.isEnding()) return;
    const decision = this.policy.next(failure);
    if (!decision.retry) {
      this.fail(decision.code, decision.message, decision.said);
      return;
    }
    this.setState({ state: 'reconnecting', attempt: decision.attempt, delayMs: decision.delayMs });
    this.timers.later(decision.delayMs, () => void this.attemptReconnect());
  }

  private async attemptReconnect(): Promise<void> {
    if (this.stateValue !== 'reconnecting') return;
    // A rollover is starting a session already: its outcome decides (it retries if it fails).
    if (this.rolling) return;
    try {
      const { connection, started } = await this.startSession();
      if (this.isEnding()) {
        connection.close(1000, 'client closed');
        return;
      }
      this.adopt(connection, started, 'reconnect');
    } catch (error) {
      this.retry(handshakeFailure(error));
    }
  }

  private fail(code: ErrorCode, message: string, said: EngineMessage): void {
    this.dropCurrent();
    this.clearTimers();
    this.setState({ state: 'closed' });
    this.emit('failed', { code, message, said });
  }

  /** Lets go of the current connection without treating its close as a loss. */
  private dropCurrent(): void {
    const old = this.current;
    this.current = null;
    this.timers.clear(this.stableTimer);
    this.timers.clear(this.renewalTimer);
    this.renewalTimer = null;
    old?.abandon('session ended');
  }

  /** A method, not a field read: the state changes across awaits, which TS narrowing ignores. */
  private isEnding(): boolean {
    return this.stateValue === 'closing' || this.stateValue === 'closed';
  }

  private setState(state: { state: LiveKeeperState; attempt?: number; delayMs?: number }): void {
    const same = state.state === this.stateValue && state.attempt === undefined;
    this.stateValue = state.state;
    if (!same) this.emit('state', state);
  }

  private clearTimers(): void {
    this.timers.clearAll();
    this.stableTimer = null;
    this.renewalTimer = null;
  }
}
