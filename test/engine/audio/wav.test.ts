import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  WavError,
  WavFileWriter,
  readWav,
  readWavAsEngineAudio,
  readWavFile,
  writeWav,
  writeWavPcm16,
  type WavSampleFormat,
} from '../../../src/engine/audio/wav';

const dir = mkdtempSync(join(tmpdir(), 'kaiwa-wav-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sox = (...args: string[]): Buffer => execFileSync('sox', args, { maxBuffer: 64 * 1024 * 1024 });

/** What sox itself decodes from a file: interleaved float32. */
function soxSamples(path: string): Float32Array {
  const raw = sox(path, '-t', 'f32', '-e', 'floating-point', '-');
  return new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
}

function testSignal(frames: number, channels: number): Float32Array[] {
  return Array.from({ length: channels }, (_, ch) => {
    const c = new Float32Array(frames);
    for (let i = 0; i < frames; i++) c[i] = 0.8 * Math.sin((2 * Math.PI * (440 * (ch + 1)) * i) / 8000) * (ch % 2 ? -1 : 1);
    return c;
  });
}

const tolerance: Record<WavSampleFormat, number> = {
  pcm8: 1 / 128,
  pcm16: 1 / 32768,
  pcm24: 1 / 8388608,
  pcm32: 1e-7,
  float32: 0,
  float64: 1e-7,
};

describe('writeWav / readWav round trips', () => {
  for (const format of Object.keys(tolerance) as WavSampleFormat[]) {
    for (const extensible of [false, true]) {
      for (const channels of [1, 2]) {
        it(`${format}, ${channels} ch${extensible ? ', extensible' : ''}`, () => {
          const signal = testSignal(801, channels);
          const bytes = writeWav(signal, { sampleRate: 22050, format, extensible });
          const wav = readWav(bytes);
          expect(wav).toMatchObject({ sampleRate: 22050, channels, format, frames: 801 });
          for (let ch = 0; ch < channels; ch++) {
            for (let i = 0; i < 801; i++) {
              expect(Math.abs(wav.channelData[ch]![i]! - signal[ch]![i]!)).toBeLessThanOrEqual(tolerance[format] * 1.0001);
            }
          }
          // sox agrees our file is well-formed and decodes the same samples.
          const path = join(dir, `ours-${format}-${channels}-${extensible}.wav`);
          writeFileSync(path, bytes);
          const theirs = soxSamples(path);
          expect(theirs.length).toBe(801 * channels);
          for (let i = 0; i < theirs.length; i++) {
            const ours = wav.channelData[i % channels]![Math.floor(i / channels)]!;
            expect(Math.abs(theirs[i]! - ours)).toBeLessThanOrEqual(1e-6);
          }
        });
      }
    }
  }

  it('writes PCM16 samples directly', () => {
    const wav = readWav(writeWavPcm16(Int16Array.of(0, 32767, -32768, 5), 24000));
    expect(Array.from(wav.channelData[0]!).map((x) => Math.round(x * 32768))).toEqual([0, 32767, -32768, 5]);
  });
});

describe('files made by sox', () => {
  const cases: { name: string; args: string[]; format: WavSampleFormat }[] = [
    { name: 'u8', args: ['-b', '8', '-e', 'unsigned-integer'], format: 'pcm8' },
    { name: 's16', args: ['-b', '16', '-e', 'signed-integer'], format: 'pcm16' },
    { name: 's24 (extensible)', args: ['-b', '24', '-e', 'signed-integer'], format: 'pcm24' },
    { name: 's24 (plain)', args: ['-t', 'wavpcm', '-b', '24', '-e', 'signed-integer'], format: 'pcm24' },
    { name: 's32', args: ['-b', '32', '-e', 'signed-integer'], format: 'pcm32' },
    { name: 'f32', args: ['-b', '32', '-e', 'floating-point'], format: 'float32' },
    { name: 'f64', args: ['-b', '64', '-e', 'floating-point'], format: 'float64' },
  ];
  for (const { name, args, format } of cases) {
    for (const [rate, channels] of [[44100, 2], [16000, 1], [48000, 3]] as const) {
      it(`${name}, ${rate} Hz, ${channels} ch`, async () => {
        const path = join(dir, `sox-${format}-${name.length}-${rate}-${channels}.wav`);
        sox('-n', '-r', String(rate), '-c', String(channels), ...args, path, 'synth', '0.05', 'sine', '1000', 'vol', '0.5');
        const wav = await readWavFile(path);
        expect(wav).toMatchObject({ sampleRate: rate, channels, format, frames: Math.round(0.05 * rate) });
        const reference = soxSamples(path);
        for (let i = 0; i < reference.length; i++) {
          expect(Math.abs(wav.channelData[i % channels]![Math.floor(i / channels)]! - reference[i]!)).toBeLessThan(1e-6);
        }
      });
    }
  }

  it('reads as engine audio: 24 kHz mono PCM16', async () => {
    const path = join(dir, 'engine-48k-stereo.wav');
    sox('-n', '-r', '48000', '-c', '2', '-b', '16', path, 'synth', '0.5', 'sine', '1000', 'vol', '0.5');
    const pcm = await readWavAsEngineAudio(path);
    expect(pcm).toBeInstanceOf(Int16Array);
    expect(pcm.length).toBe(12000);
    let crossings = 0;
    for (let i = 101; i < pcm.length - 100; i++) if ((pcm[i - 1]! < 0) !== (pcm[i]! < 0)) crossings++;
    expect(Math.abs(crossings - 1000 * ((12000 - 200) / 12000))).toBeLessThanOrEqual(2);
    const peak = pcm.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expect(peak).toBeGreaterThan(16000);
    expect(peak).toBeLessThan(16800);
  });
});

describe('chunk layout', () => {
  it('skips unknown chunks, honouring the pad byte of odd-sized ones', () => {
    const plain = writeWavPcm16(Int16Array.of(1, 2, 3), 24000);
    const list = Buffer.concat([Buffer.from('LIST'), Buffer.from([5, 0, 0, 0]), Buffer.from('INFOx'), Buffer.from([0])]);
    const junk = Buffer.concat([Buffer.from('junk'), Buffer.from([3, 0, 0, 0]), Buffer.from('abc'), Buffer.from([0])]);
    // RIFF header + fmt (12 + 24 bytes), then our chunks, then data.
    const file = Buffer.concat([plain.subarray(0, 36), list, junk, plain.subarray(36)]);
    file.writeUInt32LE(file.length - 8, 4);
    const wav = readWav(file);
    expect(Array.from(wav.channelData[0]!).map((x) => x * 32768)).toEqual([1, 2, 3]);
  });

  it('reads a data chunk of unknown size (0xFFFFFFFF) to the end of the file', () => {
    const file = writeWavPcm16(Int16Array.of(4, 5, 6, 7), 24000);
    file.writeUInt32LE(0xffffffff, 40);
    expect(readWav(file).frames).toBe(4);
  });
});

describe('bad input gives a WavError', () => {
  const good = writeWavPcm16(new Int16Array(100), 24000);
  const cases: [string, Buffer, RegExp][] = [
    ['empty', Buffer.alloc(0), /too short/],
    ['garbage', Buffer.from('this is certainly not a wave file at all'), /no RIFF header/],
    ['RIFF but not WAVE', Buffer.concat([good.subarray(0, 8), Buffer.from('AVI '), good.subarray(12)]), /not WAVE/],
    ['RF64', Buffer.concat([Buffer.from('RF64'), good.subarray(4)]), /unsupported: RF64/],
    ['truncated data', good.subarray(0, 100), /truncated: data chunk declares 200 bytes, 56 present/],
    ['truncated fmt', good.subarray(0, 30), /truncated fmt/],
    ['no data chunk', good.subarray(0, 36), /no data chunk/],
    ['no fmt chunk', Buffer.concat([good.subarray(0, 12), good.subarray(36)]), /data chunk before fmt/],
  ];
  for (const [name, bytes, message] of cases) {
    it(name, () => {
      expect(() => readWav(bytes, 'x.wav')).toThrow(WavError);
      expect(() => readWav(bytes, 'x.wav')).toThrow(message);
      expect(() => readWav(bytes, 'x.wav')).toThrow(/^x\.wav: /);
    });
  }

  it('an unsupported encoding (A-law from sox)', async () => {
    const path = join(dir, 'alaw.wav');
    sox('-n', '-r', '8000', '-e', 'a-law', path, 'synth', '0.01', 'sine', '1000');
    await expect(readWavFile(path)).rejects.toThrow(/unsupported sample format: format tag 0x6, 8 bits/);
  });

  it('random bytes never crash, only WavError', () => {
    for (let k = 0; k < 200; k++) {
      const bytes = Buffer.from(Array.from({ length: 20 + ((k * 37) % 120) }, (_, i) => (i * 131 + k * 17) & 255));
      if (k % 2) {
        bytes.write('RIFF', 0, 'latin1');
        bytes.write('WAVE', 8, 'latin1');
      }
      try {
        readWav(bytes);
      } catch (error) {
        expect(error).toBeInstanceOf(WavError);
      }
    }
  });

  it('a missing file names the path', async () => {
    await expect(readWavFile(join(dir, 'nope.wav'))).rejects.toThrow(WavError);
    await expect(readWavAsEngineAudio(join(dir, 'nope.wav'))).rejects.toThrow(/nope\.wav: cannot read/);
  });
});

describe('WavFileWriter', () => {
  it('streams frames to disk and patches the sizes on close', async () => {
    const path = join(dir, 'stream.wav');
    const writer = await WavFileWriter.create(path, { sampleRate: 24000 });
    const frame = new Int16Array(240);
    let n = 0;
    for (let f = 0; f < 500; f++) {
      for (let i = 0; i < 240; i++) frame[i] = (n++ % 2000) - 1000;
      writer.write(frame); // the same buffer each time: the writer must copy
    }
    expect(writer.framesWritten).toBe(120000);
    await writer.close();
    await writer.close();
    const bytes = readFileSync(path);
    expect(bytes.readUInt32LE(4)).toBe(bytes.length - 8);
    expect(bytes.readUInt32LE(40)).toBe(240000);
    const wav = readWav(bytes);
    expect(wav.frames).toBe(120000);
    const samples = wav.channelData[0]!;
    for (let i = 0; i < 120000; i += 997) expect(Math.round(samples[i]! * 32768)).toBe((i % 2000) - 1000);
    expect(soxSamples(path).length).toBe(120000);
    expect(() => writer.write(frame)).toThrow(/write after close/);
  });

  it('an unwritable path gives a WavError', async () => {
    await expect(WavFileWriter.create(join(dir, 'no/such/dir.wav'), { sampleRate: 24000 })).rejects.toThrow(WavError);
  });
});
