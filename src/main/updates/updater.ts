import { join } from 'node:path';
import { app } from 'electron';
import electronUpdater, { type AppUpdater } from 'electron-updater';
import appAdapterModule, { type AppAdapter } from 'electron-updater/out/AppAdapter.js';
import type { InstallKind } from './install-kind';
import { UpdateNetExecutor } from './net-executor';

const { AppImageUpdater, DebUpdater, MacUpdater, NsisUpdater } = electronUpdater;

export interface UpdaterPaths {
  /** Where app-update.yml is (Electron's `process.resourcesPath`). */
  resources: string;
  /** Where downloads wait to be installed (electron-updater's cache folder). */
  cache: string;
}

/** The installed app's: app-update.yml next to app.asar, downloads in the user's cache folder (~/.cache/kaiwa-updater on Linux). */
export function installedPaths(): UpdaterPaths {
  return { resources: process.resourcesPath ?? '', cache: appAdapterModule.getAppCacheDir() };
}

/** A .deb is the package manager's: Kaiwa looks for a new version and gives the user its link, nothing more. */
class DebNotifier extends DebUpdater {
  /** The new version's .deb on the feed (a GitHub release asset, or a file of the self-hosted feed). */
  downloadUrl(): URL | undefined {
    const found = this.updateInfoAndProvider;
    if (!found) return undefined;
    const files = found.provider.resolveFiles(found.info);
    return (files.find((f) => f.url.pathname.endsWith('.deb')) ?? files[0])?.url;
  }
}

export type KaiwaUpdater = AppUpdater & { downloadUrl?: () => URL | undefined };

/**
 * electron-updater's updater for this kind of install (none for a development run or another
 * package), on Electron's `app` and `net` as this module imports them (see net-executor.ts), with
 * electron-updater's own checks intact: the download's sha512 against latest*.yml, and the
 * signature where the platform signs (Authenticode on Windows, Squirrel.Mac's code signature).
 */
export function createUpdater(kind: InstallKind, paths: UpdaterPaths, log: (line: string) => void): KaiwaUpdater | undefined {
  const adapter = appAdapter(paths);
  let updater: KaiwaUpdater;
  switch (kind) {
    case 'appimage':
      updater = new AppImageUpdater(null, adapter);
      break;
    case 'deb':
      updater = new DebNotifier(null, adapter);
      break;
    case 'nsis':
      updater = new NsisUpdater(null, adapter);
      break;
    case 'mac':
      updater = new MacUpdater(undefined, adapter);
      break;
    default:
      return undefined;
  }
  // electron-updater makes its executor only when it makes its own app adapter.
  (updater as unknown as { httpExecutor: UpdateNetExecutor }).httpExecutor = new UpdateNetExecutor();
  // Its own lines are many and multi-line (stacks, response headers): Kaiwa logs one line per
  // outcome itself, and keeps electron-updater's warnings.
  updater.logger = { info: () => undefined, warn: (message: unknown) => log(`updates: ${String(message).split('\n')[0]}`), error: () => undefined };
  updater.autoDownload = kind !== 'deb';
  updater.autoInstallOnAppQuit = kind !== 'deb';
  return updater;
}

function appAdapter(paths: UpdaterPaths): AppAdapter {
  return {
    get version() {
      return app.getVersion();
    },
    get name() {
      return app.getName();
    },
    // Only an installed copy gets an updater (install-kind.ts decides).
    isPackaged: true,
    appUpdateConfigPath: join(paths.resources, 'app-update.yml'),
    get userDataPath() {
      return app.getPath('userData');
    },
    baseCachePath: paths.cache,
    whenReady: () => app.whenReady(),
    relaunch: () => app.relaunch(),
    quit: () => app.quit(),
    onQuit: (handler) => app.once('quit', (_event, exitCode: number) => handler(exitCode)),
  };
}
