import type { InputDevice, OutputDevice, Settings } from '../engine';
import { openLiveDevices } from '../engine/audio/devices/live';
import { listAudioDevices as listNativeDevices } from '../engine/audio/devices/native-portaudio';
import type { EngineMessage } from '../engine/messages';
import type { DeviceInfo } from '../shared/ipc';

/**
 * The one place the desktop app gets its audio devices: the engine's live devices (PortAudio, with
 * recovery to the system default) for the chosen microphone and speaker. Where there is no native
 * backend or no device, the null devices stand in and the user is told.
 */
export interface AudioDevices {
  input: InputDevice;
  output: OutputDevice;
  /** What to tell the user about the backend (by key), if anything. */
  notes?: EngineMessage[];
}

export async function createAudioDevices(settings: Settings): Promise<AudioDevices> {
  const live = await openLiveDevices({ inputDevice: settings.inputDevice, outputDevice: settings.outputDevice });
  const notes = [live.inputNote, live.outputNote].filter((note) => note !== undefined);
  return { input: live.input, output: live.output, ...(notes.length > 0 ? { notes } : {}) };
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
