import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { UpdateMode } from '../../shared/ipc';

/**
 * How this copy of Kaiwa was installed, which decides how it updates: an AppImage replaces itself,
 * the Windows installer and macOS update in place, a .deb belongs to the system's package manager
 * (Kaiwa only says a new version is there), and a development run or another package does not
 * update at all.
 */
export type InstallKind = 'appimage' | 'deb' | 'nsis' | 'mac' | 'other';

export interface InstallFacts {
  platform: NodeJS.Platform;
  isPackaged: boolean;
  env: Record<string, string | undefined>;
  /** Electron's `process.resourcesPath`: electron-builder writes `package-type` there for a .deb, .rpm or pacman package. */
  resourcesPath: string;
}

export function detectInstall({ platform, isPackaged, env, resourcesPath }: InstallFacts): InstallKind {
  if (!isPackaged) return 'other';
  if (platform === 'win32') return 'nsis';
  if (platform === 'darwin') return 'mac';
  if (platform !== 'linux') return 'other';
  // The AppImage runtime sets APPIMAGE to the image's own path (a snap sets SNAP and updates by itself).
  if (env.APPIMAGE && !env.SNAP) return 'appimage';
  return packageType(resourcesPath) === 'deb' ? 'deb' : 'other';
}

export function updateMode(kind: InstallKind): UpdateMode {
  if (kind === 'deb') return 'notify';
  return kind === 'other' ? 'none' : 'self';
}

function packageType(resourcesPath: string): string | undefined {
  const file = join(resourcesPath, 'package-type');
  try {
    return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
  } catch {
    return undefined;
  }
}
