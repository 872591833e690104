import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { FrameSource, OutputDevice } from '../../../src/engine/audio/devices/types';
import { Player } from '../../../src/engine/audio/player';
import { SILENCE_DB } from '../../../src/engine/events';

/** Stands for the sound card: pulls when told to (a fake clock) and reports a set latency. */
class FakeOutput implements OutputDevice {
  readonly name = 'fake output';
  latency = 0;
  pulled = 0;
  private source: FrameSource | null = null;

  async start(pull: FrameSource): Promise<void> {
    this.source = pull;
  }
  async stop(): Promise<void> {
    this.source = null;
  }
  latencyMs(): number {
    return this.latency;
  }
  positionMs(): number {
    return Math.max(0, this.pulled * 10 - this.latency);
  }
  /** Pulls one frame (the player's own buffer, as a device sees it). */
  pullRaw(): Int16Array {
    if (!this.source) throw new Error('not started');
    this.pulled++;
    return this.source();
  }
  /** Pulls `samples` (a piece shorter than a frame, as the speaker pulls). */
  pullPiece(samples: number): Int16Array {
    if (!this.source) throw new Error('not started');
    return this.source(samples).slice();
  }
  /** Pulls `n` frames and returns copies of them, concatenated. */
  pull(n: number): Int16Array {
    const out = new Int16Array(n * 240);
    for (let i = 0; i < n; i++) out.set(this.pullRaw(), i * 240);
    return out;
  }
}

async function setup(latency = 0, fadeMs?: number): Promise<{ player: Player; device: FakeOutput }> {
  const player = new Player(fadeMs === undefined ? {} : { fadeMs });
  const device = new FakeOutput();
  device.latency = latency;
  await player.attach(device);
  return { player, device };
}

/** Nonzero, distinguishable samples: 1, 2, 3, ... (wrapping below 30000). */
function ramp(length: number, start = 1): Int16Array {
  const out = new Int16Array(length);
  for (let i = 0; i < length; i++) out[i] = ((start + i - 1) % 29999) + 1;
  return out;
}

function constant(length: number, value: number): Int16Array {
  return new Int16Array(length).fill(value);
}

function sine(length: number, amplitude: number): Int16Array {
  const out = new Int16Array(length);
  for (let i = 0; i < length; i++) out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * i) / 24));
  return out;
}

const isSilent = (pcm: Int16Array): boolean => pcm.every((v) => v === 0);

describe('Player: queue and frames', () => {
  it('hands out queued audio in order, seamlessly across chunks, then silence', async () => {
    const { player, device } = await setup();
    const signal = ramp(2000);
    let at = 0;
    for (const size of [100, 333, 1, 1000, 566]) {
      player.enqueue('a', signal.slice(at, at + size));
      at += size;
    }
    const out = device.pull(10);
    expect(out.subarray(0, 2000)).toEqual(signal);
    expect(isSilent(out.subarray(2000))).toBe(true);
  });

  it('plays items in the order queued, each starting on a fresh frame', async () => {
    const { player, device } = await setup();
    player.enqueue('a', ramp(250));
    player.enqueue('b', ramp(240, 5000));
    player.enqueue('a', ramp(10, 251)); // 'a' is still queued: appended to it
    const out = device.pull(3);
    expect(out.subarray(0, 260)).toEqual(ramp(260));
    expect(isSilent(out.subarray(260, 480))).toBe(true);
    expect(out.subarray(480, 720)).toEqual(ramp(240, 5000));
    expect(player.receivedMs('a')).toBeCloseTo(260 / 24, 9);
    expect(player.playedMs('a')).toBeCloseTo(260 / 24, 9);
    expect(player.playedMs('b')).toBe(10);
    expect(player.playedMs('unknown')).toBe(0);
    expect(player.receivedMs('unknown')).toBe(0);
  });

  it('returns the same silent buffer when idle (no allocation) and rotates a few buffers when playing', async () => {
    const { player, device } = await setup();
    const idle = device.pullRaw();
    for (let i = 0; i < 100; i++) expect(device.pullRaw()).toBe(idle);
    expect(isSilent(idle)).toBe(true);
    player.enqueue('a', ramp(240 * 50));
    const seen = new Set<Int16Array>();
    for (let i = 0; i < 50; i++) seen.add(device.pullRaw());
    expect(seen.size).toBeLessThanOrEqual(8);
    expect(seen.has(idle)).toBe(false);
    expect(device.pullRaw()).toBe(idle);
    expect(isSilent(idle)).toBe(true);
  });

  it('ignores empty chunks', async () => {
    const { player, device } = await setup();
    player.enqueue('a', new Int16Array(0));
    expect(player.isPlaying).toBe(false);
    expect(player.currentItemId).toBeNull();
    expect(isSilent(device.pull(1))).toBe(true);
  });
});

describe('Player: flush (barge-in)', () => {
  it('is silent from the very next pull', async () => {
    const { player, device } = await setup(40);
    player.enqueue('a', constant(24000, 1000));
    player.enqueue('b', constant(24000, 2000));
    device.pull(5);
    const flushed = player.flush();
    expect(flushed?.itemId).toBe('a');
    expect(isSilent(device.pull(1))).toBe(true);
    expect(isSilent(device.pull(20))).toBe(true);
    expect(player.currentItemId).toBeNull();
  });

  it('reports what the user hears: all that was handed out, since the device plays out what it holds', async () => {
    const { player, device } = await setup(50);
    player.enqueue('a', constant(24000, 1000)); // 1 s
    device.pull(30); // 300 ms handed out, 250 ms heard so far
    expect(player.playedMs('a')).toBe(250);
    expect(player.flush()).toEqual({ itemId: 'a', playedMs: 300, receivedMs: 1000 });
  });

  it('counts audio that has not reached the ear yet when the device still holds it', async () => {
    const { player, device } = await setup(100);
    player.enqueue('a', constant(2400, 1000));
    device.pull(4);
    expect(player.playedMs('a')).toBe(0);
    expect(player.flush()).toEqual({ itemId: 'a', playedMs: 40, receivedMs: 100 });
  });

  it('after a flush the played position walks up to what the flush reported, as the device plays out', async () => {
    const { player, device } = await setup(30);
    const finished: Array<[string, number]> = [];
    player.on('item-finished', (id, ms) => finished.push([id, ms]));
    player.enqueue('a', constant(24000, 1000));
    device.pull(10);
    expect(player.flush()?.playedMs).toBe(100);
    expect(player.playedMs('a')).toBe(70);
    expect(player.isPlaying).toBe(true); // the device still holds 30 ms of it
    device.pull(2);
    expect(player.playedMs('a')).toBe(90);
    expect(finished).toEqual([]);
    device.pull(1);
    expect(player.playedMs('a')).toBe(100);
    expect(finished).toEqual([['a', 100]]);
    expect(player.isPlaying).toBe(false);
  });

  it('reports the item still being handed out, or the one the device still holds, else null', async () => {
    const { player, device } = await setup(30);
    expect(player.flush()).toBeNull();
    player.enqueue('a', constant(480, 1000)); // 20 ms
    device.pull(2); // all of it handed out, 0 ms... heard: 20 - 30 < 0
    expect(player.currentItemId).toBe('a');
    device.pull(1); // 30 ms pulled: 0 heard of the timeline beyond the latency? 30 - 30 = 0
    device.pull(2); // 50 - 30 = 20 ms heard: all of 'a'
    expect(player.currentItemId).toBeNull();
    expect(player.flush()).toBeNull();
    expect(player.playedMs('a')).toBe(20);
  });

  it('never reports more than received; plays max(0, pulled - latency) and flushes what was handed out', () => {
    return fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 3000 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 0, max: 80 }),
        async (chunks, latency, pulls) => {
          const { player, device } = await setup(latency);
          let received = 0;
          for (const n of chunks) {
            player.enqueue('a', constant(n, 100));
            received += n;
          }
          device.pull(pulls);
          const handedOut = Math.min(received, pulls * 240);
          expect(player.playedMs('a')).toBeCloseTo(Math.max(0, Math.min(handedOut / 24, pulls * 10 - latency)), 9);
          const flushed = player.flush();
          // null once all of it was heard: then too, what was heard is what was handed out.
          const played = flushed?.playedMs ?? player.playedMs('a');
          expect(played).toBeCloseTo(handedOut / 24, 9);
          expect(played).toBeLessThanOrEqual(received / 24);
          if (flushed) expect(flushed.receivedMs).toBeCloseTo(received / 24, 9);
        },
      ),
    );
  });

  it('follows the latency the device reports, and the heard position never moves back', async () => {
    const { player, device } = await setup(0);
    player.enqueue('a', constant(24000, 1000));
    device.pull(20);
    device.latency = 80;
    // 200 ms were already heard at the last pull.
    expect(player.playedMs('a')).toBe(200);
    device.pull(6); // 260 pulled - 80 = 180 < 200: still 200
    expect(player.playedMs('a')).toBe(200);
    device.latency = 20;
    expect(player.playedMs('a')).toBe(240);
    expect(player.flush()?.playedMs).toBe(260);
  });

  it('plays the next reply normally after a flush', async () => {
    const { player, device } = await setup();
    player.enqueue('a', constant(2400, 1000));
    device.pull(2);
    player.flush();
    player.enqueue('b', ramp(240));
    expect(device.pull(1)).toEqual(ramp(240));
  });
});

describe('Player: pulls shorter than a frame (the speaker pulls 2.5 ms at a time)', () => {
  it('hands out the same audio whatever the pull sizes, and refuses a size outside 1..240', async () => {
    const { player, device } = await setup();
    player.enqueue('a', ramp(1000));
    const pieces = [60, 60, 1, 239, 240, 60, 100].map((n) => device.pullPiece(n));
    const joined = new Int16Array(pieces.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of pieces) {
      joined.set(p, at);
      at += p.length;
    }
    expect(joined.subarray(0, 760)).toEqual(ramp(760));
    expect(() => device.pullPiece(0)).toThrow(RangeError);
    expect(() => device.pullPiece(241)).toThrow(RangeError);
    expect(() => device.pullPiece(2.5)).toThrow(RangeError);
  });

  it('a flush or a pause takes effect at the next piece, not at the next 10 ms', async () => {
    const { player, device } = await setup(0, 1);
    player.enqueue('a', constant(4800, 1000));
    device.pullPiece(60);
    expect(player.flush()?.playedMs).toBe(2.5);
    expect(isSilent(device.pullPiece(60))).toBe(true);

    player.enqueue('b', constant(4800, 1000));
    device.pullPiece(60);
    player.pause();
    const fading = device.pullPiece(60);
    expect(fading[0]).toBeLessThan(1000);
    expect(isSilent(fading.subarray(24))).toBe(true); // the 1 ms fade is over within the piece
  });

  it('never reports more than received; plays max(0, pulled - latency) and levels follow, with pieces of any size', () => {
    return fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 3000 }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.integer({ min: 1, max: 240 }), { maxLength: 120 }),
        fc.integer({ min: 0, max: 200 }),
        async (chunks, pieces, latency) => {
          const { player, device } = await setup(latency);
          let received = 0;
          for (const n of chunks) {
            player.enqueue('a', constant(n, 100));
            received += n;
          }
          let pulled = 0;
          for (const n of pieces) {
            device.pullPiece(n);
            pulled += n;
          }
          const handedOut = Math.min(received, pulled);
          const heard = Math.max(0, Math.min(handedOut, pulled - latency * 24));
          expect(player.playedMs('a')).toBeCloseTo(heard / 24, 9);
          // The level heard now: the constant's while the ear is inside the audio, silence outside it.
          const level = player.outputLevel();
          const inAudio = pulled - latency * 24 > 0 && pulled - latency * 24 <= handedOut;
          if (inAudio) expect(level.rmsDb).toBeGreaterThan(SILENCE_DB);
          expect(player.flush()?.playedMs ?? player.playedMs('a')).toBeCloseTo(handedOut / 24, 9);
        },
      ),
    );
  });
});

describe('Player: levels', () => {
  it('reports the level of the frame being heard, not the one just pulled', async () => {
    const { player, device } = await setup(50);
    player.enqueue('a', sine(2400, 16384)); // 10 loud frames
    player.enqueue('a', sine(2400, 100)); // 10 quiet frames
    device.pull(12); // pulled frame 11 is quiet; heard: frame 6 (loud)
    const loud = player.outputLevel();
    expect(loud.rmsDb).toBeCloseTo(-9.03, 1);
    expect(loud.peakDb).toBeCloseTo(-6.02, 1);
    device.pull(4); // heard: frame 10 (quiet)
    expect(player.outputLevel().rmsDb).toBeCloseTo(20 * Math.log10(100 / 32768) - 3.01, 1);
    device.pull(10); // heard: silence after the item
    expect(player.outputLevel()).toEqual({ rmsDb: SILENCE_DB, peakDb: SILENCE_DB });
  });

  it('is silence before anything is heard, and fills a given object', async () => {
    const { player, device } = await setup(30);
    player.enqueue('a', sine(2400, 16384));
    device.pull(3);
    const out = { rmsDb: 0, peakDb: 0 };
    expect(player.outputLevel(out)).toBe(out);
    expect(out).toEqual({ rmsDb: SILENCE_DB, peakDb: SILENCE_DB });
    device.pull(1);
    expect(player.outputLevel().rmsDb).toBeGreaterThan(-10);
  });
});

describe('Player: pause and resume', () => {
  it('fades out within 20 ms, holds the position, and continues from it with a fade-in', async () => {
    const { player, device } = await setup(0, 10);
    player.enqueue('a', ramp(24000));
    const before = device.pull(2); // samples 1..480
    expect(before).toEqual(ramp(480));
    player.pause();
    expect(player.isPaused).toBe(true);
    const fade = device.pull(1);
    // Linear fade over 240 samples: monotone gain from ~1 down to 0.
    const gains = Array.from(fade, (v, i) => v / (481 + i));
    for (let i = 1; i < gains.length; i++) expect(gains[i]!).toBeLessThanOrEqual(gains[i - 1]! + 1e-3);
    expect(gains[0]!).toBeGreaterThan(0.99);
    expect(fade[239]).toBe(0);
    const paused = device.pull(10);
    expect(isSilent(paused)).toBe(true);
    const heldMs = player.playedMs('a');
    expect(heldMs).toBe(30);
    expect(player.isPlaying).toBe(true);
    player.resume();
    expect(player.isPaused).toBe(false);
    const fadeIn = device.pull(1);
    expect(fadeIn[0]!).toBeLessThan(30);
    // The fade-in ends with the signal exactly where pause stopped it: sample 721 onwards.
    expect(fadeIn[239]).toBe(960);
    expect(device.pull(1)).toEqual(ramp(240, 961));
    expect(player.playedMs('a')).toBe(50);
  });

  it('resuming during the fade-out turns back without silence', async () => {
    const { player, device } = await setup(0, 20);
    player.enqueue('a', constant(24000, 10000));
    device.pull(1);
    player.pause();
    const half = device.pull(1); // 240 of the 480-sample fade
    expect(half[239]).toBeGreaterThan(4900);
    expect(half[239]).toBeLessThan(5100);
    player.resume();
    const back = device.pull(1);
    expect(back.every((v) => v > 4900)).toBe(true);
    expect(back[239]).toBe(10000);
  });

  it('by default fades out in 5 ms', async () => {
    const { player, device } = await setup();
    player.enqueue('a', constant(24000, 10000));
    device.pull(1);
    player.pause();
    const fade = device.pull(1);
    expect(fade[0]!).toBeGreaterThan(9900);
    expect(fade[59]!).toBeGreaterThan(4900); // halfway down the linear 120-sample ramp
    expect(fade[59]!).toBeLessThan(5100);
    expect(isSilent(fade.subarray(120))).toBe(true);
    expect(player.playedMs('a')).toBe(15);
  });

  it('a flush cancels the pause', async () => {
    const { player, device } = await setup();
    player.enqueue('a', constant(2400, 1000));
    player.pause();
    device.pull(3);
    player.flush();
    player.enqueue('b', constant(240, 7));
    expect(device.pull(1)).toEqual(constant(240, 7));
  });
});

describe('Player: events', () => {
  it('emits item-started when heard, item-finished when its audio has been heard, then idle', async () => {
    const { player, device } = await setup(20);
    const events: string[] = [];
    player.on('item-started', (id) => events.push(`started ${id} @${device.pulled}`));
    player.on('item-finished', (id, played) => events.push(`finished ${id} ${played} @${device.pulled}`));
    player.on('idle', () => events.push(`idle @${device.pulled}`));
    player.enqueue('a', constant(480, 1));
    player.enqueue('b', constant(240, 2));
    device.pull(10);
    expect(events).toEqual([
      'started a @3', // frame 1 is heard once 3 frames are pulled (20 ms latency)
      'finished a 20 @4',
      'started b @5',
      'finished b 10 @5',
      'idle @5',
    ]);
  });

  it('an item that underruns finishes, then starts again when more of it arrives', async () => {
    const { player, device } = await setup();
    const events: string[] = [];
    player.on('item-started', (id) => events.push(`started ${id}`));
    player.on('item-finished', (id, played) => events.push(`finished ${id} ${played}`));
    player.on('idle', () => events.push('idle'));
    player.enqueue('a', constant(240, 1));
    device.pull(2);
    player.enqueue('a', constant(240, 1));
    device.pull(2);
    expect(events).toEqual(['started a', 'finished a 10', 'idle', 'started a', 'finished a 20', 'idle']);
  });

  it('a throwing listener does not break the pull', async () => {
    const errors: unknown[] = [];
    const player = new Player({ onListenerError: (error) => errors.push(error) });
    const device = new FakeOutput();
    await player.attach(device);
    player.on('item-started', () => {
      throw new Error('boom');
    });
    player.enqueue('a', constant(480, 5));
    expect(device.pull(2)).toEqual(constant(480, 5));
    expect(errors).toHaveLength(1);
  });

  it('a listener may flush from inside an event', async () => {
    const { player, device } = await setup();
    let flushed: unknown;
    player.on('item-started', (id) => {
      if (id === 'a') flushed = player.flush();
    });
    player.enqueue('a', constant(2400, 5));
    device.pull(1);
    expect(flushed).toEqual({ itemId: 'a', playedMs: 10, receivedMs: 100 });
    expect(isSilent(device.pull(1))).toBe(true);
  });
});
