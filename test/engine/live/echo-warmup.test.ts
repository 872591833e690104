import { afterEach, describe, expect, it } from 'vitest';
import { ECHO_WARMUP_MS, EchoWarmup } from '../../../src/engine/audio/echo-warmup';
import { MicPath } from '../../../src/engine/audio/mic-path';
import type { FrameSource, OutputDevice } from '../../../src/engine/audio/devices/types';
import { needsEchoCancellation } from '../../../src/engine/session';
import { parseSettings } from '../../../src/engine/settings';
import { voice } from './helpers/session-harness';

const FRAME = 240;

describe('needsEchoCancellation', () => {
  it('is on for every GPT-Live session, and for Realtime only when the setting asks', () => {
    expect(needsEchoCancellation(parseSettings({ model: 'gpt-live-1' }))).toBe(true);
    expect(needsEchoCancellation(parseSettings({ protocol: 'live', echoCancellation: false }))).toBe(true);
    expect(needsEchoCancellation(parseSettings({ model: 'gpt-realtime' }))).toBe(false);
    expect(needsEchoCancellation(parseSettings({ model: 'gpt-realtime', echoCancellation: true }))).toBe(true);
  });
});

describe('EchoWarmup', () => {
  it('gates while the speaker plays until the canceller has heard the warm-up, then never again', () => {
    let now = 0;
    const warmup = new EchoWarmup(ECHO_WARMUP_MS, () => now);
    const loud = voice(10);
    const quiet = new Int16Array(FRAME);
    expect(warmup.gating).toBe(false);
    warmup.render(quiet, 30);
    expect(warmup.gating).toBe(false); // silence teaches nothing and leaves no echo
    warmup.render(loud, 30);
    expect(warmup.gating).toBe(true);
    now += 10;
    warmup.render(quiet, 30); // playback ends: its echo lasts latency + tail
    now += 179;
    expect(warmup.gating).toBe(true);
    now += 2;
    expect(warmup.gating).toBe(false);
    for (let i = 0; i < ECHO_WARMUP_MS / 10; i++) warmup.render(loud, 30);
    expect(warmup.warm).toBe(true);
    expect(warmup.gating).toBe(false);
    warmup.reset();
    warmup.render(loud, 30);
    expect(warmup.gating).toBe(true);
  });

  it('a busy event loop that delays the speaker\'s pulls mid-playback does not open the gate (captured echo is handled first)', () => {
    let now = 0;
    const warmup = new EchoWarmup(ECHO_WARMUP_MS, () => now);
    const loud = voice(10);
    for (let i = 0; i < 20; i++, now += 10) warmup.render(loud, 40);
    // 600 ms without a pull: the device plays on from its buffer; the microphone's frames of that
    // time are processed before the speaker's late pulls and carry echo the canceller has not learned.
    now += 600;
    expect(warmup.gating).toBe(true);
    // A speaker that never pulls again (stopped mid-reply) does not gate the microphone for ever.
    now += 1_000;
    expect(warmup.gating).toBe(false);
  });
});

/** A speaker whose pulls the test drives. */
class ManualOutput implements OutputDevice {
  readonly name = 'manual';
  pull: FrameSource | null = null;
  async start(pull: FrameSource): Promise<void> {
    this.pull = pull;
  }
  async stop(): Promise<void> {}
  latencyMs(): number {
    return 20;
  }
  positionMs(): number {
    return 0;
  }
}

describe('MicPath with a GPT-Live session on a microphone that hears the speaker', () => {
  let mic: MicPath | null = null;
  afterEach(async () => {
    await mic?.close();
    mic = null;
  });

  it('runs AEC3 and sends silence over the first playback, the microphone itself once the canceller is warm', async () => {
    const output = new ManualOutput();
    const errors: string[] = [];
    mic = new MicPath({ output, hearsOutput: true, onError: (m) => errors.push(m) });
    const sent: Int16Array[] = [];
    mic.sink = { acceptsAudio: true, sendAudio: (pcm) => sent.push(pcm.slice()) };
    await mic.configureEcho(needsEchoCancellation(parseSettings({ model: 'gpt-live-1' })));
    expect(errors).toEqual([]);
    const reply = voice(10, 6000);
    await mic.speaker.start(() => reply);
    const nearEnd = voice(10, 3000);
    const peak = (pcm: Int16Array) => pcm.reduce((m, s) => Math.max(m, Math.abs(s)), 0);
    // Reply playing, canceller cold: the batches carry silence.
    for (let i = 0; i < 20; i++) {
      output.pull!();
      mic.push(nearEnd);
    }
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.every((b) => peak(b) === 0)).toBe(true);
    // After the warm-up of playback, full duplex: what the microphone hears goes out.
    for (let i = 0; i < ECHO_WARMUP_MS / 10; i++) output.pull!();
    sent.length = 0;
    for (let i = 0; i < 20; i++) {
      output.pull!();
      mic.push(nearEnd);
    }
    expect(sent.some((b) => peak(b) > 0)).toBe(true);
  });
});
