import { NullInput, NullOutput, type InputDevice, type OutputDevice, type Settings } from '../engine';
import type { DeviceInfo } from '../shared/ipc';

/**
 * The one place the desktop app gets its audio devices. Until the native (naudiodon) backend
 * lands, the null devices stand in: silence in, output discarded.
 */
export interface AudioDevices {
  input: InputDevice;
  output: OutputDevice;
  /** What to tell the user about the backend, if anything. */
  note?: string;
}

export function createAudioDevices(_settings: Settings): AudioDevices {
  return {
    input: new NullInput(),
    output: new NullOutput(),
    note: 'No audio backend is available yet: Kaiwa hears silence and its replies are not played.',
  };
}

export function listAudioDevices(): { inputs: DeviceInfo[]; outputs: DeviceInfo[] } {
  return { inputs: [], outputs: [] };
}
