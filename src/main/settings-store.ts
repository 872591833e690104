import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DEFAULT_SETTINGS, SettingsError, parseSettings, type Settings } from '../engine/settings';
import type { SettingsPatch } from '../shared/ipc';
import { writeFileAtomic } from './atomic-file';
import { mainSaid, type MainSaid } from './said';

export interface LoadedSettings {
  settings: Settings;
  /** Set when the file could not be used: say so to the user. */
  notice?: MainSaid;
}

/**
 * Settings as the user stored them (environment overrides are applied on top, elsewhere), in
 * `settings.json` under userData. A file that cannot be read is kept aside as `.bak`, never lost.
 */
export class SettingsStore {
  readonly path: string;

  constructor(userDataDir: string) {
    this.path = join(userDataDir, 'settings.json');
  }

  load(): LoadedSettings {
    let raw: string;
    try {
      raw = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { settings: structuredClone(DEFAULT_SETTINGS) };
      return { settings: structuredClone(DEFAULT_SETTINGS), notice: mainSaid('main.settings.unreadable', { detail: (error as Error).message }) };
    }
    try {
      return { settings: parseSettings(JSON.parse(raw)) };
    } catch (error) {
      const why = error instanceof SettingsError ? error.said : mainSaid('main.settings.notJson');
      const backup = this.keepAside();
      return {
        settings: structuredClone(DEFAULT_SETTINGS),
        notice: mainSaid('main.settings.damaged', { why, backup }),
      };
    }
  }

  save(settings: Settings): void {
    mkdirSync(dirname(this.path), { recursive: true });
    writeFileAtomic(this.path, `${JSON.stringify(settings, null, 2)}\n`);
  }

  private keepAside(): string {
    let backup = `${this.path}.bak`;
    for (let n = 1; existsSync(backup); n += 1) backup = `${this.path}.${n}.bak`;
    renameSync(this.path, backup);
    return backup;
  }
}

const isSection = (value: unknown): value is object => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Applies a validated patch: sections (object values, whichever the schema has) merge one level
 * deep; a key given as `undefined` clears an optional field (e.g. `inputDevice: undefined` goes back
 * to the default device). The result is checked by `parseSettings` (throws SettingsError).
 */
export function applySettingsPatch(current: Settings, patch: SettingsPatch): Settings {
  const next: Record<string, unknown> = structuredClone(current);
  for (const [key, value] of Object.entries(patch)) {
    if (isSection(value)) {
      next[key] = { ...(next[key] as object), ...value };
    } else if (value === undefined) {
      delete next[key];
    } else {
      next[key] = value;
    }
  }
  return parseSettings(next);
}
