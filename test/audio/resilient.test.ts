import { beforeAll, describe, expect, it } from 'vitest';
import { ResilientOutput } from '../../src/engine/audio/devices/naudiodon-resilient';
import type { DeviceErrorInfo } from '../../src/engine/audio/devices/types';
import { MonitorRecorder, addAuxDevice, ensureRig, soundSpan, tone } from './rig';

const PER_MS = 24;

describe('a speaker that goes away mid-session', () => {
  beforeAll(async () => {
    await ensureRig();
  });

  it('reports the loss once and keeps playing on the system default', async () => {
    const aux = await addAuxDevice();
    const auxMonitor = new MonitorRecorder('aux.monitor');
    const spkMonitor = new MonitorRecorder('spk.monitor');
    await Promise.all([auxMonitor.started(), spkMonitor.started()]);
    const errors: DeviceErrorInfo[] = [];
    let errorAt = -1;
    let recoveredAt = -1;
    let recoveredName = '';
    const output = new ResilientOutput({
      device: 'kaiwa_aux',
      stallMs: 500,
      onRecovered: (name) => {
        recoveredAt = performance.now();
        recoveredName = name;
      },
    });
    const gotError = new Promise<void>((resolve) => {
      output.onError = (info) => {
        errors.push(info);
        errorAt = performance.now();
        resolve();
      };
    });
    let lostAt = -1;
    try {
      await output.start(tone());
      expect(output.name).toMatch(/kaiwa_aux/);
      await new Promise((resolve) => setTimeout(resolve, 800));
      lostAt = performance.now();
      await aux.loseDevice();
      await gotError;
      await output.settled();
      expect(output.name).toMatch(/^default/);
      const positionAtRecovery = output.positionMs();
      await new Promise((resolve) => setTimeout(resolve, 800));
      // The output timeline goes on across devices.
      expect(output.positionMs()).toBeGreaterThan(positionAtRecovery + 500);
    } finally {
      await output.stop();
      await aux.remove();
    }
    const onAux = await auxMonitor.stop();
    const onSpk = await spkMonitor.stop();

    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ lost: true });
    expect(errors[0]!.message).toMatch(/kaiwa_aux.*switching to the system default/);
    // Noticed within the watchdog's 500 ms (plus its 100 ms tick and a loaded machine's slack).
    expect(errorAt - lostAt).toBeLessThan(1000);
    expect(recoveredName).toMatch(/^default/);

    // Before the loss the tone went to aux only; after recovery it plays on spk (the default).
    const auxSpan = soundSpan(onAux.samples, onAux.indexAt(lostAt - 700), onAux.indexAt(lostAt - 50));
    expect(auxSpan).not.toBeNull();
    expect(soundSpan(onSpk.samples, onSpk.indexAt(lostAt - 700), onSpk.indexAt(lostAt - 50))).toBeNull();
    const after = soundSpan(onSpk.samples, onSpk.indexAt(recoveredAt), onSpk.samples.length)!;
    expect(after).not.toBeNull();
    expect((after.end - after.start) / PER_MS).toBeGreaterThan(600);
  });
});
