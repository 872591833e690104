import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { AssistantEvent } from '../../src/shared/ipc';
import { StatusBar } from '../../src/renderer/components/StatusBar';
import { LanguageProvider } from '../../src/renderer/i18n';
import { initialUiState, uiReducer, type UiState } from '../../src/renderer/state/reducer';

afterEach(cleanup);

/** GPT-Live's `session.usage`: cumulative seconds per session; a renewal starts a new session at 0. */
const usageEvents: AssistantEvent[] = [
  { type: 'state', state: 'listening' },
  { type: 'session.usage', sessionId: 's1', seconds: 4, final: false },
  { type: 'session.usage', sessionId: 's1', seconds: 9.5, final: false },
  { type: 'session.usage', sessionId: 's1', seconds: 10, final: true },
  { type: 'session.usage', sessionId: 's2', seconds: 2.34, final: false },
];

const reduce = (events: AssistantEvent[]): UiState => uiReducer(initialUiState, { type: 'events', events });
const noop = () => undefined;
const bar = (ui: UiState, language: 'en' | 'ja' = 'en') =>
  render(
    <LanguageProvider language={language}>
      <StatusBar ui={ui} muted={false} protocol="live" onDismissError={noop} onDismissNotice={noop} onOpenSettings={noop} />
    </LanguageProvider>,
  );

describe('GPT-Live audio usage', () => {
  it('the reducer keeps each session’s latest seconds and their sum (a session’s count is cumulative, not to be added up)', () => {
    const ui = reduce(usageEvents);
    expect(ui.audioUsage.sessions).toEqual({ s1: 10, s2: 2.34 });
    expect(ui.audioUsage.seconds).toBeCloseTo(12.34, 6);
  });

  it('the status bar shows the seconds of audio, formatted for the language, next to the protocol', () => {
    bar(reduce(usageEvents));
    const usage = screen.getByText('12.3 sec of audio');
    expect(usage.getAttribute('title')).toBe('GPT-Live bills by the seconds of audio its sessions use');
    cleanup();
    bar(reduce(usageEvents), 'ja');
    expect(screen.getByText('音声 12.3 秒')).toBeTruthy();
  });

  it('shows nothing before any audio is billed (a Realtime session never is)', () => {
    const { container } = bar(reduce([{ type: 'state', state: 'listening' }]));
    expect(container.querySelector('.status-audio-usage')).toBeNull();
  });
});
