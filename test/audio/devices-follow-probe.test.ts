import { describe, expect, it } from 'vitest';
import { NaudiodonOutput } from '../../src/engine/audio/devices/naudiodon';
import { listAudioDevices } from '../../src/engine/audio/devices/native-portaudio';
import { PortAudioProbe, SoundServerProbe } from '../../src/engine/audio/devices/device-probe';
import { pactl, tone } from '../../harness/audio-rig';

// The device probe (device-probe.ts): a fresh PortAudio list while this process's own list is
// frozen by an open stream, and the sound server's defaults by name and description.

describe('the device probe', () => {
  it('sees a device that appears while a stream is open, which this process’s PortAudio does not', async () => {
    const probe = new PortAudioProbe();
    const output = new NaudiodonOutput();
    let aux: string | null = null;
    const sink = await pactl('load-module', 'module-null-sink', 'sink_name=aux');
    try {
      await output.start(tone(440, 0));
      const before = await probe.snapshot(true);
      expect(before.defaultOutput).toBe('default');
      expect(before.defaultInput).toBe('default');
      expect(before.devices.map((d) => d.name)).not.toContain('kaiwa_aux');
      // "Plug in" kaiwa_aux: its socket (scripts/audio-rig.sh) answers from now on.
      aux = await pactl('load-module', 'module-native-protocol-unix', `socket=${process.env.KAIWA_AUDIO_RIG_DIR}/pulse/aux`, 'auth-anonymous=1');
      const after = await probe.snapshot(false);
      expect(after.devices.map((d) => d.name)).toContain('kaiwa_aux');
      expect(after.defaultOutput).toBeUndefined(); // not asked for: one PortAudio initialisation fewer
      // This process still lists what it saw when its open stream started.
      expect((await listAudioDevices()).map((d) => d.name)).not.toContain('kaiwa_aux');
    } finally {
      probe.close();
      await output.stop();
      if (aux) await pactl('unload-module', aux);
      await pactl('unload-module', sink);
    }
  });

  it('never starts process.execPath inside Electron (a packaged app cannot run as Node: it would start a second Kaiwa)', async () => {
    const versions = process.versions as Record<string, string | undefined>;
    versions.electron = '39.0.0';
    let probe: PortAudioProbe;
    try {
      probe = new PortAudioProbe();
    } finally {
      delete versions.electron;
    }
    await expect(probe.snapshot()).rejects.toThrow(/no device probe here/);
  });

  it('names the sound server’s default sink and source by their descriptions', async () => {
    const defaults = await new SoundServerProbe().defaults();
    expect(defaults).toEqual({ sink: { name: 'spk', description: 'spk' }, source: { name: 'vmic', description: 'vmic' } });
  });
});
