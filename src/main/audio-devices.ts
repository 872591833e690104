import { NullInput, NullOutput, type InputDevice, type OutputDevice, type Settings } from '../engine';
import { listAudioDevices as listNativeDevices, loadNaudiodon } from '../engine/audio/devices/native-portaudio';
import { ResilientInput, ResilientOutput } from '../engine/audio/devices/naudiodon-resilient';
import type { DeviceInfo } from '../shared/ipc';

/**
 * The one place the desktop app gets its audio devices: PortAudio (naudiodon2) for the chosen
 * microphone and speaker, reopening the system default if one goes away. Where the native addon
 * cannot load, the null devices stand in (silence in, output discarded) and the user is told.
 */
export interface AudioDevices {
  input: InputDevice;
  output: OutputDevice;
  /** What to tell the user about the backend, if anything. */
  note?: string;
}

export async function createAudioDevices(settings: Settings): Promise<AudioDevices> {
  try {
    await loadNaudiodon();
  } catch (error) {
    return {
      input: new NullInput(),
      output: new NullOutput(),
      note: `${(error as Error).message}. Kaiwa hears silence and its replies are not played.`,
    };
  }
  return {
    input: new ResilientInput({ device: settings.inputDevice || undefined }),
    output: new ResilientOutput({ device: settings.outputDevice || undefined }),
  };
}

/**
 * The devices to choose from. Ids are device names: PortAudio's numeric ids change when devices
 * come and go, a name is what the settings keep (chooseDevice matches it). Empty when the native
 * backend is unavailable.
 */
export async function listAudioDevices(log: (line: string) => void = () => undefined): Promise<{ inputs: DeviceInfo[]; outputs: DeviceInfo[] }> {
  let devices;
  try {
    devices = await listNativeDevices();
  } catch (error) {
    log(`devices: ${(error as Error).message}`);
    return { inputs: [], outputs: [] };
  }
  const pick = (direction: 'input' | 'output'): DeviceInfo[] => {
    const seen = new Set<string>();
    const result: DeviceInfo[] = [];
    for (const d of devices) {
      const channels = direction === 'input' ? d.maxInputChannels : d.maxOutputChannels;
      if (channels <= 0 || seen.has(d.name)) continue;
      seen.add(d.name);
      result.push({ id: d.name, name: d.name, isDefault: direction === 'input' ? d.isDefaultInput : d.isDefaultOutput });
    }
    return result;
  };
  return { inputs: pick('input'), outputs: pick('output') };
}
