import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { WavStreamOutput } from '../../../src/engine/audio/devices/wav-stream';
import { readWav, streamingWavHeader, WavFileWriter } from '../../../src/engine/audio/wav';

const tone = (n: number) => Int16Array.from({ length: n }, (_, i) => Math.round(8000 * Math.sin(i / 5)));

describe('WAV to pipes', () => {
  it('the streaming header needs no seeking and reads to the end of the stream', () => {
    const samples = tone(4800);
    const bytes = Buffer.concat([streamingWavHeader(24_000), Buffer.from(samples.buffer)]);
    expect(bytes.readUInt32LE(4)).toBe(0xffffffff);
    const wav = readWav(bytes);
    expect(wav.sampleRate).toBe(24_000);
    expect(wav.frames).toBe(4800);
    expect(Math.round(wav.channelData[0]![10]! * 32768)).toBe(samples[10]);
  });

  it('WavFileWriter writes in order to a path that cannot seek (a pipe), as to /dev/stdout', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kaiwa-wav-'));
    try {
      const fifo = join(dir, 'fifo');
      await new Promise<void>((resolve, reject) => spawn('mkfifo', [fifo]).on('exit', (code) => (code === 0 ? resolve() : reject(new Error('mkfifo')))));
      const reader = spawn('cat', [fifo]);
      const chunks: Buffer[] = [];
      reader.stdout.on('data', (d: Buffer) => chunks.push(d));
      const ended = new Promise((resolve) => reader.on('exit', resolve));
      const writer = await WavFileWriter.create(fifo, { sampleRate: 24_000 });
      expect(writer.seekable).toBe(false);
      const samples = tone(100_000); // more than one 64 KB block
      writer.write(samples);
      await writer.close();
      await ended;
      const wav = readWav(Buffer.concat(chunks));
      expect(wav.frames).toBe(samples.length);
      expect(Math.round(wav.channelData[0]![99_999]! * 32768)).toBe(samples[99_999]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('WavStreamOutput streams the header, then frames as they are played', async () => {
    const sink = new PassThrough();
    const chunks: Buffer[] = [];
    sink.on('data', (d: Buffer) => chunks.push(d));
    const output = new WavStreamOutput(sink, { speed: 10 });
    const frame = tone(240);
    await output.start(() => frame);
    await new Promise((resolve) => setTimeout(resolve, 60));
    await output.stop();
    const wav = readWav(Buffer.concat(chunks));
    expect(wav.frames).toBeGreaterThanOrEqual(240 * 10);
    expect(wav.frames % 240).toBe(0);
  });

  it('a reader that goes away (EPIPE) stops the device quietly and resolves `closed`', async () => {
    let writes = 0;
    const broken = new Writable({
      write(_chunk, _encoding, callback) {
        writes++;
        callback(writes > 3 ? Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }) : null);
      },
    });
    const output = new WavStreamOutput(broken, { speed: 10 });
    const errors: string[] = [];
    output.onError = (e) => errors.push(e.message);
    await output.start(() => tone(240));
    await output.closed;
    const at = writes;
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(writes).toBe(at); // stopped pulling
    expect(errors).toEqual([]);
    await output.stop();
  });
});
