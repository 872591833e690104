import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NullInput, NullOutput } from '../../../src/engine/audio/devices/null';
import { WavFileInput, WavFileOutput } from '../../../src/engine/audio/devices/wav-file';
import { AudioDecodeError } from '../../../src/engine/audio/decode';
import { Player } from '../../../src/engine/audio/player';
import { WavError, readWavAsEngineAudio, readWavFile, writeWavPcm16 } from '../../../src/engine/audio/wav';

const dir = mkdtempSync(join(tmpdir(), 'kaiwa-devices-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Resolves when `count` reaches `n` (count incremented by the returned tick function). */
function counter(n: number): { tick: () => void; reached: Promise<number>; count: () => number } {
  let count = 0;
  let resolve!: (elapsedMs: number) => void;
  const started = performance.now();
  const reached = new Promise<number>((r) => (resolve = r));
  return {
    tick: () => {
      if (++count === n) resolve(performance.now() - started);
    },
    reached,
    count: () => count,
  };
}

describe('NullOutput / NullInput', () => {
  it('the output pulls at real-time pace, never ahead of the wall clock; the input stays silent', async () => {
    const input = new NullInput();
    let inputChunks = 0;
    await input.start(() => inputChunks++);
    const output = new NullOutput();
    const pulls = counter(30);
    await output.start(() => {
      pulls.tick();
      return new Int16Array(240);
    });
    const elapsed = await pulls.reached;
    await output.stop();
    await input.stop();
    expect(elapsed).toBeGreaterThanOrEqual(299); // 30 frames of 10 ms are never due sooner
    expect(elapsed).toBeLessThan(2000); // and a loaded machine catches up instead of drifting
    expect(output.latencyMs()).toBe(0);
    expect(output.positionMs()).toBeGreaterThanOrEqual(300);
    expect(inputChunks).toBe(0);
  });

  it('speed scales the pace', async () => {
    const output = new NullOutput({ speed: 8 });
    const pulls = counter(80); // 800 ms of audio
    await output.start(() => {
      pulls.tick();
      return new Int16Array(240);
    });
    const elapsed = await pulls.reached;
    await output.stop();
    expect(elapsed).toBeGreaterThanOrEqual(99);
    expect(elapsed).toBeLessThan(700);
  });
});

describe('WavFileInput', () => {
  const path = join(dir, 'speech-like.wav');
  execFileSync('sox', ['-n', '-r', '48000', '-c', '2', '-b', '16', path, 'synth', '0.305', 'sine', '300-900', 'vol', '0.5']);

  it('delivers the file as 24 kHz mono in 10 ms chunks at real-time pace, then the tail silence', async () => {
    const expected = await readWavAsEngineAudio(path);
    expect(expected.length).toBe(7320);
    const input = new WavFileInput(path, { tailSilenceMs: 50 });
    const chunks: Int16Array[] = [];
    const started = performance.now();
    await input.start((pcm) => chunks.push(pcm.slice()));
    await input.exhausted;
    const exhaustedAfter = performance.now() - started;
    expect(chunks).toHaveLength(31); // 305 ms -> 31 chunks, the last one zero-padded
    expect(input.positionMs()).toBe(310);
    expect(exhaustedAfter).toBeGreaterThanOrEqual(305);
    await input.ended;
    await input.stop();
    expect(chunks).toHaveLength(36);
    expect(chunks.every((c) => c.length === 240)).toBe(true);
    const all = new Int16Array(36 * 240);
    chunks.forEach((c, i) => all.set(c, i * 240));
    expect(all.subarray(0, 7320)).toEqual(expected);
    expect(all.subarray(7320).every((v) => v === 0)).toBe(true);
  });

  it('runs faster than real time with speed', async () => {
    const input = new WavFileInput(path, { speed: 10, tailSilenceMs: 0 });
    let n = 0;
    const beforeStart = performance.now();
    await input.start(() => n++);
    const afterStart = performance.now(); // file read and resampled: pacing from here on
    await input.ended;
    const now = performance.now();
    expect(n).toBe(31);
    expect(now - beforeStart).toBeGreaterThanOrEqual(31);
    expect(now - afterStart).toBeLessThan(250); // real time would take 310 ms
  });

  it('keeps delivering silence without a tail limit', async () => {
    const short = join(dir, 'short.wav');
    writeFileSync(short, writeWavPcm16(new Int16Array(240).fill(100), 24000));
    const input = new WavFileInput(short, { speed: 20 });
    const got = counter(20);
    const chunks: Int16Array[] = [];
    await input.start((pcm) => {
      chunks.push(pcm);
      got.tick();
    });
    await got.reached;
    await input.stop();
    expect(chunks[0]!.every((v) => v === 100)).toBe(true);
    expect(chunks.slice(1).every((c) => c.every((v) => v === 0))).toBe(true);
  });

  it('rejects a file that is not a recording with an AudioDecodeError naming the path', async () => {
    const bad = join(dir, 'notes.txt');
    writeFileSync(bad, 'hello, this is not audio');
    const input = new WavFileInput(bad);
    await expect(input.start(() => {})).rejects.toThrow(AudioDecodeError);
    await expect(input.start(() => {})).rejects.toThrow(`${bad}: not a recording Kaiwa can read`);
    await expect(new WavFileInput(join(dir, 'missing.wav')).start(() => {})).rejects.toThrow(/missing\.wav: cannot read/);
  });
});

describe('WavFileOutput', () => {
  it('records what a player plays on its own timeline: the signal starts where it was enqueued', async () => {
    const path = join(dir, 'heard.wav');
    const output = new WavFileOutput(path);
    const player = new Player();
    const started = performance.now();
    await player.attach(output);
    const tone = new Int16Array(4800); // 200 ms
    for (let i = 0; i < tone.length; i++) tone[i] = Math.round(10000 * Math.sin((2 * Math.PI * 500 * i) / 24000)) || 1;
    const enqueuedAtMs = await new Promise<number>((resolve) =>
      setTimeout(() => {
        const at = output.positionMs();
        player.enqueue('reply', tone);
        resolve(at);
      }, 100),
    );
    const idle = new Promise<void>((resolve) => player.on('idle', resolve));
    await idle;
    const elapsed = performance.now() - started;
    await output.stop();
    const recordedMs = output.positionMs();
    expect(player.playedMs('reply')).toBe(200);

    const wav = await readWavFile(path);
    expect(wav.sampleRate).toBe(24000);
    expect(wav.frames).toBe(recordedMs * 24);
    expect(recordedMs).toBeLessThanOrEqual(elapsed + 10); // never ahead of the wall clock
    const samples = wav.channelData[0]!;
    const first = samples.findIndex((v) => v !== 0);
    expect(Math.abs(first / 24 - enqueuedAtMs)).toBeLessThanOrEqual(10);
    for (let i = 0; i < tone.length; i++) expect(Math.round(samples[first + i]! * 32768)).toBe(tone[i]);
    expect(samples.subarray(first + tone.length).every((v) => v === 0)).toBe(true);
    expect(enqueuedAtMs).toBeGreaterThanOrEqual(50);

    // And back in through WavFileInput: the same timeline, frame for frame.
    const input = new WavFileInput(path, { speed: 20, tailSilenceMs: 0 });
    const replayed: Int16Array[] = [];
    await input.start((pcm) => replayed.push(pcm.slice()));
    await input.ended;
    expect(replayed).toHaveLength(recordedMs / 10);
    const toneFrame = Math.floor(first / 240);
    expect(replayed.slice(0, toneFrame).every((c) => c.every((v) => v === 0))).toBe(true);
    expect(replayed[toneFrame + 1]).toEqual(tone.slice(240 - (first % 240), 480 - (first % 240)));
  });

  it('records at another rate when asked', async () => {
    const path = join(dir, 'heard-48k.wav');
    const output = new WavFileOutput(path, { sampleRate: 48000, speed: 10 });
    const pulls = counter(50);
    await output.start(() => {
      pulls.tick();
      return new Int16Array(240).fill(1000);
    });
    await pulls.reached;
    await output.stop();
    const wav = await readWavFile(path);
    expect(wav.sampleRate).toBe(48000);
    expect(wav.frames).toBe(output.positionMs() * 48);
    expect(Math.round(wav.channelData[0]![wav.frames >> 1]! * 32768)).toBe(1000);
  });

  it('an unwritable path fails start() with a WavError', async () => {
    const output = new WavFileOutput(join(dir, 'no', 'such', 'dir.wav'));
    await expect(output.start(() => new Int16Array(240))).rejects.toThrow(WavError);
  });
});
