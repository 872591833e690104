import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../src/engine';
import { NullInput, NullOutput } from '../../src/engine/audio/devices/null';
import { openLiveDevices } from '../../src/engine/audio/devices/live';
import { ResilientInput, ResilientOutput } from '../../src/engine/audio/devices/naudiodon-resilient';
import { createAudioDevices } from '../../src/main/audio-devices';
import { REPO_ROOT } from '../../harness/cli';
import { tempDir } from '../../harness/temp';

// The live devices every front end uses by default: the system's microphone and speaker where the
// sound system has them, silence and discarded output (with one note each) where it has none.

const run = promisify(execFile);


describe('live devices', () => {
  it('are the native, self-recovering devices when the sound system has a microphone and a speaker', async () => {
    const live = await openLiveDevices();
    expect(live.input).toBeInstanceOf(ResilientInput);
    expect(live.output).toBeInstanceOf(ResilientOutput);
    expect(live.inputNote).toBeUndefined();
    expect(live.outputNote).toBeUndefined();
    const app = await createAudioDevices({ ...DEFAULT_SETTINGS, inputDevice: 'default' });
    expect(app.input).toBeInstanceOf(ResilientInput);
    expect(app.notes).toBeUndefined();
  });

  it('fall back to null devices, with a note per direction, where the sound system has no devices', async () => {
    const dir = await tempDir();
    const emptyAlsaConfig = dir.file('empty-alsa.conf');
    await writeFile(emptyAlsaConfig, '');
    // PortAudio reads the sound system once per process, so the no-device case runs in its own.
    const script = `
      import { openLiveDevices } from './src/engine/audio/devices/live.ts';
      const live = await openLiveDevices();
      console.log(JSON.stringify({ input: live.input.constructor.name, output: live.output.constructor.name, inputNote: live.inputNote, outputNote: live.outputNote }));
    `;
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: REPO_ROOT,
      env: { ...process.env, ALSA_CONFIG_PATH: emptyAlsaConfig, PULSE_SERVER: 'unix:/nonexistent/kaiwa-test' },
    });
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, string>;
    await dir.cleanup();
    expect(result).toEqual({
      input: NullInput.name,
      output: NullOutput.name,
      inputNote: { key: 'device.noMicrophone' },
      outputNote: { key: 'device.noSpeaker' },
    });
  });
});
