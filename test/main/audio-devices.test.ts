import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../src/engine';
import { ResilientInput, ResilientOutput } from '../../src/engine/audio/devices/naudiodon-resilient';
import { createAudioDevices, listAudioDevices } from '../../src/main/audio-devices';

// The desktop app's device factory on this machine's PortAudio (naudiodon2 is a dependency and
// builds at install). Nothing is opened here: opening devices is the audio suite's job.

describe('audio devices', () => {
  it('the factory gives the native, self-recovering devices when naudiodon loads', async () => {
    const devices = await createAudioDevices({ ...DEFAULT_SETTINGS, inputDevice: 'default' });
    expect(devices.input).toBeInstanceOf(ResilientInput);
    expect(devices.output).toBeInstanceOf(ResilientOutput);
    expect(devices.note).toBeUndefined();
  });

  it('lists devices by name, each once, at most one default per direction', async () => {
    const { inputs, outputs } = await listAudioDevices();
    for (const list of [inputs, outputs]) {
      expect(new Set(list.map((d) => d.id)).size).toBe(list.length);
      for (const device of list) {
        expect(device.id).toBe(device.name);
        expect(typeof device.isDefault).toBe('boolean');
      }
      expect(list.filter((d) => d.isDefault).length).toBeLessThanOrEqual(1);
    }
  });
});
