import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../src/renderer/App';
import { BridgeProvider } from '../../src/renderer/bridge';
import { MeterStatus } from '../../src/renderer/components/Meter';
import { LanguageProvider } from '../../src/renderer/i18n';
import { turnsFromEntries } from '../../src/renderer/state/history';
import { ConversationMeter } from '../../src/engine/meter/meter';
import { ConversationRecorder, parseConversation } from '../../src/engine/conversation-log/entry';
import { parseSettings, type SettingsInput } from '../../src/engine/settings';
import type { AssistantEvent } from '../../src/shared/ipc';
import type { MeterReading } from '../../src/shared/meter-words';
import { FakeBridge, settingsView } from './fakeBridge';
import { openSettings } from './openSettings';

beforeEach(() => {
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

/** The engine's reading after these events (the real meter, the real price table). */
function reading(input: SettingsInput, events: AssistantEvent[], final = false): MeterReading {
  const meter = new ConversationMeter({ ...parseSettings({ provider: 'openai', ...input }) });
  for (const event of events) meter.observe(event);
  return meter.reading(final);
}

const MINUTE = 60_000;
const realtime = (expiresAt = Date.now() + 42.5 * MINUTE, capUsd?: number) =>
  reading({ ...(capUsd ? { spendingCapUsd: capUsd } : {}) }, [
    { type: 'session.started', protocol: 'realtime', sessionId: 's1', model: 'gpt-realtime', expiresAt },
    // $0.016504: 766 text + 80 audio tokens in, 40 text + 160 audio out.
    { type: 'usage', responseId: 'r1', usage: { inputTokens: 846, outputTokens: 200, totalTokens: 1046, inputTextTokens: 766, inputAudioTokens: 80, cachedTokens: 64, cachedTextTokens: 64, outputTextTokens: 40, outputAudioTokens: 160 } },
  ]);

const status = (meter: MeterReading | null, language: 'en' | 'ja' = 'en') =>
  render(
    <LanguageProvider language={language}>
      <MeterStatus meter={meter} />
    </LanguageProvider>,
  );

describe('the meter in the status bar', () => {
  it('shows tokens, the estimated cost with the date of its prices, and the time left in the session', () => {
    status(realtime());
    const tokens = screen.getByText('1,046 tokens');
    expect(tokens.getAttribute('title')).toBe('846 in (64 cached), 200 out');
    // (766 - 64) × $4 + 64 × $0.40 + 40 × $16 + 80 × $32 + 160 × $64, per million.
    expect(screen.getByText('~$0.0163').getAttribute('title')).toBe('An estimate from the prices of 2026-11-30; the provider’s bill is what counts.');
    const left = screen.getByText('43 min left');
    expect(left.getAttribute('title')).toContain('renews the session');
    expect(screen.getByRole('group', { name: 'Cost and time of this conversation' })).toBeTruthy();
  });

  it('in Japanese, with numbers and dollars as Japanese writes them', () => {
    status(realtime(), 'ja');
    expect(screen.getByText('1,046 トークン')).toBeTruthy();
    expect(screen.getByText('約 $0.0163')).toBeTruthy();
    expect(screen.getByText('残り 43 分')).toBeTruthy();
  });

  it('GPT-Live: active minutes; the cap beside the cost, and a word when it holds the microphone', () => {
    const live = reading({ model: 'gpt-live-1', spendingCapUsd: 0.1 }, [
      { type: 'session.started', protocol: 'live', sessionId: 's1', model: 'gpt-live-1', expiresAt: Date.now() + 20 * MINUTE },
      { type: 'session.usage', sessionId: 's1', seconds: 150, final: false },
    ]);
    status(live);
    expect(screen.getByText('2.5 min active').getAttribute('title')).toBe('GPT-Live bills the time its sessions are open, by the second.');
    expect(screen.getByText('~$0.125 of $0.10')).toBeTruthy();
    expect(screen.getByRole('status').textContent).toBe('Spending cap reached: microphone off');
    cleanup();
    status(live, 'ja');
    expect(screen.getByText('利用 2.5 分')).toBeTruthy();
    expect(screen.getByText('約 $0.125／上限 $0.10')).toBeTruthy();
    expect(screen.getByRole('status').textContent).toBe('利用上限に達したためマイク停止中');
  });

  it('an unknown model: tokens counted, the cost unknown (not $0), the model named', () => {
    status(reading({ model: 'my-deployment' }, [{ type: 'usage', responseId: 'r1', usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 } }]));
    expect(screen.getByText('15 tokens')).toBeTruthy();
    expect(screen.getByText('cost unknown').getAttribute('title')).toBe('Kaiwa knows no price for my-deployment.');
    expect(screen.queryByText(/\$0/)).toBeNull();
  });

  it('counts the time left down between readings, and drops it once the conversation ended', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    try {
      const { rerender } = status(realtime(Date.now() + 10 * MINUTE));
      expect(screen.getByText('10 min left')).toBeTruthy();
      act(() => vi.advanceTimersByTime(3 * MINUTE));
      expect(screen.getByText('7 min left')).toBeTruthy();
      rerender(
        <LanguageProvider language="en">
          <MeterStatus meter={{ ...realtime(), final: true }} />
        </LanguageProvider>,
      );
      expect(screen.queryByText(/left/)).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });

  it('shows nothing before the first reading', () => {
    const { container } = status(null);
    expect(container.textContent).toBe('');
  });
});

describe('the meter in the history', () => {
  it('the conversation log keeps the final reading as its last entry (only when something was used), and the History tab shows it', async () => {
    const recorder = new ConversationRecorder();
    const at = new Date('2026-11-30T10:00:00Z');
    const total = { ...realtime(), final: true };
    delete total.sessionExpiresAt;
    expect(recorder.entryFor({ type: 'meter', meter: realtime() }, at)).toBeUndefined();
    expect(recorder.entryFor({ type: 'meter', meter: reading({}, [], true) }, at)).toBeUndefined();
    const entry = recorder.entryFor({ type: 'meter', meter: total }, at)!;
    expect(entry).toEqual({ kind: 'meter', at: at.toISOString(), meter: total });
    const saved = parseConversation(
      [
        JSON.stringify({ kind: 'transcript', at: at.toISOString(), speaker: 'user', itemId: 'u1', text: 'Weather in Kyoto?' }),
        JSON.stringify(entry),
        JSON.stringify({ kind: 'meter', at: at.toISOString(), meter: { tokens: 'lots' } }), // damaged: skipped
      ].join('\n'),
    );
    expect(saved).toEqual([expect.objectContaining({ kind: 'transcript' }), entry]);
    expect(turnsFromEntries(saved).at(-1)).toEqual({ meter: total });

    const bridge = new FakeBridge();
    bridge.conversations = [{ id: 'c1', startedAt: at.toISOString(), title: 'Weather in Kyoto?', turns: 1 }];
    bridge.entries.c1 = saved;
    render(
      <BridgeProvider bridge={bridge}>
        <App />
      </BridgeProvider>,
    );
    fireEvent.click(await screen.findByRole('tab', { name: 'History' }));
    fireEvent.click(await screen.findByRole('button', { name: /Weather in Kyoto/ }));
    await waitFor(() => expect(document.querySelector('.history-meter')).not.toBeNull());
    expect(document.querySelector('.history-meter')!.textContent).toBe('This conversation used 1,046 tokens: ~$0.0163');
  });
});

describe('the spending cap in Settings', () => {
  it('sets a cap, and clearing the field removes it', async () => {
    const { bridge } = await openSettings();
    const field = screen.getByLabelText('Spending cap per conversation (US$)') as HTMLInputElement;
    expect(field.value).toBe('');
    expect(field.placeholder).toBe('no cap');
    fireEvent.change(field, { target: { value: '2.5' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(bridge.callsOf('updateSettings')).toEqual([[{ spendingCapUsd: 2.5 }]]));
    cleanup();

    const capped = new FakeBridge();
    capped.view = settingsView({ settings: { ...capped.view.settings, spendingCapUsd: 2.5 } });
    await openSettings(capped);
    const set = screen.getByLabelText('Spending cap per conversation (US$)') as HTMLInputElement;
    expect(set.value).toBe('2.5');
    fireEvent.change(set, { target: { value: '' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(capped.callsOf('updateSettings')).toHaveLength(1));
    const patch = capped.callsOf('updateSettings')[0]![0] as Record<string, unknown>;
    expect(Object.keys(patch)).toEqual(['spendingCapUsd']);
    expect(patch.spendingCapUsd ?? null).toBeNull();
  });
});
