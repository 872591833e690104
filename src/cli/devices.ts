import { stat } from 'node:fs/promises';
import type { InputDevice, OutputDevice } from '../engine';
import { NullInput, NullOutput, WavFileInput, WavFileOutput, readWavFile } from '../engine';
import { chooseDevice, listAudioDevices } from '../engine/audio/devices/naudiodon';
import { ResilientInput, ResilientOutput } from '../engine/audio/devices/naudiodon-resilient';

export interface CliDeviceFlags {
  input?: string;
  output?: string;
  /** Native (PortAudio) devices: a name, an id or 'default'. */
  inputDevice?: string;
  outputDevice?: string;
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
  if (flags.inputDevice !== undefined) {
    const device = await checkNativeDevice('input', flags.inputDevice);
    input = new ResilientInput({ device });
  } else if (flags.input) {
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
  if (flags.outputDevice !== undefined) {
    const device = await checkNativeDevice('output', flags.outputDevice);
    output = new ResilientOutput({ device, onRecovered: (name) => notes.push(`Now playing to ${name}.`) });
  } else if (flags.output) {
    output = new WavFileOutput(flags.output);
  } else {
    output = new NullOutput();
  }
  return { input, output, ...(inputFinished ? { inputFinished } : {}), notes };
}

/** Resolves a native device choice up front, so a wrong name is one clear line before connecting. */
async function checkNativeDevice(direction: 'input' | 'output', selector: string): Promise<string | undefined> {
  const wanted = selector === 'default' ? undefined : selector;
  try {
    chooseDevice(await listAudioDevices(), direction, wanted);
  } catch (error) {
    throw new DeviceSetupError(`cannot use --${direction}-device ${selector}: ${(error as Error).message}`);
  }
  return wanted;
}

/** `--list-devices`: one line per PortAudio device. */
export async function describeAudioDevices(): Promise<string[]> {
  const devices = await listAudioDevices();
  return devices.map((d) => {
    const roles = [d.isDefaultInput ? 'default input' : '', d.isDefaultOutput ? 'default output' : ''].filter(Boolean).join(', ');
    return `${String(d.id).padStart(3)}  ${d.name}  [${d.hostApi}] in ${d.maxInputChannels} / out ${d.maxOutputChannels} ch, ${d.defaultSampleRate} Hz${roles ? ` (${roles})` : ''}`;
  });
}

function describe(error: unknown, path: string): string {
  const e = error as NodeJS.ErrnoException;
  if (e.code === 'ENOENT') return 'no such file';
  if (e.code === 'EACCES') return 'permission denied';
  if (e.code === 'EISDIR') return 'it is a directory';
  const message = e.message ?? String(error);
  return message.startsWith(`${path}: `) ? message.slice(path.length + 2) : message;
}
