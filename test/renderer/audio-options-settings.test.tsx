import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeBridge } from './fakeBridge';
import { openSettings } from './openSettings';

afterEach(cleanup);

/** Issue 14 (server-side audio options) and issue 12's local voice detection, as the settings screen offers them. */
describe('Settings: audio options', () => {
  it('offers noise reduction and speaking speed, and saves them as a patch', async () => {
    const { bridge } = await openSettings();
    const noise = screen.getByLabelText('Noise reduction (service side)') as HTMLSelectElement;
    expect([...noise.options].map((o) => o.textContent)).toEqual(['Off', 'Headset or close microphone', 'Laptop or room microphone']);
    fireEvent.change(noise, { target: { value: 'far_field' } });
    fireEvent.change(screen.getByLabelText('Speaking speed'), { target: { value: '1.2' } });
    fireEvent.click(screen.getByLabelText(/^Pause the reply the moment I speak/));
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(bridge.callsOf('updateSettings')).toHaveLength(1));
    expect(bridge.callsOf('updateSettings')[0]![0]).toEqual({ noiseReduction: 'far_field', speed: 1.2, interruption: { localVad: false } });
  });

  it('shows semantic VAD eagerness only with semantic turn detection', async () => {
    const { bridge } = await openSettings();
    expect(screen.queryByLabelText('How soon Kaiwa answers')).toBeNull();
    fireEvent.change(screen.getByLabelText('Turn detection'), { target: { value: 'semantic_vad' } });
    fireEvent.change(screen.getByLabelText('How soon Kaiwa answers'), { target: { value: 'low' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(bridge.callsOf('updateSettings')).toHaveLength(1));
    expect(bridge.callsOf('updateSettings')[0]![0]).toEqual({ turnDetection: { mode: 'semantic_vad', eagerness: 'low' } });
  });

  it('says that GPT-Live has no noise reduction or speed instead of pretending', async () => {
    const bridge = new FakeBridge();
    await openSettings(bridge, { ...bridge.view, settings: { ...bridge.view.settings, protocol: 'live' } });
    const note = 'Realtime only: GPT-Live does not offer this setting.';
    for (const label of ['Noise reduction (service side)', 'Speaking speed']) {
      const field = screen.getByLabelText(label);
      expect(document.getElementById(field.getAttribute('aria-describedby')!)?.textContent).toContain(note);
    }
  });
});
