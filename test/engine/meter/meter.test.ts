import { describe, expect, it } from 'vitest';
import type { SessionCreatedEvent } from 'openai/resources/realtime/realtime';
import type { AssistantEvent } from '../../../src/engine/events';
import { ConversationMeter, configuredModel, priceOf, PRICES_AS_OF, tokenCostUsd, tokensOf, type TokenPrice } from '../../../src/engine/meter';
import { SESSION_LIMIT_MS } from '../../../src/engine/realtime/reconnect';
import { sessionStarted as realtimeStarted, translateServerEvent } from '../../../src/engine/session/realtime/server-events';
import { sessionStarted } from '../../../src/engine/session/live/usage';
import { parseSettings, type SettingsInput } from '../../../src/engine/settings';
import { specValidator } from '../../../src/simulator/realtime/spec/validator';
import { liveSpecValidator } from '../../../src/simulator/live/spec/validator';
import { liveClosed, liveStarted, liveUsage, realtimeCostUsd, realtimeResponses, realtimeSessionCreated, realtimeTotals } from './fixtures';

const settings = (input: SettingsInput = {}) => parseSettings({ provider: 'openai', ...input });
const told = (event: Parameters<typeof translateServerEvent>[0]): AssistantEvent => {
  const result = translateServerEvent(event, () => undefined);
  if (!result) throw new Error(`${event.type} told nothing`);
  return result;
};
/** What the Realtime session tells of a `session.created` (it may come before anyone listens: the connection keeps it). */
const created = (event: SessionCreatedEvent): AssistantEvent => realtimeStarted(event.session);
const feed = (meter: ConversationMeter, events: AssistantEvent[]) => events.map((event) => meter.observe(event));

describe('the recorded usage events', () => {
  it('are what the services send: valid against the simulator’s Realtime (GA) and GPT-Live schemas', () => {
    const ga = specValidator('ga');
    for (const event of [realtimeSessionCreated(1_800_000_000), ...realtimeResponses]) expect(ga.validate('server', event), event.type).toEqual({ ok: true });
    const live = liveSpecValidator();
    for (const event of [liveStarted('sess_1', 1_800_000_000), liveUsage(12.5), liveClosed('sess_1', 1_800_000_000, 14)]) {
      expect(live.validate('server', event), event.type).toEqual({ ok: true });
    }
  });
});

describe('Realtime usage', () => {
  it('keeps every detail of response.done usage: text, audio and cached input, text and audio output', () => {
    const usage = told(realtimeResponses[1]!);
    expect(usage).toEqual({
      type: 'usage',
      responseId: 'resp_2',
      usage: {
        inputTokens: 1151,
        outputTokens: 280,
        totalTokens: 1431,
        inputTextTokens: 826,
        inputAudioTokens: 325,
        inputImageTokens: 0,
        cachedTokens: 768,
        cachedTextTokens: 704,
        cachedAudioTokens: 64,
        cachedImageTokens: 0,
        outputTextTokens: 56,
        outputAudioTokens: 224,
      },
    });
  });

  it('sums a conversation’s responses and prices them at gpt-realtime’s rates (cached input at the cached rate)', () => {
    const meter = new ConversationMeter(settings());
    feed(meter, [created(realtimeSessionCreated(1_800_000_000)), ...realtimeResponses.map(told)]);
    const reading = meter.reading();
    expect(reading.tokens).toEqual(realtimeTotals);
    expect(reading.costUsd).toBeCloseTo(realtimeCostUsd, 12);
    // The cache matters: without it the same tokens would cost more.
    const uncached = tokenCostUsd({ ...realtimeTotals, cachedText: 0, cachedAudio: 0 }, priceOf('gpt-realtime') as TokenPrice);
    expect(uncached).toBeGreaterThan(realtimeCostUsd + 0.01);
    expect(reading).toMatchObject({ models: ['gpt-realtime'], unknownModels: [], sessions: 1, sessionExpiresAt: 1_800_000_000_000, pricesAsOf: PRICES_AS_OF, final: false });
  });

  it('prices image input (a picture shown, issue 23) at the image rates, cached images at the cached image rate', () => {
    // response.done usage as a GA server reports a turn with a picture: input_token_details.image_tokens.
    const event = translateServerEvent(
      {
        type: 'response.done',
        event_id: 'event_1',
        response: {
          id: 'resp_img',
          object: 'realtime.response',
          status: 'completed',
          output: [],
          usage: {
            total_tokens: 1_400,
            input_tokens: 1_300,
            output_tokens: 100,
            input_token_details: { text_tokens: 100, audio_tokens: 0, image_tokens: 1_200, cached_tokens: 400, cached_tokens_details: { text_tokens: 0, audio_tokens: 0, image_tokens: 400 } },
            output_token_details: { text_tokens: 0, audio_tokens: 100 },
          },
        },
      },
      () => {},
    )!;
    expect(event).toMatchObject({ type: 'usage', usage: { inputImageTokens: 1_200, cachedImageTokens: 400 } });
    const meter = new ConversationMeter(settings());
    feed(meter, [created(realtimeSessionCreated(1_800_000_000)), event]);
    const price = priceOf('gpt-realtime') as TokenPrice;
    const expected = (100 * price.text.input + 800 * price.image!.input + 400 * price.image!.cachedInput + 100 * price.audio.output) / 1_000_000;
    expect(meter.reading().tokens).toMatchObject({ inputImage: 1_200, cachedImage: 400, inputText: 100 });
    expect(meter.reading().costUsd).toBeCloseTo(expected, 12);
  });

  it('counts a response once, even when its response.done comes twice', () => {
    const meter = new ConversationMeter(settings());
    expect(feed(meter, [told(realtimeResponses[0]!), told(realtimeResponses[0]!)])).toEqual([true, false]);
    expect(meter.reading().tokens.total).toBe(1046);
  });

  it('gives a session without expires_at the 60 minutes of the Realtime limit from its start', () => {
    const created = realtimeSessionCreated(0);
    delete (created.session as { expires_at?: number }).expires_at;
    expect(realtimeStarted(undefined)).toMatchObject({ type: 'session.started', protocol: 'realtime', sessionId: '' });
    const before = Date.now();
    const event = realtimeStarted(created.session);
    expect(event).toMatchObject({ type: 'session.started', protocol: 'realtime', sessionId: 'sess_C1a2b3c4d5', model: 'gpt-realtime' });
    const expiresAt = (event as { expiresAt: number }).expiresAt;
    expect(expiresAt).toBeGreaterThanOrEqual(before + SESSION_LIMIT_MS);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + SESSION_LIMIT_MS);
  });

  it('fills in details a server leaves out from the totals (input that is not audio is text)', () => {
    expect(tokensOf({ inputTokens: 100, outputTokens: 50, totalTokens: 150, inputAudioTokens: 60, outputAudioTokens: 40, cachedTokens: 30 })).toMatchObject({
      inputText: 40,
      inputAudio: 60,
      cachedText: 30,
      outputText: 10,
      outputAudio: 40,
    });
  });
});

describe('GPT-Live usage', () => {
  it('sums each session’s latest seconds across a renewal and prices the active minutes at gpt-live-1’s rate', () => {
    const meter = new ConversationMeter(settings({ model: 'gpt-live-1' }));
    const expiry = Math.floor(Date.now() / 1000) + 3600;
    feed(meter, [
      sessionStarted(liveStarted('sess_1', expiry)),
      { type: 'session.usage', sessionId: 'sess_1', seconds: 300, final: false },
      sessionStarted(liveStarted('sess_2', expiry + 3300)),
      { type: 'session.usage', sessionId: 'sess_1', seconds: 600, final: true },
      { type: 'session.usage', sessionId: 'sess_2', seconds: 120, final: false },
    ]);
    const reading = meter.reading();
    expect(reading.liveSeconds).toBe(720);
    expect(reading.costUsd).toBeCloseTo(12 * 0.05, 12);
    // The time left is the current (renewed) session's.
    expect(reading).toMatchObject({ sessions: 2, sessionExpiresAt: (expiry + 3300) * 1000, models: ['gpt-live-1'] });
    expect(meter.observe({ type: 'session.usage', sessionId: 'sess_2', seconds: 120, final: false })).toBe(false);
  });

  it('prices both parts of a conversation that switched protocol', () => {
    const meter = new ConversationMeter(settings());
    feed(meter, [created(realtimeSessionCreated(1_800_000_000)), ...realtimeResponses.map(told)]);
    meter.configure(settings({ model: 'gpt-live-1' }));
    feed(meter, [sessionStarted(liveStarted('sess_1', 1_800_000_000)), { type: 'session.usage', sessionId: 'sess_1', seconds: 60, final: true }]);
    expect(meter.reading().costUsd).toBeCloseTo(realtimeCostUsd + 0.05, 12);
  });
});

describe('the price table', () => {
  it('knows the voice models and their dated snapshots, and nothing else', () => {
    expect(priceOf('gpt-realtime-2025-08-28')).toBe(priceOf('gpt-realtime'));
    expect(priceOf('GPT-Realtime-Mini')).toMatchObject({ kind: 'tokens', audio: { input: 10, cachedInput: 0.3, output: 20 } });
    expect(priceOf('gpt-4o-mini-realtime-preview-2024-12-17')).toMatchObject({ text: { input: 0.6, cachedInput: 0.3, output: 2.4 } });
    expect(priceOf('gpt-4o-realtime-preview')).toMatchObject({ audio: { input: 40, cachedInput: 2.5, output: 80 } });
    expect(priceOf('gpt-live-1')).toEqual({ kind: 'duration', perMinute: 0.05 });
    // gpt-realtime-2 is its own model, not a snapshot of gpt-realtime.
    expect(priceOf('gpt-realtime-2')).toMatchObject({ text: { output: 24 } });
    for (const unknown of ['my-deployment', 'constructor', 'toString', 'gpt-realtime-preview', '']) expect(priceOf(unknown), unknown).toBeUndefined();
    expect(PRICES_AS_OF).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});

describe('an unknown model', () => {
  it('still counts tokens, and says the cost is unknown (not zero); a cap cannot be reached', () => {
    const meter = new ConversationMeter(settings({ model: 'my-voice-model', spendingCapUsd: 0.01 }));
    feed(meter, [created(realtimeSessionCreated(1_800_000_000, 'my-voice-model')), ...realtimeResponses.map(told)]);
    const reading = meter.reading();
    expect(reading.tokens).toEqual(realtimeTotals);
    expect(reading.costUsd).toBeNull();
    expect(reading.unknownModels).toEqual(['my-voice-model']);
    expect(reading.capReached).toBe(false);
  });

  it('on Azure is the deployment, unless the server names a model the table knows', () => {
    const azure = settings({ provider: 'azure', azure: { endpoint: 'https://r.openai.azure.com', deployment: 'kaiwa-voice' } });
    expect(configuredModel(azure)).toBe('kaiwa-voice');
    const named = new ConversationMeter(azure);
    feed(named, [created(realtimeSessionCreated(1_800_000_000, 'gpt-realtime-mini')), told(realtimeResponses[0]!)]);
    expect(named.reading()).toMatchObject({ models: ['gpt-realtime-mini'], unknownModels: [] });
    const unnamed = new ConversationMeter(azure);
    feed(unnamed, [created(realtimeSessionCreated(1_800_000_000, 'kaiwa-voice')), told(realtimeResponses[0]!)]);
    expect(unnamed.reading()).toMatchObject({ costUsd: null, unknownModels: ['kaiwa-voice'] });
  });
});

describe('the spending cap', () => {
  it('is reached when the estimated cost reaches it, and not before', () => {
    const meter = new ConversationMeter(settings({ spendingCapUsd: 0.05 }));
    feed(meter, realtimeResponses.slice(0, 2).map(told));
    expect(meter.reading().costUsd).toBeLessThan(0.05);
    expect(meter.capReached).toBe(false);
    feed(meter, [told(realtimeResponses[2]!)]);
    expect(meter.reading().costUsd).toBeGreaterThanOrEqual(0.05);
    expect(meter.reading()).toMatchObject({ capUsd: 0.05, capReached: true });
    expect(meter.configure(settings({ spendingCapUsd: 1 }))).toBe(true);
    expect(meter.capReached).toBe(false);
  });
});
