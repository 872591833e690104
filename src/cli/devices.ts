import { stat } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import type { InputDevice, OutputDevice } from '../engine';
import { WavFileInput, WavFileOutput, WavStreamOutput, decodeAsEngineAudio, readRecordingAsEngineAudio } from '../engine';
import { openLiveDevices, type LiveDevices } from '../engine/audio/devices/live';
import { chooseDevice, listAudioDevices } from '../engine/audio/devices/naudiodon';
import { ResilientInput, ResilientOutput } from '../engine/audio/devices/naudiodon-resilient';
import { sharedDeviceWatcher } from '../engine/audio/devices/device-watcher';
import { AudioDecodeError } from '../engine/audio/decode';
import { DeviceNotFoundError } from '../engine/audio/devices/native-portaudio';
import { englishT, keyed, messageWords, type KeyedWords, type Translate } from '../shared/i18n';

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
  /** What to tell the user (e.g. which backend is in use), by catalogue key. */
  notes: KeyedWords[];
}

/** A device or file that cannot be used: `said` is the one line shown to the user, `message` the same in English. */
export class DeviceSetupError extends Error {
  override name = 'DeviceSetupError';
  constructor(readonly said: KeyedWords) {
    super(messageWords(englishT(), said));
  }

  /** The line in the language of `t`. */
  describe(t: Translate): string {
    return messageWords(t, this.said);
  }
}

/**
 * Every device the CLI uses is made here: files or named devices when asked for, otherwise the
 * system's default microphone and speaker (or silence and discarded output where there are none).
 */
export async function createDevices(flags: CliDeviceFlags): Promise<CliDevices> {
  const notes: KeyedWords[] = [];
  const nowPlaying = (name: string) => notes.push(keyed('device.nowPlaying', { name }));
  const wantsLiveInput = flags.inputDevice === undefined && !flags.input;
  const wantsLiveOutput = flags.outputDevice === undefined && !flags.output;
  let live: LiveDevices | undefined;
  if (wantsLiveInput || wantsLiveOutput) {
    live = await openLiveDevices({ onOutputRecovered: nowPlaying });
    if (wantsLiveInput && live.inputNote) notes.push(keyed('cli.device.speakAFile', { note: live.inputNote }));
    if (wantsLiveOutput && live.outputNote) notes.push(live.outputNote);
  }
  let input: InputDevice;
  let inputFinished: Promise<void> | undefined;
  if (flags.inputDevice !== undefined) {
    const device = await checkNativeDevice('input', flags.inputDevice);
    input = new ResilientInput({ device, watcher: sharedDeviceWatcher() });
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
    output = new ResilientOutput({ device, onRecovered: nowPlaying, watcher: sharedDeviceWatcher() });
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
    throw new DeviceSetupError(keyed('cli.device.inputUnusable', { path, problem: fileProblem(error) }));
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
    const problem = error instanceof DeviceNotFoundError ? error.said : (error as Error).message;
    throw new DeviceSetupError(keyed('cli.device.nativeUnusable', { direction, selector, problem }));
  }
  return wanted;
}

/** `--list-devices`: one line per PortAudio device. */
export async function describeAudioDevices(t: Translate): Promise<string[]> {
  const devices = await listAudioDevices();
  return devices.map((d) => {
    const roles = [d.isDefaultInput ? t('cli.devices.defaultInput') : '', d.isDefaultOutput ? t('cli.devices.defaultOutput') : ''].filter(Boolean);
    const line = t('cli.devices.line', {
      id: String(d.id).padStart(3),
      name: d.name,
      hostApi: d.hostApi,
      inputs: d.maxInputChannels,
      outputs: d.maxOutputChannels,
      rate: d.defaultSampleRate,
    });
    return roles.length > 0 ? t('cli.devices.withRoles', { line, roles: roles.join(t('cli.devices.roleSeparator')) }) : line;
  });
}

/** What is wrong with a file (a recording, a picture), without its path (the line names it). */
export function fileProblem(error: unknown): KeyedWords | string {
  const e = error as NodeJS.ErrnoException;
  if (e.code === 'ENOENT') return keyed('cli.device.noSuchFile');
  if (e.code === 'EACCES') return keyed('cli.device.permissionDenied');
  if (e.code === 'EISDIR') return keyed('cli.device.isDirectory');
  if (error instanceof AudioDecodeError) return error.said;
  return e.message ?? String(error);
}
