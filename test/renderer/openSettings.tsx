import { act, render, waitFor } from '@testing-library/react';
import { useState } from 'react';
import { expect } from 'vitest';
import type { SettingsView } from '../../src/shared/ipc';
import { BridgeProvider } from '../../src/renderer/bridge';
import { Settings } from '../../src/renderer/components/Settings';
import { FakeBridge } from './fakeBridge';

/** The settings screen as the app holds it: its view in state, replaced by what the screen hands back. */
function SettingsScreen({ bridge, initial }: { bridge: FakeBridge; initial: SettingsView }) {
  const [view, setView] = useState(initial);
  return (
    <BridgeProvider bridge={bridge}>
      <Settings view={view} onViewChange={setView} />
    </BridgeProvider>
  );
}

/** Renders the settings screen on `bridge` and waits until it has listed the devices. */
export async function openSettings(bridge = new FakeBridge(), view = bridge.view) {
  const result = render(<SettingsScreen bridge={bridge} initial={view} />);
  await waitFor(() => expect(bridge.callsOf('listDevices')).toHaveLength(1));
  await act(async () => {});
  return { bridge, ...result };
}
