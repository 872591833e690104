import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Assistant } from '../../src/engine/assistant';
import { parseSettings } from '../../src/engine/settings';
import type { AssistantEvent, Said } from '../../src/engine/events';
import { englishT, messageWords } from '../../src/shared/i18n';
import { NaudiodonInput } from '../../src/engine/audio/devices/naudiodon';
import { ResilientInput, ResilientOutput } from '../../src/engine/audio/devices/naudiodon-resilient';
import type { DeviceErrorInfo } from '../../src/engine/audio/devices/types';
import { startSimulator } from '../../src/simulator';
import { speechWav } from '../../harness/speech';
import { tempDir } from '../../harness/temp';
import { MonitorRecorder, addAuxDevice, loudMs, soundSpan, speakIntoMic, tone } from '../../harness/audio-rig';

const PER_MS = 24;

describe('a device that goes away mid-session', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    dir = await tempDir();
  });
  afterAll(async () => {
    await dir?.cleanup();
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

  it('shows the loss as a non-fatal device error while the reply goes on from the default speaker', async () => {
    const sim = await startSimulator({ port: 0, replyMs: 6000 });
    const aux = await addAuxDevice();
    const spkMonitor = new MonitorRecorder('spk.monitor');
    await spkMonitor.started();
    const output = new ResilientOutput({ device: 'kaiwa_aux', stallMs: 500 });
    const assistant = new Assistant({ settings: parseSettings({ provider: 'local' }), credentials: {}, input: new NaudiodonInput(), output, localUrl: sim.url });
    const events: Array<{ at: number; event: AssistantEvent }> = [];
    let onSpeaking!: () => void;
    const speaking = new Promise<void>((resolve) => (onSpeaking = resolve));
    assistant.subscribe((event) => {
      events.push({ at: performance.now(), event });
      if (event.type === 'state' && event.state === 'speaking') onSpeaking();
    });
    const ask = await speechWav(dir.path, 'ask', [{ say: 'Tell me a long story, please.' }]);
    let recoveredAt = -1;
    try {
      await assistant.start();
      await speakIntoMic(ask.path);
      await speaking;
      await new Promise((resolve) => setTimeout(resolve, 800));
      await aux.loseDevice();
      await output.settled();
      recoveredAt = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 1500));
    } finally {
      await assistant.stop();
      await aux.remove();
      await sim.close();
    }
    const heard = await spkMonitor.stop();

    const errors = events.filter((e) => e.event.type === 'error').map((e) => e.event);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ type: 'error', code: 'device', fatal: false });
    expect(messageWords(englishT(), errors[0] as Said)).toMatch(/speaker.*kaiwa_aux.*system default/);
    // The session went on: no fatal error, no reconnect, and the reply is heard on the default sink.
    expect(events.some((e) => e.event.type === 'state' && (e.event.state === 'error' || e.event.state === 'reconnecting'))).toBe(false);
    expect(loudMs(heard.samples, heard.indexAt(recoveredAt), heard.indexAt(recoveredAt + 1500))).toBeGreaterThan(500);
  });

  it('keeps listening on the default microphone after the chosen one is lost', async () => {
    const aux = await addAuxDevice({ mic: true });
    const ask = await speechWav(dir.path, 'after-loss', [{ say: 'Can you still hear me?' }]);
    const errors: DeviceErrorInfo[] = [];
    const chunks: Array<{ at: number; pcm: Int16Array }> = [];
    const input = new ResilientInput({ device: 'kaiwa_aux_mic', stallMs: 500 });
    const gotError = new Promise<void>((resolve) => {
      input.onError = (info) => {
        errors.push(info);
        resolve();
      };
    });
    let recoveredAt = -1;
    try {
      await input.start((pcm) => chunks.push({ at: performance.now(), pcm }));
      expect(input.name).toMatch(/kaiwa_aux_mic/);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(chunks.length).toBeGreaterThan(0); // the aux monitor delivers (silence)
      await aux.loseDevice();
      await gotError;
      await input.settled();
      recoveredAt = performance.now();
      expect(input.name).toMatch(/^default/);
      await speakIntoMic(ask.path);
      await new Promise((resolve) => setTimeout(resolve, 300));
    } finally {
      await input.stop();
      await aux.remove();
    }
    expect(errors).toEqual([{ lost: true, message: expect.stringMatching(/kaiwa_aux_mic.*switching to the system default/) as unknown }]);
    const after = chunks.filter((c) => c.at > recoveredAt).map((c) => c.pcm);
    const captured = new Int16Array(after.reduce((n, c) => n + c.length, 0));
    after.reduce((at, c) => (captured.set(c, at), at + c.length), 0);
    expect(loudMs(captured)).toBeGreaterThan(500); // the speech, from vmic
  });
});
