import { globalShortcut } from 'electron';
import { englishT, type Translate } from '../shared/i18n';
import type { HotkeyStatus, Settings } from '../shared/ipc';
import { mainSaid, type MainSaid } from './said';

export interface HotkeyActions {
  /**
   * The talk key. Electron's globalShortcut reports key presses only (there is no key-up), so
   * push-to-talk is a toggle: the first press starts talking, the second press stops.
   */
  talk(): void;
  interrupt(): void;
}

/**
 * The global shortcuts, rebindable: `apply` unregisters what we registered before and registers the
 * accelerators from the settings, reporting each one's status. A failure (taken by another app,
 * a malformed accelerator, Wayland without the global-shortcuts portal) is a status, not a crash.
 */
export class Hotkeys {
  private registered: string[] = [];
  private statuses: HotkeyStatus[] = [];

  /** `t`: the language of the statuses and notices (Kaiwa's). */
  constructor(
    private readonly actions: HotkeyActions,
    private readonly t: Translate = englishT(),
  ) {}

  get status(): HotkeyStatus[] {
    return this.statuses.map((s) => ({ ...s }));
  }

  /** Returns the statuses; unchanged accelerators are kept as they are. */
  apply(hotkeys: Pick<Settings['hotkeys'], 'talk' | 'interrupt'>): HotkeyStatus[] {
    const wanted: Array<[HotkeyStatus['action'], string]> = [
      ['talk', hotkeys.talk],
      ['interrupt', hotkeys.interrupt],
    ];
    if (
      this.statuses.length === wanted.length &&
      wanted.every(([action, accelerator], i) => this.statuses[i]?.action === action && this.statuses[i]?.accelerator === accelerator)
    ) {
      return this.status;
    }
    this.unregisterAll();
    this.statuses = wanted.map(([action, accelerator]) => this.register(action, accelerator));
    return this.status;
  }

  /** The failures, one notice each. */
  failures(): MainSaid[] {
    return this.statuses
      .filter((s) => !s.registered)
      .map((s) =>
        mainSaid('main.hotkey.unavailable', {
          action: mainSaid(s.action === 'talk' ? 'main.hotkey.talk' : 'main.hotkey.interrupt'),
          accelerator: s.accelerator,
          reason: s.error ?? '',
        }),
      );
  }

  unregisterAll(): void {
    for (const accelerator of this.registered) {
      try {
        globalShortcut.unregister(accelerator);
      } catch {
        // Already gone.
      }
    }
    this.registered = [];
  }

  private register(action: HotkeyStatus['action'], accelerator: string): HotkeyStatus {
    if (this.registered.includes(accelerator)) {
      return { action, accelerator, registered: false, error: this.t('main.hotkey.twice') };
    }
    let ok: boolean;
    try {
      ok = globalShortcut.register(accelerator, () => this.actions[action]());
    } catch (error) {
      return { action, accelerator, registered: false, error: this.t('main.hotkey.invalid', { detail: (error as Error).message }) };
    }
    if (!ok) {
      return {
        action,
        accelerator,
        registered: false,
        error: this.t('main.hotkey.taken'),
      };
    }
    this.registered.push(accelerator);
    return { action, accelerator, registered: true };
  }
}
