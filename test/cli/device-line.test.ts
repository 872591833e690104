import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { PlainUi, deviceLine } from '../../src/cli/ui';
import { createI18n } from '../../src/shared/i18n';

describe('the CLI on a device change', () => {
  it('prints the device in use in the user’s language', () => {
    const en = createI18n('en').t;
    const ja = createI18n('ja').t;
    expect(deviceLine(en, { direction: 'output', name: 'USB Headset', followsDefault: true })).toBe('Speaker: USB Headset (system default)');
    expect(deviceLine(en, { direction: 'input', name: 'kaiwa_aux_mic', followsDefault: false })).toBe('Microphone: kaiwa_aux_mic');
    expect(deviceLine(ja, { direction: 'input', name: 'USB Headset', followsDefault: true })).toBe('マイク：USB Headset（システムの既定）');
  });

  it('the plain UI writes one line per device event', () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    new PlainUi(createI18n('en').t, out).show({ type: 'device', direction: 'output', name: 'spk2', followsDefault: true });
    expect(text).toBe('[Speaker: spk2 (system default)]\n');
  });
});
