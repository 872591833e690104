import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AudioDecodeError, decodeAsEngineAudio, decodeAudio, readRecordingAsEngineAudio, type RecordingDecoder } from '../../../src/engine/audio/decode';
import { ffmpegDecoder } from '../../../src/engine/audio/ffmpeg';
import { ENGINE_SAMPLE_RATE } from '../../../src/engine/audio/devices/types';
import { measureLevel } from '../../../src/engine/audio/meter';
import { englishT, createI18n, messageWords } from '../../../src/shared/i18n';
import { tempDir } from '../../../harness/temp';

const DIR = join(__dirname, '../../fixtures/recordings');
/** The spoken question is 2.18 s long (espeak-ng); codecs add a little padding, never much. */
const SPOKEN_MS = 2184;

describe('recordings in any format', () => {
  for (const name of ['question.wav', 'question.m4a', 'question.mp3', 'question.opus.ogg', 'question.vorbis.ogg', 'question.flac']) {
    it(`${name}: 24 kHz mono engine audio of the whole question`, async () => {
      const audio = await readRecordingAsEngineAudio(join(DIR, name));
      const ms = (audio.length * 1000) / ENGINE_SAMPLE_RATE;
      expect(ms).toBeGreaterThan(SPOKEN_MS - 30);
      expect(ms).toBeLessThan(SPOKEN_MS + 120);
      // Speech, not silence or noise from a wrong sample layout: loud in the middle, quiet at the end.
      const middle = measureLevel(audio.subarray(audio.length / 2 - 4800, audio.length / 2 + 4800));
      expect(middle.rmsDb).toBeGreaterThan(-30);
      expect(middle.peakDb).toBeLessThan(0.1);
    });
  }

  it('the m4a and the wav say the same thing (same loudness envelope)', async () => {
    const envelope = (pcm: Int16Array) =>
      Array.from({ length: 20 }, (_, i) => measureLevel(pcm.subarray(i * 2400, (i + 1) * 2400)).rmsDb);
    const wav = envelope(await readRecordingAsEngineAudio(join(DIR, 'question.wav')));
    const m4a = envelope(await readRecordingAsEngineAudio(join(DIR, 'question.m4a')));
    const voiced = wav.map((db, i) => (db > -40 ? Math.abs(db - m4a[i]!) : 0));
    expect(Math.max(...voiced)).toBeLessThan(6);
  });

  it('an unknown format is one clear line naming what Kaiwa reads', async () => {
    const error = await decodeAsEngineAudio(Buffer.from('this is a text file, not audio at all'), 'notes.txt').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AudioDecodeError);
    expect((error as Error).message).toBe('notes.txt: not a recording Kaiwa can read (it reads wav, m4a/aac, mp3, ogg/opus, ogg/vorbis, flac)');
  });

  it('a container Kaiwa ships no decoder for (AIFF here; likewise AC-3, DTS, WMA) is the same clear line', async () => {
    const aiff = Buffer.concat([Buffer.from('FORM'), Buffer.from([0, 0, 0, 4]), Buffer.from('AIFF'), Buffer.alloc(64)]);
    await expect(decodeAsEngineAudio(aiff, 'tone.aiff')).rejects.toThrow(/^tone\.aiff: not a recording Kaiwa can read/);
  });

  it('reads only the bytes it is given, not the memory around them (a Buffer from Node’s pool shares it)', async () => {
    const m4a = readFileSync(join(DIR, 'question.m4a'));
    const around = Buffer.concat([Buffer.from('x'.repeat(100)), m4a, Buffer.from('y'.repeat(100))]);
    const inside = await decodeAsEngineAudio(around.subarray(100, 100 + m4a.length));
    expect(inside).toEqual(await decodeAsEngineAudio(Buffer.from(m4a)));
    // The first 2000 bytes of the file, with the rest of it right behind them in memory: still cut short.
    await expect(decodeAsEngineAudio(m4a.subarray(0, 2000))).rejects.toThrow(/cannot decode/);
    await expect(decodeAsEngineAudio(around.subarray(0, 2000))).rejects.toThrow(/not a recording/);
  });

  it('a truncated m4a, an empty body and a broken WAV are clear errors', async () => {
    const m4a = readFileSync(join(DIR, 'question.m4a'));
    await expect(decodeAsEngineAudio(m4a.subarray(0, 2000), 'cut.m4a')).rejects.toThrow(/^cut\.m4a: cannot decode: /);
    await expect(decodeAsEngineAudio(new Uint8Array(0))).rejects.toThrow('empty: no audio');
    const wav = readFileSync(join(DIR, 'question.wav'));
    await expect(decodeAsEngineAudio(wav.subarray(0, 30), 'cut.wav')).rejects.toThrow(/^cut\.wav: /);
  });

  it('a file that cannot be read names it', async () => {
    await expect(readRecordingAsEngineAudio(join(DIR, 'missing.m4a'))).rejects.toThrow(/missing\.m4a: cannot read: ENOENT/);
  });

  it('m4a goes to the AAC decoder it is given, with its format; the others never do', async () => {
    const asked: string[] = [];
    const decoder: RecordingDecoder = async (bytes, format) => {
      asked.push(`${format} ${bytes.length}`);
      return { sampleRate: 8000, channelData: [new Float32Array(800).fill(0.5)] };
    };
    const m4a = readFileSync(join(DIR, 'question.m4a'));
    expect(await decodeAudio(m4a, 'q.m4a', decoder)).toEqual({ sampleRate: 8000, channelData: [new Float32Array(800).fill(0.5)] });
    await decodeAudio(readFileSync(join(DIR, 'question.mp3')), 'q.mp3', decoder);
    expect(asked).toEqual([`m4a ${m4a.length}`]);
    const failing: RecordingDecoder = () => Promise.reject(new Error('EncodingError: Unable to decode audio data'));
    await expect(decodeAudio(m4a, 'q.m4a', failing)).rejects.toThrow('q.m4a: cannot decode: EncodingError: Unable to decode audio data');
  });

  it('an m4a whose index follows the audio, larger than a pipe lets ffmpeg look back on, decodes whole', async () => {
    // minute.m4a keeps its `moov` after 171 KB of `mdat`, as phones write them: ffmpeg reads a file, not stdin.
    const minute = readFileSync(join(DIR, 'minute.m4a'));
    const { sampleRate, channelData } = await decodeAudio(minute);
    expect(sampleRate).toBe(44100);
    expect(channelData[0]!.length / sampleRate).toBeCloseTo(60, 0);
  });

  it('without ffmpeg, m4a is one line in English and Japanese; the other formats need none', async () => {
    const empty = await tempDir();
    try {
      const noFfmpeg = ffmpegDecoder({ env: { PATH: empty.path } });
      const error = (await decodeAsEngineAudio(readFileSync(join(DIR, 'question.m4a')), 'voice-memo.m4a', noFfmpeg).catch((e: unknown) => e)) as AudioDecodeError;
      expect(error).toBeInstanceOf(AudioDecodeError);
      expect(error.unsupported).toBe(true);
      expect(error.message).toBe('voice-memo.m4a: m4a needs ffmpeg: install it, or convert to wav');
      expect(messageWords(englishT(), error.said)).toBe('m4a needs ffmpeg: install it, or convert to wav');
      expect(messageWords(createI18n('ja').t, error.said)).toBe('m4a を読むには ffmpeg が必要です：ffmpeg を入れるか、wav に変換してください');
      // WAV and the other formats need no ffmpeg.
      expect((await decodeAsEngineAudio(readFileSync(join(DIR, 'question.mp3')), 'q.mp3', noFfmpeg)).length).toBeGreaterThan(0);
    } finally {
      await empty.cleanup();
    }
  });
});
