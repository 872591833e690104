import { describe, expect, it } from 'vitest';
import { listAudioDevices } from '../../src/main/audio-devices';

// The desktop app's device list on this machine's PortAudio (naudiodon2 is a dependency and builds
// at install). Nothing is opened here: opening devices, and the device factory, are test/audio's job.

describe('audio devices', () => {
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
