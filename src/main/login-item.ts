import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { mainSaid, type MainSaid } from './said';

/**
 * "Start at login" (Settings.startAtLogin). macOS and Windows keep login items themselves
 * (`app.setLoginItemSettings`); Linux desktops read XDG autostart entries, so there we write or
 * remove `$XDG_CONFIG_HOME/autostart/kaiwa.desktop`. Everything the module touches comes in as
 * `LoginItemDeps`, so it runs without Electron in tests. It never throws: failures come back as
 * `{ ok: false, said }` (by key) for the caller to show.
 */

/** The part of Electron's `app` this module uses. */
export interface LoginItemApp {
  readonly isPackaged: boolean;
  getAppPath(): string;
  setLoginItemSettings(settings: { openAtLogin: boolean; openAsHidden?: boolean; path?: string; args?: string[] }): void;
  getLoginItemSettings(options?: { path?: string; args?: string[] }): { openAtLogin: boolean; status?: string };
}

export interface LoginItemDeps {
  app: LoginItemApp;
  platform: NodeJS.Platform;
  env: Readonly<Record<string, string | undefined>>;
  /** process.execPath: the Electron binary, or the installed app's executable. */
  execPath: string;
  homeDir: string;
}

export type LoginItemResult =
  | { ok: true; enabled: boolean; changed: boolean; via: 'login-items' | 'autostart-file'; path?: string }
  | { ok: false; said: MainSaid };

/** The flag that keeps the window closed (tray only) when the system starts us. */
export const HIDDEN_FLAG = '--hidden';
export const AUTOSTART_FILE_NAME = 'kaiwa.desktop';

export function loginItemDeps(app: LoginItemApp): LoginItemDeps {
  return { app, platform: process.platform, env: process.env, execPath: process.execPath, homeDir: homedir() };
}

export async function applyLoginItem(enabled: boolean, deps: LoginItemDeps): Promise<LoginItemResult> {
  try {
    if (deps.platform === 'darwin' || deps.platform === 'win32') return applyWithElectron(enabled, deps);
    return await applyAutostartFile(enabled, deps);
  } catch (error) {
    const detail = error instanceof ControlCharacterError ? mainSaid('main.login.controlCharacter') : describe(error);
    return { ok: false, said: mainSaid(enabled ? 'main.login.enableFailed' : 'main.login.disableFailed', { detail }) };
  }
}

/** The command that starts Kaiwa: the AppImage when we run from one, else our executable. */
export function launchCommand(deps: LoginItemDeps): { program: string; args: string[] } {
  const appImage = deps.env.APPIMAGE;
  const program = deps.platform === 'linux' && appImage && isAbsolute(appImage) ? appImage : deps.execPath;
  // Unpackaged (development) Electron needs the app folder, or it opens its default app.
  const args = deps.app.isPackaged ? [] : [deps.app.getAppPath()];
  return { program, args: [...args, HIDDEN_FLAG] };
}

function applyWithElectron(enabled: boolean, deps: LoginItemDeps): LoginItemResult {
  const { program, args } = launchCommand(deps);
  // Windows identifies the entry by path + args, so both go to get and set; macOS ignores them.
  const query = deps.platform === 'win32' ? { path: program, args } : {};
  const current = deps.app.getLoginItemSettings(query);
  let changed = false;
  if (current.openAtLogin !== enabled) {
    deps.app.setLoginItemSettings({ openAtLogin: enabled, ...query, ...(deps.platform === 'darwin' ? { openAsHidden: true } : {}) });
    changed = true;
  }
  const after = deps.app.getLoginItemSettings(query);
  if (enabled && after.status === 'requires-approval') {
    return { ok: false, said: mainSaid('main.login.needsApproval') };
  }
  if (after.openAtLogin !== enabled) {
    if (after.status) return { ok: false, said: mainSaid(enabled ? 'main.login.notAddedStatus' : 'main.login.notRemovedStatus', { status: after.status }) };
    return { ok: false, said: mainSaid(enabled ? 'main.login.notAdded' : 'main.login.notRemoved') };
  }
  return { ok: true, enabled, changed, via: 'login-items' };
}

/** `$XDG_CONFIG_HOME/autostart/kaiwa.desktop`; a relative XDG_CONFIG_HOME is invalid and ignored. */
export function autostartFilePath(deps: Pick<LoginItemDeps, 'env' | 'homeDir'>): string {
  const configured = deps.env.XDG_CONFIG_HOME;
  const configHome = configured && isAbsolute(configured) ? configured : join(deps.homeDir, '.config');
  return join(configHome, 'autostart', AUTOSTART_FILE_NAME);
}

export function autostartEntry(deps: LoginItemDeps): string {
  const { program, args } = launchCommand(deps);
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Kaiwa',
    'Comment=Voice assistant (starts in the tray)',
    `Exec=${[program, ...args].map(execArgument).join(' ')}`,
    'Icon=kaiwa',
    'Terminal=false',
    'Categories=Utility;',
    'StartupWMClass=kaiwa',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

async function applyAutostartFile(enabled: boolean, deps: LoginItemDeps): Promise<LoginItemResult> {
  const file = autostartFilePath(deps);
  const existing = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (!enabled) {
    if (existing !== undefined) await rm(file, { force: true });
    return { ok: true, enabled, changed: existing !== undefined, via: 'autostart-file', path: file };
  }
  const entry = autostartEntry(deps);
  if (existing === entry) return { ok: true, enabled, changed: false, via: 'autostart-file', path: file };
  await mkdir(dirname(file), { recursive: true });
  // Written beside and renamed over, so the session never reads half a file.
  const scratch = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(scratch, entry, { mode: 0o644 });
    await rename(scratch, file);
  } catch (error) {
    await rm(scratch, { force: true }).catch(() => undefined);
    throw error;
  }
  return { ok: true, enabled, changed: true, via: 'autostart-file', path: file };
}

/**
 * One argument of a desktop-entry Exec line: quoted when it holds a reserved character, `"`, `` ` ``,
 * `$` and `\` backslash-escaped inside quotes, `%` doubled; then the string-value escaping of the
 * whole key doubles every backslash again (Desktop Entry Specification, "The Exec key").
 */
export function execArgument(arg: string): string {
  if (/[\n\r\t\0]/.test(arg)) throw new ControlCharacterError('the program path contains a control character');
  const reserved = /[\s"'\\><~|&;$*?#()`]/;
  const quoted = reserved.test(arg) ? `"${arg.replace(/["`$\\]/g, (c) => `\\${c}`)}"` : arg;
  return quoted.replace(/%/g, '%%').replace(/\\/g, '\\\\');
}

/** A program path no desktop entry can hold (said by key where it is shown). */
class ControlCharacterError extends Error {
  override name = 'ControlCharacterError';
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
