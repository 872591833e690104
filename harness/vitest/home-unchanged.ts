import { readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** How deep the home folder is listed: deep enough for ~/.config/<app>/<file>, ~/.cache/<app>/<file>. */
const DEPTH = 4;
/** npm's own cache and logs: written by the `npm test` client around the run, not by the tests. */
const NOT_OURS = new Set(['.npm']);

/** Every path under `dir` down to DEPTH levels, relative to it. */
export function listTree(dir: string, depth = DEPTH, skip: ReadonlySet<string> = NOT_OURS): Set<string> {
  const found = new Set<string>();
  const walk = (relative: string, level: number) => {
    let entries;
    try {
      entries = readdirSync(join(dir, relative), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = relative ? `${relative}/${entry.name}` : entry.name;
      if (level === 0 && skip.has(entry.name)) continue;
      found.add(path);
      if (entry.isDirectory() && !entry.isSymbolicLink() && level + 1 < depth) walk(path, level + 1);
    }
  };
  walk('', 0);
  return found;
}

/** What appeared in or vanished from `before` -> `after`. */
export function treeChanges(before: ReadonlySet<string>, after: ReadonlySet<string>): string[] {
  return [
    ...[...after].filter((p) => !before.has(p)).map((p) => `+ ${p}`),
    ...[...before].filter((p) => !after.has(p)).map((p) => `- ${p}`),
  ];
}

/**
 * Root global setup: the run must leave the home folder as it found it (no ~/.asoundrc, no
 * ~/.config/pulse/cookie, no browser profile...). The teardown fails the run otherwise.
 */
export default function setup(): () => void {
  const home = homedir();
  const before = listTree(home);
  return () => {
    const changes = treeChanges(before, listTree(home));
    if (changes.length > 0) throw new Error(`the test run changed ${home}:\n${changes.slice(0, 20).join('\n')}`);
  };
}
