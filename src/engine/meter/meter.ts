import type { AssistantEvent } from '../events';
import type { Protocol, Settings } from '../settings';
import { addTokens, durationCostUsd, NO_TOKENS, tokenCostUsd, tokensOf } from './cost';
import { priceOf, PRICES_AS_OF, type ModelPrice } from './prices';
import type { MeterReading, TokenTotals } from './reading';

/** What the meter reads from the settings: the model as configured and the spending cap. */
export type MeterSettings = Pick<Settings, 'provider' | 'model' | 'azure' | 'spendingCapUsd'>;

/** The model a session uses when the server does not say: on Azure, the deployment's name. */
export function configuredModel(settings: MeterSettings): string {
  return settings.provider === 'azure' ? (settings.azure.deployment ?? settings.model) : settings.model;
}

/**
 * The cost and time meter of one conversation (an Assistant start..stop, across reconnects,
 * renewals and a change of protocol). Fed the conversation's own events (`usage`,
 * `session.usage`, `session.started`); says whether each changed the reading.
 *
 * Each response's tokens are priced at the model of the session that produced them; GPT-Live's
 * seconds at the model of their session. A model the price table does not know makes the cost
 * unknown (null), never zero, while its tokens and seconds are still counted.
 */
export class ConversationMeter {
  private tokens: TokenTotals = NO_TOKENS;
  private tokenCostUsd = 0;
  /** Responses already counted: a `response.done` is billed once. */
  private readonly responses = new Set<string>();
  /** GPT-Live's cumulative seconds per session, and the model it ran. */
  private readonly liveSessions = new Map<string, { seconds: number; model: string }>();
  private readonly models = new Set<string>();
  private readonly unknownModels = new Set<string>();
  private readonly reported: Partial<Record<Protocol, string>> = {};
  private sessions = 0;
  private expiresAt: number | undefined;
  private configured: string;
  private capUsd: number | undefined;

  constructor(settings: MeterSettings) {
    this.configured = configuredModel(settings);
    this.capUsd = settings.spendingCapUsd;
  }

  /** New settings mid-conversation: the cap (and the model a new session would use). True when the cap changed. */
  configure(settings: MeterSettings): boolean {
    this.configured = configuredModel(settings);
    const changed = settings.spendingCapUsd !== this.capUsd;
    this.capUsd = settings.spendingCapUsd;
    return changed;
  }

  observe(event: AssistantEvent): boolean {
    switch (event.type) {
      case 'usage': {
        if (this.responses.has(event.responseId)) return false;
        this.responses.add(event.responseId);
        const tokens = tokensOf(event.usage);
        this.tokens = addTokens(this.tokens, tokens);
        const price = this.priced(this.modelFor('realtime'), 'tokens');
        if (price?.kind === 'tokens') this.tokenCostUsd += tokenCostUsd(tokens, price);
        return true;
      }
      case 'session.usage': {
        if (!Number.isFinite(event.seconds) || event.seconds < 0) return false;
        const known = this.liveSessions.get(event.sessionId);
        if (known?.seconds === event.seconds) return false;
        const model = known?.model ?? this.modelFor('live');
        this.priced(model, 'duration');
        this.liveSessions.set(event.sessionId, { seconds: event.seconds, model });
        return true;
      }
      case 'session.started':
        this.sessions += 1;
        if (event.model) this.reported[event.protocol] = event.model;
        this.expiresAt = event.expiresAt;
        return true;
      default:
        return false;
    }
  }

  /** The estimated cost has reached the cap (never with no cap, nor with an unknown cost). */
  get capReached(): boolean {
    const cost = this.costUsd();
    return this.capUsd !== undefined && cost !== null && cost >= this.capUsd;
  }

  reading(final = false): MeterReading {
    return {
      tokens: this.tokens,
      liveSeconds: [...this.liveSessions.values()].reduce((sum, s) => sum + s.seconds, 0),
      costUsd: this.costUsd(),
      models: [...this.models],
      unknownModels: [...this.unknownModels],
      ...(this.capUsd !== undefined ? { capUsd: this.capUsd } : {}),
      capReached: this.capReached,
      ...(this.expiresAt !== undefined && !final ? { sessionExpiresAt: this.expiresAt } : {}),
      sessions: this.sessions,
      pricesAsOf: PRICES_AS_OF,
      final,
    };
  }

  private costUsd(): number | null {
    if (this.unknownModels.size > 0) return null;
    let dollars = this.tokenCostUsd;
    for (const { seconds, model } of this.liveSessions.values()) {
      const price = priceOf(model);
      if (price?.kind === 'duration') dollars += durationCostUsd(seconds, price);
    }
    return dollars;
  }

  /** The model to price a protocol's usage at: the one its session reported, else the configured one, whichever the table knows. */
  private modelFor(protocol: Protocol): string {
    const reported = this.reported[protocol];
    if (reported && priceOf(reported)) return reported;
    if (priceOf(this.configured)) return this.configured;
    return reported ?? this.configured;
  }

  /** Notes a model as used, and as unknown when the table has no price of this kind for it. */
  private priced(model: string, kind: ModelPrice['kind']): ModelPrice | undefined {
    this.models.add(model);
    const price = priceOf(model);
    if (price?.kind === kind) return price;
    this.unknownModels.add(model);
    return undefined;
  }
}
