import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ReplayRecord } from '../../src/engine/session/replay-record';
import { App } from '../../src/renderer/App';
import { BridgeProvider } from '../../src/renderer/bridge';
import { Transcript } from '../../src/renderer/components/Transcript';
import { LanguageProvider, windowLanguage } from '../../src/renderer/i18n';
import type { Turn } from '../../src/renderer/state/types';
import type { AssistantState } from '../../src/shared/ipc';
import { FakeBridge, settingsView } from './fakeBridge';
import { ConversationMeter } from '../../src/engine/meter/meter';
import { parseSettings } from '../../src/engine/settings';
import type { AssistantEvent } from '../../src/shared/ipc';

/** The engine's meter reading after these events, as the engine would send it. */
function meterAfter(...events: AssistantEvent[]) {
  const meter = new ConversationMeter(parseSettings({ provider: 'openai' }));
  for (const event of events) meter.observe(event);
  return meter.reading();
}

beforeEach(() => {
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

function japaneseBridge(): FakeBridge {
  const bridge = new FakeBridge();
  bridge.view = settingsView({ settings: { ...bridge.view.settings, language: 'ja' } });
  return bridge;
}

async function mount(bridge: FakeBridge, quick = false) {
  const result = render(
    <BridgeProvider bridge={bridge}>
      <App quick={quick} />
    </BridgeProvider>,
  );
  await waitFor(() => expect(document.documentElement.lang).toBe(bridge.view.settings.language === 'ja' ? 'ja' : 'en'));
  return result;
}

describe('the window in Japanese', () => {
  // Hand-written: what a Japanese speaker reads for each state (heading, hint).
  const words: [AssistantState, string, string][] = [
    ['idle', '待機中', '「話す」を押すと会話を始めます。'],
    ['connecting', '接続中…', 'サーバーに接続しています。少しお待ちください。'],
    ['reconnecting', '再接続中（1 回目）…', 'サーバーに接続しています。少しお待ちください。'], // the first attempt, when none is given
    ['listening', '聞いています', 'どうぞ、聞いています。'],
    ['user-speaking', 'お話を聞いています', '話し終えたら少し間をあけてください。'],
    ['thinking', '考えています…', '返答を考えています。'],
    ['speaking', '話しています', '話しかけるか Esc で中断できます。'],
    ['interrupted', '中断しました', '返答を止めました。どうぞ。'],
    ['error', '停止', '下のメッセージをご覧ください。'],
  ];

  it('names every state and says what to do, when the language setting is Japanese', async () => {
    const bridge = japaneseBridge();
    await mount(bridge);
    for (const [state, heading, hint] of words) {
      act(() => bridge.push([{ type: 'state', state }]));
      expect(screen.getByRole('heading', { level: 1 }).textContent).toBe(heading);
      expect(screen.getByText(hint)).toBeTruthy();
    }
    act(() => bridge.push([{ type: 'state', state: 'reconnecting', attempt: 2 }]));
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('再接続中（2 回目）…');
    expect(screen.getByRole('tab', { name: '設定' })).toBeTruthy();
    expect(screen.getByRole('button', { name: /中断/ })).toBeTruthy();
  });

  it('shows errors, the status line and the protocol in Japanese', async () => {
    const bridge = japaneseBridge();
    bridge.view = { ...bridge.view, protocol: 'live' };
    await mount(bridge);
    act(() =>
      bridge.push([
        { type: 'state', state: 'listening' },
        { type: 'meter', meter: meterAfter({ type: 'usage', responseId: 'r1', usage: { inputTokens: 1000, outputTokens: 234, totalTokens: 1234 } }) },
        { type: 'error', code: 'auth', fatal: true, key: 'error.serverSaid', params: { detail: 'invalid_api_key' } },
      ]),
    );
    expect(screen.getByRole('alert').textContent).toContain('API キーが拒否されました。設定で確認してください。');
    expect(screen.getByRole('button', { name: '設定を開く' })).toBeTruthy();
    expect(screen.getByRole('button', { name: '閉じる' })).toBeTruthy();
    expect(screen.getByText('1,234 トークン')).toBeTruthy();
    // 1,000 text tokens in at $4, 234 out at $16 per million.
    expect(screen.getByText('約 $0.0077')).toBeTruthy();
    expect(screen.getByText('GPT-Live').getAttribute('data-protocol')).toBe('live');
  });

  it('puts what the engine says (notices, error details) into Japanese by key', async () => {
    const bridge = japaneseBridge();
    await mount(bridge);
    act(() =>
      bridge.push([
        { type: 'notice', key: 'notice.reconnected' },
        { type: 'error', code: 'network', key: 'error.connectionFailed', params: { detail: 'ECONNREFUSED' }, fatal: false },
      ]),
    );
    expect(screen.getByText('再接続しました。')).toBeTruthy();
    expect(screen.getByText('接続できませんでした: ECONNREFUSED')).toBeTruthy();
    // Main's own notices come by key too, nested words included.
    act(() =>
      bridge.push([
        { type: 'notice', key: 'main.notice.muted' },
        { type: 'notice', key: 'main.hotkey.unavailable', params: { action: { key: 'main.hotkey.interrupt' }, accelerator: 'Alt+X', reason: '' } },
      ]),
    );
    expect(screen.getByText('マイクをミュートしました。')).toBeTruthy();
    expect(screen.getByText(/^「中断」のショートカット Alt\+X は使えません/)).toBeTruthy();
  });

  it('switches language when the setting changes, without a reload', async () => {
    const bridge = japaneseBridge();
    await mount(bridge);
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('待機中');
    fireEvent.click(screen.getByRole('tab', { name: '設定' }));
    fireEvent.change(await screen.findByLabelText('Kaiwa の表示言語'), { target: { value: 'en' } });
    fireEvent.click(screen.getByRole('button', { name: '保存' }));
    await waitFor(() => expect(screen.getByRole('tab', { name: 'Settings' })).toBeTruthy());
    expect(document.documentElement.lang).toBe('en');
  });

  it('shows the quick-talk window in Japanese', async () => {
    const bridge = japaneseBridge();
    await mount(bridge, true);
    act(() => bridge.push([{ type: 'state', state: 'speaking' }]));
    expect(screen.getByRole('status').textContent).toBe('話しています');
    expect(screen.getByText('Esc で中断')).toBeTruthy();
  });

  it('offers the Japanese GPT-Live voices first, and the transcription language by name', async () => {
    const bridge = japaneseBridge();
    bridge.view = settingsView({ protocol: 'live', settings: { ...bridge.view.settings, language: 'ja', protocol: 'live' } });
    await mount(bridge);
    fireEvent.click(screen.getByRole('tab', { name: '設定' }));
    const voice = (await screen.findByLabelText('声')) as HTMLSelectElement;
    const groups = [...voice.querySelectorAll('optgroup')].map((g) => [g.label, [...g.querySelectorAll('option')].map((o) => o.value)]);
    expect(groups[0]).toEqual(['日本語の声', ['harema', 'shida']]);
    expect(groups[1]![1]).not.toContain('harema');

    const spoken = screen.getByLabelText('話す言語') as HTMLSelectElement;
    expect(within(spoken).getByRole('option', { name: '日本語 (ja)' })).toBeTruthy();
    fireEvent.change(spoken, { target: { value: 'ja' } });
    fireEvent.click(screen.getByRole('button', { name: '保存' }));
    await waitFor(() => expect(bridge.callsOf('updateSettings')).toHaveLength(1));
    expect(bridge.callsOf('updateSettings')[0]![0]).toEqual({ transcriptionLanguage: 'ja' });
  });

  it('shows the problems main refuses a patch for in Japanese', async () => {
    const bridge = japaneseBridge();
    bridge.updateAnswer = () => ({ ok: false, problems: [{ path: 'model', said: { key: 'setting.tooLong', params: { maximum: 200 } } }] });
    await mount(bridge);
    fireEvent.click(screen.getByRole('tab', { name: '設定' }));
    fireEvent.change(await screen.findByLabelText('モデル'), { target: { value: 'x'.repeat(201) } });
    fireEvent.click(screen.getByRole('button', { name: '保存' }));
    const alert = await screen.findByRole('alert', { name: '設定は保存されていません' });
    expect(alert.textContent).toBe('model は 200 文字以下にしてください');
    expect(document.querySelector('[data-path="model"] .field-error')!.textContent).toBe('model は 200 文字以下にしてください');
  });

  it('shows a saved conversation\'s errors in Japanese by key, an old English one as it was written', async () => {
    const bridge = japaneseBridge();
    bridge.conversations = [{ id: 'c1', startedAt: '2026-11-20T10:00:00Z', title: '京都の天気', turns: 1 }];
    bridge.entries.c1 = [
      { kind: 'transcript', at: '2026-11-20T10:00:01Z', speaker: 'user', itemId: 'u1', text: '京都の天気は？' },
      { kind: 'error', at: '2026-11-20T10:00:02Z', code: 'network', fatal: true, key: 'error.connectionFailed', params: { detail: { key: 'failure.refused', params: { host: '127.0.0.1:9' } } } },
      { kind: 'error', at: '2026-11-20T10:00:03Z', code: 'server', message: 'The server said no.' },
    ];
    await mount(bridge);
    fireEvent.click(screen.getByRole('tab', { name: '履歴' }));
    fireEvent.click(await screen.findByRole('button', { name: /京都の天気/ }));
    await screen.findByText('京都の天気は？');
    expect([...document.querySelectorAll('.history-errors li')].map((li) => li.textContent)).toEqual([
      '接続できませんでした: 127.0.0.1:9 に接続できませんでした（接続が拒否されました）。',
      'The server said no.',
    ]);
  });

  it('offers only the Realtime voices with the Realtime protocol', async () => {
    const bridge = japaneseBridge();
    await mount(bridge);
    fireEvent.click(screen.getByRole('tab', { name: '設定' }));
    const voice = (await screen.findByLabelText('声')) as HTMLSelectElement;
    expect(voice.querySelector('optgroup')).toBeNull();
    expect([...voice.options].map((o) => o.value)).toEqual(bridge.view.options.voicesByProtocol.realtime);
  });
});

describe('the language of the window', () => {
  it('follows the setting, else the system locale, else English', () => {
    const view = settingsView();
    expect(windowLanguage(null, 'ja-JP')).toBe('ja');
    expect(windowLanguage(view, 'ja')).toBe('ja');
    expect(windowLanguage(view, 'fr-FR')).toBe('en');
    expect(windowLanguage({ ...view, settings: { ...view.settings, language: 'en' } }, 'ja-JP')).toBe('en');
    expect(windowLanguage({ ...view, settings: { ...view.settings, language: 'ja' } }, 'en-US')).toBe('ja');
  });
});

describe('the cut: the window shows what the engine replays', () => {
  const replies = [
    'ええと、今日の京都は晴れで、最高気温は二十二度くらいです。午後は少し風が出るでしょう。',
    '明日のmeetingはZoomでやりますね。Slackにリンクを送ります。',
    '今天北京天气晴朗，最高气温二十二度左右。下午会有一点风。',
    "Well, today's weather in Kyoto is sunny — around 22°C. Cool!",
  ];
  const fractions = [[0, 4000], [500, 4000], [1000, 2000], [2700, 4000], [3999, 4000], [5000, 4000]] as const;

  it.each(replies)('%s', (text) => {
    for (const [playedMs, receivedMs] of fractions) {
      const record = new ReplayRecord();
      record.observe({ type: 'transcript.delta', speaker: 'assistant', itemId: 'a1', delta: text });
      record.observe({ type: 'interrupted', itemId: 'a1', reason: 'barge-in', playedMs, receivedMs });
      const replayed = record.said.map((e) => e.text).join('');

      const turn: Turn = { itemId: 'a1', speaker: 'assistant', text, final: true, cut: { playedMs, receivedMs, reason: 'barge-in' } };
      const { container, unmount } = render(<Transcript turns={[turn]} />);
      expect(container.querySelector('.heard')?.textContent ?? '').toBe(replayed);
      unmount();
    }
  });

  it('marks the cut of a Japanese reply in Japanese', () => {
    const turn: Turn = { itemId: 'a1', speaker: 'assistant', text: replies[0]!, final: true, cut: { playedMs: 1000, receivedMs: 2000, reason: 'user' } };
    const { container } = render(
      <LanguageProvider language="ja">
        <Transcript turns={[turn]} />
      </LanguageProvider>,
    );
    expect(container.querySelector('.heard')!.textContent).toBe('ええと、今日の京都は晴れで、最高気温は二十二度');
    expect(container.querySelector('.unheard')!.textContent).toBe('くらいです。午後は少し風が出るでしょう。');
    const marker = container.querySelector('.cut-marker')!;
    expect(marker.textContent).toBe('中断');
    expect(marker.getAttribute('title')).toBe('返答を中断しました：2.0 秒 のうち 1.0 秒 を聞きました。');
    expect(container.querySelector('.turn-speaker')!.textContent).toBe('Kaiwa');
  });
});
