import { say, type EngineMessage } from '../../messages';
import { NullInput, NullOutput } from './null';
import { listAudioDevices, type AudioDeviceInfo } from './native-portaudio';
import { sharedDeviceWatcher, type DeviceWatcher } from './device-watcher';
import { ResilientInput, ResilientOutput } from './naudiodon-resilient';
import type { InputDevice, OutputDevice } from './types';

/**
 * The live microphone and speaker, for every front end (terminal and desktop): PortAudio through
 * naudiodon2, reopening the system default when a device goes away. Where there is no native
 * backend or no device in a direction (no sound server, a headless machine), the null device stands
 * in for that direction and a note says so: the conversation still runs. Both follow the system
 * (a new default device, a picked device's return) through one DeviceWatcher.
 */
export interface LiveDeviceChoice {
  /** A device name, id or substring; the system default when absent. */
  inputDevice?: string | undefined;
  outputDevice?: string | undefined;
  onOutputRecovered?: (deviceName: string) => void;
  /** Follows default-device changes and picked devices' return (default: the process's one). */
  watcher?: DeviceWatcher;
}

export interface LiveDevices {
  input: InputDevice;
  output: OutputDevice;
  /** For the user, per direction: what could not be opened and what stands in (by key: messages.ts). */
  inputNote?: EngineMessage;
  outputNote?: EngineMessage;
}

export async function openLiveDevices(choice: LiveDeviceChoice = {}): Promise<LiveDevices> {
  let devices: AudioDeviceInfo[];
  try {
    devices = await listAudioDevices();
  } catch (error) {
    const reason = (error as Error).message;
    return {
      input: new NullInput(),
      output: new NullOutput(),
      inputNote: say('device.noMicrophoneBecause', { detail: reason }),
      outputNote: say('device.noSpeakerBecause', { detail: reason }),
    };
  }
  const live: LiveDevices = { input: new NullInput(), output: new NullOutput() };
  const watcher = choice.watcher ?? sharedDeviceWatcher();
  if (devices.some((d) => d.maxInputChannels > 0)) {
    live.input = new ResilientInput({ device: choice.inputDevice || undefined, watcher });
  } else {
    live.inputNote = say('device.noMicrophone');
  }
  if (devices.some((d) => d.maxOutputChannels > 0)) {
    live.output = new ResilientOutput({
      device: choice.outputDevice || undefined,
      watcher,
      ...(choice.onOutputRecovered ? { onRecovered: choice.onOutputRecovered } : {}),
    });
  } else {
    live.outputNote = say('device.noSpeaker');
  }
  return live;
}
