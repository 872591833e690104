import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { newToken } from '../server';

/**
 * The endpoint's bearer token for `kaiwa serve`: KAIWA_SERVE_TOKEN when set, otherwise the one in
 * Kaiwa's config folder (`$XDG_CONFIG_HOME/kaiwa/serve-token`, readable by the user alone), made
 * on first use. (The desktop app keeps its own with the other secrets, encrypted.)
 */
export function tokenPath(env: Record<string, string | undefined>): string {
  const config = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(config, 'kaiwa', 'serve-token');
}

export async function serveToken(env: Record<string, string | undefined>): Promise<string> {
  if (env.KAIWA_SERVE_TOKEN) return env.KAIWA_SERVE_TOKEN;
  const path = tokenPath(env);
  const stored = await readFile(path, 'utf8').then((text) => text.trim(), () => '');
  if (stored.length >= 32) return stored;
  const token = newToken();
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFile(path, `${token}\n`, { mode: 0o600 });
  await chmod(path, 0o600);
  return token;
}
