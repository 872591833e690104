import { describe, expect, it } from 'vitest';
import type { AssistantEvent } from '../../src/shared/ipc';
import type { MeterReading } from '../../src/shared/meter-words';
import { NO_TOKENS } from '../../src/engine/meter/cost';
import { canInterrupt, initialUiState, isActive, isTurn, MAX_NOTICES, MAX_TURNS, uiReducer } from '../../src/renderer/state/reducer';
import type { Turn, UiState } from '../../src/renderer/state/types';

const run = (events: AssistantEvent[], from: UiState = initialUiState) => uiReducer(from, { type: 'events', events });
const turnsOf = (s: UiState): Turn[] => s.turns.filter(isTurn);
const texts = (s: UiState) => turnsOf(s).map((t) => `${t.speaker}:${t.text}`);

describe('uiReducer', () => {
  it('appends transcript deltas and lets the final text replace them', () => {
    let s = run([
      { type: 'transcript.delta', speaker: 'assistant', itemId: 'a1', delta: 'Hel' },
      { type: 'transcript.delta', speaker: 'assistant', itemId: 'a1', delta: 'lo there' },
    ]);
    expect(texts(s)).toEqual(['assistant:Hello there']);
    expect(turnsOf(s)[0]!.final).toBe(false);
    s = run([{ type: 'transcript.final', speaker: 'assistant', itemId: 'a1', text: 'Hello there!' }], s);
    expect(texts(s)).toEqual(['assistant:Hello there!']);
    expect(turnsOf(s)[0]!.final).toBe(true);
    // A late delta after the final does not corrupt it.
    s = run([{ type: 'transcript.delta', speaker: 'assistant', itemId: 'a1', delta: ' extra' }], s);
    expect(texts(s)).toEqual(['assistant:Hello there!']);
  });

  it('keeps turns of different items and speakers apart', () => {
    const s = run([
      { type: 'transcript.final', speaker: 'user', itemId: 'u1', text: 'Hi' },
      { type: 'transcript.delta', speaker: 'assistant', itemId: 'a1', delta: 'Hey' },
      { type: 'transcript.delta', speaker: 'assistant', itemId: 'a2', delta: 'Again' },
    ]);
    expect(texts(s)).toEqual(['user:Hi', 'assistant:Hey', 'assistant:Again']);
  });

  it('places the user turn where the user started speaking, even when its transcript arrives after the reply began', () => {
    const s = run([
      { type: 'transcript.final', speaker: 'assistant', itemId: 'a0', text: 'How can I help?' },
      { type: 'state', state: 'listening' },
      { type: 'state', state: 'user-speaking' },
      { type: 'state', state: 'thinking' },
      { type: 'state', state: 'speaking' },
      { type: 'transcript.delta', speaker: 'assistant', itemId: 'a1', delta: 'Sunny.' },
      { type: 'transcript.final', speaker: 'user', itemId: 'u1', text: 'What is the weather?' },
      { type: 'transcript.final', speaker: 'user', itemId: 'u2', text: 'Thanks' },
    ]);
    expect(texts(s)).toEqual(['assistant:How can I help?', 'user:What is the weather?', 'assistant:Sunny.', 'user:Thanks']);
  });

  it('records where an interrupted reply was cut, whether the transcript came first or not', () => {
    let s = run([
      { type: 'transcript.delta', speaker: 'assistant', itemId: 'a1', delta: 'One two three four' },
      { type: 'interrupted', itemId: 'a1', reason: 'barge-in', playedMs: 500, receivedMs: 2000 },
    ]);
    expect(turnsOf(s)[0]!.cut).toEqual({ playedMs: 500, receivedMs: 2000, reason: 'barge-in' });
    s = run([
      { type: 'interrupted', itemId: 'a2', reason: 'user', playedMs: 100, receivedMs: 900 },
      { type: 'transcript.final', speaker: 'assistant', itemId: 'a2', text: 'Late text' },
    ], s);
    expect(s.turns[1]).toMatchObject({ itemId: 'a2', text: 'Late text', cut: { playedMs: 100, receivedMs: 900, reason: 'user' } });
  });

  it('tracks the reconnect attempt and clears an error once the connection works again', () => {
    let s = run([
      { type: 'error', code: 'network', fatal: false, key: 'failure.reset', params: { host: 'example.com' } },
      { type: 'state', state: 'reconnecting', attempt: 2 },
    ]);
    expect(s).toMatchObject({ state: 'reconnecting', attempt: 2, error: { code: 'network' } });
    s = run([{ type: 'state', state: 'listening' }], s);
    expect(s.attempt).toBeUndefined();
    expect(s.error).toBeNull();
  });

  it('keeps a fatal error on screen when the assistant stops', () => {
    const s = run([
      { type: 'error', code: 'auth', fatal: true, key: 'failure.httpKeyRejected', params: { status: 401 } },
      { type: 'state', state: 'idle' },
    ]);
    expect(s.error).toEqual({ code: 'auth', said: { key: 'failure.httpKeyRejected', params: { status: 401 } }, fatal: true });
    expect(uiReducer(s, { type: 'dismiss-error' }).error).toBeNull();
  });

  it('keeps the newest notices and dismisses one by id', () => {
    const notice = (n: number) => ({ type: 'notice' as const, key: 'notice.transcriptionFailed' as const, params: { detail: `n${n}` } });
    const details = (state: UiState) => state.notices.map((n) => (n.said.params as { detail: string }).detail);
    const s = run(Array.from({ length: 5 }, (_, i) => notice(i)));
    expect(details(s)).toEqual(['n2', 'n3', 'n4']);
    expect(s.notices).toHaveLength(MAX_NOTICES);
    const after = uiReducer(s, { type: 'dismiss-notice', id: s.notices[1]!.id });
    expect(details(after)).toEqual(['n2', 'n4']);
  });

  it('keeps what the engine said by key, for the window to put into its language', () => {
    const s = run([
      { type: 'notice', key: 'notice.reconnected' },
      { type: 'error', code: 'network', key: 'error.connectionFailed', params: { detail: 'refused' }, fatal: false },
    ]);
    expect(s.notices[0]!.said).toEqual({ key: 'notice.reconnected' });
    expect(s.error!.said).toEqual({ key: 'error.connectionFailed', params: { detail: 'refused' } });
  });

  it('keeps the engine’s latest meter reading (the engine sums usage, the window does not add it up again)', () => {
    const reading = (total: number): MeterReading => ({
      tokens: { ...NO_TOKENS, input: total, total },
      liveSeconds: 0,
      costUsd: total / 1e6,
      models: ['gpt-realtime'],
      unknownModels: [],
      capReached: false,
      sessions: 1,
      pricesAsOf: '2026-11-30',
      final: false,
    });
    const s = run([
      { type: 'usage', responseId: 'r1', usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 } },
      { type: 'meter', meter: reading(15) },
      { type: 'usage', responseId: 'r2', usage: { inputTokens: 1, outputTokens: 2, totalTokens: 3 } },
      { type: 'meter', meter: reading(18) },
    ]);
    expect(s.meter).toEqual(reading(18));
    expect(initialUiState.meter).toBeNull();
  });

  it('does not change state for levels (they drive the pulse, not React)', () => {
    const s = run([{ type: 'levels', input: { rmsDb: -20, peakDb: -10 }, output: { rmsDb: -30, peakDb: -20 } }]);
    expect(s).toBe(initialUiState);
  });

  it('keeps at most MAX_TURNS turns, dropping the oldest', () => {
    const events = Array.from({ length: MAX_TURNS + 7 }, (_, i) => ({ type: 'transcript.final' as const, speaker: 'assistant' as const, itemId: `a${i}`, text: `t${i}` }));
    const s = run(events);
    expect(s.turns).toHaveLength(MAX_TURNS);
    expect(turnsOf(s)[0]!.itemId).toBe('a7');
  });

  it('says when there is something to interrupt and when the session is running', () => {
    expect(canInterrupt('speaking')).toBe(true);
    for (const state of ['idle', 'listening', 'user-speaking', 'thinking', 'interrupted', 'error'] as const) expect(canInterrupt(state)).toBe(false);
    expect(isActive('idle')).toBe(false);
    expect(isActive('error')).toBe(false);
    expect(isActive('listening')).toBe(true);
  });
});
