/**
 * Command-line flags of the desktop app, shared by the first launch and `second-instance`:
 * `kaiwa --toggle` and `kaiwa --interrupt` can be bound in the desktop's own shortcut settings
 * where global shortcuts are unavailable (Wayland).
 */

export type LaunchAction = 'toggle' | 'interrupt';

export interface LaunchRequest {
  /** In the order given. */
  actions: LaunchAction[];
  /** Bring the main window forward: a plain launch (no action flag) and not `--hidden`. */
  showWindow: boolean;
}

const ACTION_FLAGS: Record<string, LaunchAction> = { '--toggle': 'toggle', '--interrupt': 'interrupt' };

/**
 * Reads our flags from a full argv (executable, maybe the app path, Chromium switches...). Unknown
 * arguments are ignored: Chromium and Electron add their own.
 */
export function parseLaunchArgs(argv: readonly string[]): LaunchRequest {
  const actions: LaunchAction[] = [];
  let hidden = false;
  for (const arg of argv) {
    const action = ACTION_FLAGS[arg];
    if (action) actions.push(action);
    else if (arg === '--hidden') hidden = true;
  }
  return { actions, showWindow: actions.length === 0 && !hidden };
}
