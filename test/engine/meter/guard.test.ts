import { describe, expect, it } from 'vitest';
import type { AssistantEvent } from '../../../src/engine/events';
import { CAP_END_GRACE_MS, MeterGuard } from '../../../src/engine/meter';
import { parseSettings, type Settings, type SettingsInput } from '../../../src/engine/settings';

const settings = (input: SettingsInput = {}, capUsd?: number): Settings => ({ ...parseSettings({ provider: 'openai', ...input }), ...(capUsd !== undefined ? { spendingCapUsd: capUsd } : {}) });

/** The Assistant's side of the guard: what it was told to emit, hold and stop; a player that can be made idle. */
function assistantSide() {
  const events: AssistantEvent[] = [];
  const holds: boolean[] = [];
  let stops = 0;
  let playing = false;
  const idle = new Set<() => void>();
  const guard = new MeterGuard({
    emit: (event) => events.push(event),
    holdMicrophone: (held) => holds.push(held),
    playing: () => playing,
    onIdle: (listener) => (idle.add(listener), () => idle.delete(listener)),
    stop: () => stops++,
  });
  return {
    guard,
    events,
    holds,
    stops: () => stops,
    play: (on: boolean) => {
      playing = on;
      if (!on) for (const listener of [...idle]) listener();
    },
    listeners: () => idle.size,
    notices: () => events.flatMap((e) => (e.type === 'notice' ? [e.key] : [])),
    meters: () => events.flatMap((e) => (e.type === 'meter' ? [e.meter] : [])),
  };
}

/** One Realtime reply: $0.016504 at gpt-realtime's prices (766 text + 80 audio tokens in, 40 text + 160 audio out). */
const reply = (id: string): AssistantEvent => ({
  type: 'usage',
  responseId: id,
  usage: { inputTokens: 846, outputTokens: 200, totalTokens: 1046, inputTextTokens: 766, inputAudioTokens: 80, outputTextTokens: 40, outputAudioTokens: 160 },
});
const started: AssistantEvent = { type: 'session.started', protocol: 'realtime', sessionId: 's1', model: 'gpt-realtime', expiresAt: Date.now() + 3_600_000 };

describe('MeterGuard', () => {
  it('emits a reading per change, holds the microphone once the cap is reached', () => {
    const side = assistantSide();
    side.guard.begin(settings({}, 0.03));
    side.guard.observe(started);
    side.guard.observe(reply('r1'));
    expect(side.guard.held).toBe(false);
    side.guard.observe({ type: 'transcript.final', speaker: 'user', itemId: 'u', text: 'hi' });
    expect(side.meters()).toHaveLength(2);
    side.guard.observe(reply('r2'));
    expect(side.guard.held).toBe(true);
    expect(side.holds).toEqual([true]);
    expect(side.notices()).toEqual(['notice.spendingCapReached']);
    expect(side.meters().at(-1)).toMatchObject({ capReached: true, capUsd: 0.03 });
    // Realtime spends nothing more once nobody speaks to it: the conversation goes on.
    expect(side.stops()).toBe(0);
    // More usage (the reply in progress finishing) does not notify twice.
    side.guard.observe(reply('r3'));
    expect(side.notices()).toEqual(['notice.spendingCapReached']);
  });

  it('lifts the hold when the cap is raised above the cost or removed, not when raised too little', () => {
    const side = assistantSide();
    side.guard.begin(settings({}, 0.03));
    side.guard.observe(reply('r1'));
    side.guard.observe(reply('r2'));
    expect(side.guard.held).toBe(true);
    side.guard.configure(settings({}, 0.032));
    expect(side.guard.held).toBe(true);
    side.guard.configure(settings({}, 0.5));
    expect(side.guard.held).toBe(false);
    expect(side.notices()).toEqual(['notice.spendingCapReached', 'notice.spendingCapRaised']);
    const raised = side.events.find((e) => e.type === 'notice' && e.key === 'notice.spendingCapRaised');
    expect(raised).toMatchObject({ params: { capUsd: 0.5 } });
    side.guard.configure(settings({}, 0.03));
    expect(side.guard.held).toBe(true);
    side.guard.configure(settings({}));
    expect(side.guard.held).toBe(false);
    expect(side.notices().at(-1)).toBe('notice.spendingCapRemoved');
    expect(side.holds).toEqual([true, false, true, false]);
  });

  it('a new conversation starts from zero with the microphone free', () => {
    const side = assistantSide();
    side.guard.begin(settings({}, 0.03));
    side.guard.observe(started);
    side.guard.observe(reply('r1'));
    side.guard.observe(reply('r2'));
    side.guard.end();
    const total = side.meters().at(-1)!;
    expect(total).toMatchObject({ final: true, capReached: true, sessions: 1 });
    expect(total.sessionExpiresAt).toBeUndefined();
    expect(side.guard.held).toBe(false);
    side.guard.begin(settings({}, 0.03));
    side.guard.observe(reply('r1'));
    expect(side.guard.held).toBe(false);
    expect(side.meters().at(-1)).toMatchObject({ capReached: false, tokens: { total: 1046 } });
  });

  it('says nothing at the end of a conversation that never had a session', () => {
    const side = assistantSide();
    side.guard.begin(settings());
    side.guard.end();
    expect(side.events).toEqual([]);
  });

  it('GPT-Live: ends the conversation once the reply in progress has played, or after the grace period', async () => {
    const side = assistantSide();
    side.guard.begin(settings({ model: 'gpt-live-1' }, 0.01));
    side.play(true);
    side.guard.observe({ type: 'session.usage', sessionId: 's1', seconds: 12, final: false });
    expect(side.notices()).toEqual(['notice.spendingCapReachedLive']);
    expect(side.stops()).toBe(0);
    side.play(false);
    expect(side.stops()).toBe(1);
    expect(side.listeners()).toBe(0);
    // Nothing playing: at once.
    const quiet = assistantSide();
    quiet.guard.begin(settings({ model: 'gpt-live-1' }, 0.01));
    quiet.guard.observe({ type: 'session.usage', sessionId: 's1', seconds: 12, final: false });
    expect(quiet.stops()).toBe(1);
    expect(CAP_END_GRACE_MS).toBeLessThanOrEqual(30_000);
  });
});
