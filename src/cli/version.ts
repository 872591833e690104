import { readFileSync } from 'node:fs';

/** Kaiwa's version, from its package.json (the terminal front end runs from the package folder). It never updates itself. */
export function kaiwaVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
