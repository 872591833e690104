import { chmod, readFile, writeFile } from 'node:fs/promises';
import { vi } from 'vitest';
import { tempDir } from '../../../harness/temp';

/**
 * A fake `az` on PATH for this test process (vi.stubEnv, undone after each test): a small shell
 * script in a temp dir that answers `az account get-access-token` as the Azure CLI does, with a
 * numbered token (`fake-entra-token-N`) expiring `expiresInS` after it was installed, or fails as told. Nothing else
 * is on that PATH, so `azd` is "not installed".
 */
export interface FakeAz {
  /** How many times az was run. */
  calls(): Promise<number>;
  /** The arguments of every run. */
  args(): Promise<string[]>;
  cleanup(): Promise<void>;
}

export type FakeAzBehaviour = { expiresInS: number } | { stderr: string };

export async function installFakeAz(behaviour: FakeAzBehaviour | null): Promise<FakeAz> {
  const dir = await tempDir('kaiwa-fake-az-');
  if (behaviour) {
    const answer =
      'stderr' in behaviour
        ? `echo ${JSON.stringify(behaviour.stderr)} >&2\nexit 1`
        : `printf '{"accessToken":"fake-entra-token-%s","expires_on":%s,"expiresOn":"2030-01-01 00:00:00.000000","tokenType":"Bearer"}' "$n" ${Math.floor(Date.now() / 1000) + behaviour.expiresInS}`;
    const script = [
      '#!/bin/sh',
      // Shell builtins only: nothing else is on PATH.
      'n=0',
      `[ -f "${dir.file('count')}" ] && read n < "${dir.file('count')}"`,
      'n=$((n + 1))',
      `echo "$n" > "${dir.file('count')}"`,
      `echo "$*" >> "${dir.file('args')}"`,
      answer,
    ].join('\n');
    await writeFile(dir.file('az'), `${script}\n`);
    await chmod(dir.file('az'), 0o755);
  }
  // Only the fake's folder: `az` is the fake (or missing), `azd` is missing. /bin/sh is found by path.
  vi.stubEnv('PATH', dir.path);
  return {
    calls: async () => Number((await readFile(dir.file('count'), 'utf8').catch(() => '0')).trim()),
    args: async () => (await readFile(dir.file('args'), 'utf8').catch(() => '')).split('\n').filter(Boolean),
    cleanup: async () => {
      vi.unstubAllEnvs();
      await dir.cleanup();
    },
  };
}
