import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../harness/cli';
import { tempDir } from '../../harness/temp';
import { listTree } from '../../harness/vitest/home-unchanged';

const run = promisify(execFile);

// The rig reaches its clients through environment variables only: a whole rig life (up, PortAudio
// playing and capturing through ALSA, the pactl/paplay/parec the tests use, down) under a home
// folder of its own leaves that folder empty, and no process or directory behind.
describe('the audio rig leaves no trace', () => {
  it('writes nothing to $HOME and stops everything it started', async () => {
    const home = await tempDir('kaiwa-home-');
    const rigDir = `${home.path}-rig`;
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home.path, KAIWA_AUDIO_RIG_DIR: rigDir };
    for (const name of ['PULSE_SERVER', 'PULSE_COOKIE', 'ALSA_CONFIG_PATH']) delete env[name];
    const rig = (command: string) => run('bash', ['scripts/audio-rig.sh', command], { cwd: REPO_ROOT, env });
    try {
      await rig('up');
      const rigEnv = Object.fromEntries(
        (await rig('env')).stdout.trim().split('\n').map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
      );
      const client = { ...env, ...rigEnv };
      // PortAudio through ALSA's pulse plugin: play 200 ms and capture 200 ms on the defaults.
      const script = `
        import { NaudiodonInput, NaudiodonOutput } from './src/engine/audio/devices/naudiodon.ts';
        const output = new NaudiodonOutput();
        await output.start(() => new Int16Array(240).fill(1000));
        const input = new NaudiodonInput();
        let frames = 0;
        await input.start(() => { frames++; });
        await new Promise((r) => setTimeout(r, 200));
        await input.stop();
        await output.stop();
        if (frames === 0) throw new Error('no capture');
      `;
      await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO_ROOT, env: client });
      await run('pactl', ['list', 'short', 'sinks'], { env: client });
      await run('bash', ['-c', 'parec --device=spk.monitor --raw | head -c 4800 >/dev/null'], { env: client });
      await run('paplay', ['--device=micsrc', '--raw', '/dev/null'], { env: client });
    } finally {
      await rig('down');
    }
    expect([...listTree(home.path, 8, new Set())]).toEqual([]);
    expect(existsSync(rigDir)).toBe(false);
    const { stdout } = await run('ps', ['-eo', 'stat=,args=']);
    const alive = stdout.split('\n').filter((line) => line.includes(rigDir) && !line.trimStart().startsWith('Z'));
    expect(alive).toEqual([]);
    await home.cleanup();
  });
});
