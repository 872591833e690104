/**
 * m4a/AAC (and the other MP4 family containers) decoded by the system's `ffmpeg`, for the terminal
 * and `kaiwa serve`: Kaiwa ships no AAC decoder of its own, since the only one that installs from
 * npm (FAAD2) is GPL-2.0 and would put every build under the GPL. Without ffmpeg the recording is
 * one clear line (`recording.needsFfmpeg`), never a crash.
 *
 * ffmpeg reads a private temporary copy, not a pipe: an MP4 file whose index (`moov`) follows the
 * audio, as phones often write them, cannot be read from a pipe once it is larger than ffmpeg's
 * probe buffer. It writes 32-bit float WAV to its stdout, read by wav.ts at the source's own rate
 * and channels (the engine mixes and resamples as for any other format).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { say } from '../messages';
import { AudioDecodeError, type DecodedAudio, type RecordingDecoder } from './decoded';
import { readWav } from './wav';

export interface FfmpegOptions {
  /** The program; found on `env.PATH` unless a path. Default `ffmpeg`. */
  command?: string;
  /** The environment ffmpeg runs in (its PATH finds it). Default: this process's. */
  env?: NodeJS.ProcessEnv;
}

/** The most of ffmpeg's stderr kept for the error line: it explains itself in its first lines. */
const STDERR_LIMIT = 4096;

export function ffmpegDecoder(options: FfmpegOptions = {}): RecordingDecoder {
  return (bytes, format) => decodeWithFfmpeg(bytes, format, options);
}

export async function decodeWithFfmpeg(bytes: Uint8Array, format: string, options: FfmpegOptions = {}): Promise<DecodedAudio> {
  const dir = await mkdtemp(join(tmpdir(), 'kaiwa-decode-'));
  const input = join(dir, 'recording');
  try {
    await writeFile(input, bytes, { mode: 0o600 });
    const wav = await run(options, format, ['-nostdin', '-hide_banner', '-loglevel', 'error', '-i', input, '-map', '0:a:0', '-c:a', 'pcm_f32le', '-f', 'wav', 'pipe:1'], input);
    const { sampleRate, channelData } = readWav(wav);
    return { sampleRate, channelData };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function run(options: FfmpegOptions, format: string, args: string[], input: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(options.command ?? 'ffmpeg', args, { env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      if (stderr.length < STDERR_LIMIT) stderr += chunk;
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') {
        reject(new AudioDecodeError(say('recording.needsFfmpeg', { format }), `${format} needs ffmpeg: install it, or convert to wav`));
      } else reject(error);
    });
    child.on('close', (code) => {
      if (code === 0) return resolve(Buffer.concat(out));
      // ffmpeg names its input first ("/tmp/kaiwa-decode-x/recording: Invalid data found..."): that path is ours, not the user's.
      const line = stderr.split('\n').find((l) => l.trim()) ?? `ffmpeg exited with ${code}`;
      reject(new Error(line.split(`${input}: `).join('').trim()));
    });
  });
}
