import { globalShortcut } from 'electron';
import { resolveProtocol } from '../engine';
import { englishT, type Translate } from '../shared/i18n';
import type { HotkeyStatus, Settings } from '../shared/ipc';
import type { HookUnavailable, KeyHook } from './key-hook';
import { mainSaid, type MainSaid } from './said';
import { TalkKeyHold, type HoldAction } from './talk-key-hold';

/** The play/pause key (a headset's button sends it too). */
export const MEDIA_ACCELERATOR = 'MediaPlayPause';

export interface HotkeyActions {
  /** The talk key as a toggle (globalShortcut): the first press starts talking, the second stops. */
  talk(): void;
  interrupt(): void;
  /** The play/pause key: interrupt a speaking reply, otherwise toggle talking. */
  media(): void;
  /** "Look at this" (hotkeys.look): one picture of the active window or the screen; while sharing, stop sharing. */
  look(): void;
  /** Hold-to-talk: the talk key went down (starts talking, and the assistant if needed). */
  holdStart(): void;
  /** Hold-to-talk: the talk key came up after a hold, or a tap ended talking (commit and answer). */
  holdStop(): void;
  /** Whether the user is talking now (however it started: key, window, tray). */
  talking(): boolean;
}

/**
 * Hold-to-talk applies where a turn ends when the user says so: Realtime with manual turns. With
 * the server's voice detection (server_vad, semantic_vad) or GPT-Live the server decides when a
 * turn ends, so the talk key stays a toggle there and no keyboard hook runs at all.
 */
export function holdToTalkApplies(settings: Settings): boolean {
  return settings.hotkeys.holdToTalk && settings.turnDetection.mode === 'manual' && resolveProtocol(settings) === 'realtime';
}

const HOLD_WHY: Record<HookUnavailable['reason'], MainSaid['key']> = {
  wayland: 'main.hold.why.wayland',
  noDisplay: 'main.hold.why.noDisplay',
  accessibility: 'main.hold.why.accessibility',
  key: 'main.hold.why.key',
  load: 'main.hold.why.load',
  start: 'main.hold.why.start',
};

const ACTION_WORDS: Record<HotkeyStatus['action'], MainSaid['key']> = {
  talk: 'main.hotkey.talk',
  interrupt: 'main.hotkey.interrupt',
  media: 'main.hotkey.media',
  look: 'main.hotkey.look',
};

interface Plan {
  talk: string;
  interrupt: string;
  look: string;
  media: boolean;
  hold: boolean;
}

/**
 * The global shortcuts, rebindable: `apply` unregisters what we registered before and registers
 * what the settings ask for, reporting each one's status. A failure (taken by another app, a
 * malformed accelerator, Wayland without the global-shortcuts portal) is a status, not a crash.
 *
 * With hold-to-talk the keyboard hook (KeyHook) follows the talk key's down and up; the talk
 * accelerator is still registered with globalShortcut, with nothing to do, so the key combination
 * does not also reach the focused application (the hook only watches). Where the hook cannot run,
 * the talk key falls back to the globalShortcut toggle and Kaiwa says why, once per reason.
 */
export class Hotkeys {
  private registered: string[] = [];
  private statuses: HotkeyStatus[] = [];
  private plan: Plan | undefined;
  private readonly hold = new TalkKeyHold();
  private holdProblem: HookUnavailable | undefined;
  private readonly toldReasons = new Set<HookUnavailable['reason']>();

  /** `t`: the language of the statuses and notices (Kaiwa's). `hook`: the keyboard hook, where the app has one. */
  constructor(
    private readonly actions: HotkeyActions,
    private readonly t: Translate = englishT(),
    private readonly hook?: KeyHook,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get status(): HotkeyStatus[] {
    return this.statuses.map((s) => ({ ...s }));
  }

  /** Returns the statuses; an unchanged plan registers nothing again. */
  apply(settings: Settings): HotkeyStatus[] {
    const plan: Plan = {
      talk: settings.hotkeys.talk,
      interrupt: settings.hotkeys.interrupt,
      look: settings.hotkeys.look,
      media: settings.hotkeys.mediaKey,
      hold: holdToTalkApplies(settings),
    };
    if (this.plan && JSON.stringify(this.plan) === JSON.stringify(plan)) return this.status;
    this.unregisterAll();
    this.plan = plan;
    this.holdProblem = plan.hold ? this.watchTalkKey(plan.talk) : undefined;
    const holdActive = plan.hold && !this.holdProblem;

    const talk = this.register('talk', plan.talk, holdActive ? () => undefined : () => this.actions.talk());
    const statuses: HotkeyStatus[] = [
      holdActive
        ? // The hook follows the key; another app also reacting to the combination does not stop that.
          { action: 'talk', accelerator: plan.talk, registered: true, hold: true }
        : { ...talk, ...(plan.hold ? { hold: false, holdError: this.holdWords(this.holdProblem) } : {}) },
      this.register('interrupt', plan.interrupt, () => this.actions.interrupt()),
      this.register('look', plan.look, () => this.actions.look()),
    ];
    if (plan.media) statuses.push(this.register('media', MEDIA_ACCELERATOR, () => this.actions.media()));
    this.statuses = statuses;
    return this.status;
  }

  /**
   * The failures, one notice each; and, once per reason over the app's life, why hold-to-talk
   * fell back to the toggle.
   */
  failures(): MainSaid[] {
    const notices = this.statuses
      .filter((s) => !s.registered)
      .map((s) =>
        mainSaid('main.hotkey.unavailable', {
          action: mainSaid(ACTION_WORDS[s.action]),
          accelerator: s.accelerator,
          reason: s.error ?? '',
        }),
      );
    const problem = this.holdProblem;
    if (problem && !this.toldReasons.has(problem.reason)) {
      this.toldReasons.add(problem.reason);
      notices.push(mainSaid('main.hold.unavailable', { reason: this.holdSaid(problem) }));
    }
    return notices;
  }

  /**
   * The talk key's state can no longer be known (the screen locked, the system suspends): a hold
   * in progress ends as if released.
   */
  abandonHold(): void {
    this.act(this.hold.abandon());
  }

  unregisterAll(): void {
    this.abandonHold();
    this.hook?.stop();
    for (const accelerator of this.registered) {
      try {
        globalShortcut.unregister(accelerator);
      } catch {
        // Already gone.
      }
    }
    this.registered = [];
    this.statuses = [];
    this.plan = undefined;
  }

  private watchTalkKey(accelerator: string): HookUnavailable | undefined {
    if (!this.hook) return { reason: 'load', detail: 'no keyboard hook in this build' };
    return this.hook.watch(accelerator, {
      down: () => this.act(this.hold.down(this.now(), this.actions.talking())),
      up: () => this.act(this.hold.up(this.now())),
    });
  }

  private act(action: HoldAction): void {
    if (action === 'start') this.actions.holdStart();
    else if (action === 'stop') this.actions.holdStop();
  }

  private holdSaid(problem: HookUnavailable): MainSaid {
    return mainSaid(HOLD_WHY[problem.reason], 'detail' in problem ? { detail: problem.detail } : undefined);
  }

  private holdWords(problem: HookUnavailable | undefined): string {
    return problem ? this.t(HOLD_WHY[problem.reason], 'detail' in problem ? { detail: problem.detail } : {}) : '';
  }

  private register(action: HotkeyStatus['action'], accelerator: string, callback: () => void): HotkeyStatus {
    if (this.registered.includes(accelerator)) {
      return { action, accelerator, registered: false, error: this.t('main.hotkey.twice') };
    }
    let ok: boolean;
    try {
      ok = globalShortcut.register(accelerator, callback);
    } catch (error) {
      return { action, accelerator, registered: false, error: this.t('main.hotkey.invalid', { detail: (error as Error).message }) };
    }
    if (!ok) {
      return { action, accelerator, registered: false, error: this.t('main.hotkey.taken') };
    }
    this.registered.push(accelerator);
    return { action, accelerator, registered: true };
  }
}
