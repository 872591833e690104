import { stat } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import type { InputDevice, OutputDevice } from '../engine';
import { WavFileInput, WavFileOutput, WavStreamOutput, decodeAsEngineAudio, readRecordingAsEngineAudio } from '../engine';
import { openLiveDevices, type LiveDevices } from '../engine/audio/devices/live';
import { chooseDevice, listAudioDevices } from '../engine/audio/devices/naudiodon';
import { ResilientInput, ResilientOutput } from '../engine/audio/devices/naudiodon-resilient';

/** `--input -` and `--output -`: the recording comes from stdin, the WAV goes to stdout. */
export const STDIO = '-';

export interface CliDeviceFlags {
  input?: string;
  output?: string;
  /** The input recording, already read and decoded by `readInputRecording`. */
  inputAudio?: Int16Array;
  /** Where `--output -` streams. */
  stdout?: Writable;
  /** Native (PortAudio) devices: a name, an id or 'default'. */
  inputDevice?: string;
  outputDevice?: string;
}

export interface CliDevices {
  input: InputDevice;
  output: OutputDevice;
  /** Resolves when a finite input (a WAV file) has delivered all of its audio; undefined for live input. */
  inputFinished?: Promise<void>;
  /** `--output -`: resolves when the reader of stdout has gone away (`| head`, a closed player). */
  outputClosed?: Promise<void>;
  /** Lines to tell the user (e.g. which backend is in use). */
  notes: string[];
}

/** A device that cannot be used: `message` is the one line shown to the user. */
export class DeviceSetupError extends Error {
  override name = 'DeviceSetupError';
}

/**
 * Every device the CLI uses is made here: files or named devices when asked for, otherwise the
 * system's default microphone and speaker (or silence and discarded output where there are none).
 */
export async function createDevices(flags: CliDeviceFlags): Promise<CliDevices> {
  const notes: string[] = [];
  const wantsLiveInput = flags.inputDevice === undefined && !flags.input;
  const wantsLiveOutput = flags.outputDevice === undefined && !flags.output;
  let live: LiveDevices | undefined;
  if (wantsLiveInput || wantsLiveOutput) {
    live = await openLiveDevices({ onOutputRecovered: (name) => notes.push(`Now playing to ${name}.`) });
    if (wantsLiveInput && live.inputNote) notes.push(`${live.inputNote} (Use --input FILE.wav to speak a file.)`);
    if (wantsLiveOutput && live.outputNote) notes.push(live.outputNote);
  }
  let input: InputDevice;
  let inputFinished: Promise<void> | undefined;
  if (flags.inputDevice !== undefined) {
    const device = await checkNativeDevice('input', flags.inputDevice);
    input = new ResilientInput({ device });
  } else if (flags.input) {
    const wav = new WavFileInput(flags.input === STDIO ? 'stdin' : flags.input, flags.inputAudio ? { audio: flags.inputAudio } : {});
    input = wav;
    inputFinished = wav.exhausted;
  } else {
    input = live!.input;
  }

  let output: OutputDevice;
  let outputClosed: Promise<void> | undefined;
  if (flags.output === STDIO) {
    const stream = new WavStreamOutput(flags.stdout ?? process.stdout, { name: 'stdout' });
    output = stream;
    outputClosed = stream.closed;
  } else if (flags.outputDevice !== undefined) {
    const device = await checkNativeDevice('output', flags.outputDevice);
    output = new ResilientOutput({ device, onRecovered: (name) => notes.push(`Now playing to ${name}.`) });
  } else if (flags.output) {
    output = new WavFileOutput(flags.output);
  } else {
    output = live!.output;
  }
  return { input, output, ...(inputFinished ? { inputFinished } : {}), ...(outputClosed ? { outputClosed } : {}), notes };
}

/**
 * Reads and decodes `--input` (a file in any format audio/decode reads, or `-` for stdin) once up
 * front, so a bad recording is one clear line before any device opens or anything connects.
 */
export async function readInputRecording(path: string, stdin: Readable = process.stdin): Promise<Int16Array> {
  try {
    if (path === STDIO) return await decodeAsEngineAudio(await readAll(stdin), 'stdin');
    if (!(await stat(path)).isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
    return await readRecordingAsEngineAudio(path);
  } catch (error) {
    throw new DeviceSetupError(`cannot use --input ${path}: ${describe(error, path === STDIO ? 'stdin' : path)}`);
  }
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks);
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
