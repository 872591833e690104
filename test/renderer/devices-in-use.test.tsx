import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { AssistantEvent } from '../../src/shared/ipc';
import { StatusBar } from '../../src/renderer/components/StatusBar';
import { LanguageProvider } from '../../src/renderer/i18n';
import { initialUiState, uiReducer } from '../../src/renderer/state/reducer';
import type { UiState } from '../../src/renderer/state/types';

afterEach(cleanup);

// The `device` events of a conversation in which a headset became the default speaker.
const events: AssistantEvent[] = [
  { type: 'state', state: 'listening' },
  { type: 'device', direction: 'input', name: 'Built-in Microphone', followsDefault: true },
  { type: 'device', direction: 'output', name: 'Speakers', followsDefault: true },
  { type: 'device', direction: 'output', name: 'USB Headset', followsDefault: true },
];

const reduce = (list: AssistantEvent[]): UiState => uiReducer(initialUiState, { type: 'events', events: list });
const noop = () => undefined;
const bar = (ui: UiState, language: 'en' | 'ja' = 'en') =>
  render(
    <LanguageProvider language={language}>
      <StatusBar ui={ui} muted={false} onDismissError={noop} onDismissNotice={noop} onOpenSettings={noop} />
    </LanguageProvider>,
  );

describe('the devices in use', () => {
  it('the reducer keeps the latest device per direction', () => {
    expect(reduce(events).devices).toEqual({
      input: { name: 'Built-in Microphone', followsDefault: true },
      output: { name: 'USB Headset', followsDefault: true },
    });
  });

  it('the status line names them, marking those that follow the system default, in both languages', () => {
    bar(reduce(events));
    const speaker = screen.getByText('Speaker: USB Headset (system default)');
    expect(speaker.getAttribute('title')).toBe('Follows the system’s default device');
    expect(screen.getByText('Microphone: Built-in Microphone (system default)')).toBeTruthy();
    cleanup();
    bar(reduce(events), 'ja');
    expect(screen.getByText('スピーカー：USB Headset（システムの既定）')).toBeTruthy();
  });

  it('a picked device is named as it is, with no default mark', () => {
    bar(reduce([{ type: 'device', direction: 'output', name: 'Studio Monitors', followsDefault: false }]));
    const speaker = screen.getByText('Speaker: Studio Monitors');
    expect(speaker.getAttribute('title')).toBe('The device chosen in Settings');
  });

  it('shows nothing for devices that do not report themselves (files, no device)', () => {
    const { container } = bar(reduce([{ type: 'state', state: 'listening' }]));
    expect(container.querySelector('.status-devices')).toBeNull();
  });
});
