import { stat } from 'node:fs/promises';
import type { InputDevice, OutputDevice } from '../engine';
import { NullInput, NullOutput, WavFileInput, WavFileOutput, readWavFile } from '../engine';

export interface CliDeviceFlags {
  input?: string;
  output?: string;
}

export interface CliDevices {
  input: InputDevice;
  output: OutputDevice;
  /** Resolves when a finite input (a WAV file) has delivered all of its audio; undefined for live input. */
  inputFinished?: Promise<void>;
  /** Lines to tell the user (e.g. which backend is in use). */
  notes: string[];
}

/** A device that cannot be used: `message` is the one line shown to the user. */
export class DeviceSetupError extends Error {
  override name = 'DeviceSetupError';
}

/**
 * Every device the CLI uses is made here. Files when asked for; otherwise the live backends (the
 * native-audio backend plugs in here; until then there is no microphone and output is discarded).
 */
export async function createDevices(flags: CliDeviceFlags): Promise<CliDevices> {
  const notes: string[] = [];
  let input: InputDevice;
  let inputFinished: Promise<void> | undefined;
  if (flags.input) {
    try {
      // Read once up front so a bad file is reported before anything connects.
      if (!(await stat(flags.input)).isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
      await readWavFile(flags.input);
    } catch (error) {
      throw new DeviceSetupError(`cannot use --input ${flags.input}: ${describe(error, flags.input)}`);
    }
    const wav = new WavFileInput(flags.input);
    input = wav;
    inputFinished = wav.exhausted;
  } else {
    input = new NullInput();
    notes.push('No microphone backend is available yet: listening to silence (use --input FILE.wav).');
  }

  let output: OutputDevice;
  if (flags.output) {
    output = new WavFileOutput(flags.output);
  } else {
    output = new NullOutput();
  }
  return { input, output, ...(inputFinished ? { inputFinished } : {}), notes };
}

function describe(error: unknown, path: string): string {
  const e = error as NodeJS.ErrnoException;
  if (e.code === 'ENOENT') return 'no such file';
  if (e.code === 'EACCES') return 'permission denied';
  if (e.code === 'EISDIR') return 'it is a directory';
  const message = e.message ?? String(error);
  return message.startsWith(`${path}: `) ? message.slice(path.length + 2) : message;
}
