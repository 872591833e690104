import { Menu, Tray, nativeImage, type MenuItemConstructorOptions, type NativeImage } from 'electron';
import { stateWords, type Translate } from '../shared/i18n';
import type { AssistantState, ShareStatus, UpdateStatus } from '../shared/ipc';
import { trayIconPath, type TrayIconState } from './paths';

export interface TrayActions {
  /** Talk when idle, stop when running. */
  toggle(): void;
  interrupt(): void;
  setMuted(muted: boolean): void;
  /** The tray icon itself: open quick talk and start listening. */
  quickTalk(): void;
  showWindow(): void;
  showSettings(): void;
  /** While a screen or window is shared: stop (one click). */
  stopSharing(): void;
  /** A verified update is waiting: install it and start the new version. */
  restartToUpdate(): void;
  /** A .deb install: open the new version's download link. */
  openUpdateDownload(): void;
  quit(): void;
}

export function trayIconState(state: AssistantState): TrayIconState {
  switch (state) {
    case 'listening':
    case 'user-speaking':
    case 'thinking':
      return 'listening';
    case 'speaking':
      return 'speaking';
    default:
      return 'idle';
  }
}

export const isRunning = (state: AssistantState): boolean => state !== 'idle' && state !== 'error';

/** A missing icon file is an empty image, not a crash (the icons come with packaging). */
function loadIcon(state: TrayIconState): NativeImage {
  const path = trayIconPath(state);
  const image = path ? nativeImage.createFromPath(path) : nativeImage.createEmpty();
  return image;
}

/** The tray icon: its image follows the assistant state; its menu is rebuilt on every change. */
export class KaiwaTray {
  readonly tray: Tray;
  private readonly icons = new Map<TrayIconState, NativeImage>();
  private state: AssistantState = 'idle';
  private muted = false;
  private share: ShareStatus = { sharing: false };
  private iconState: TrayIconState | undefined;
  private updateStatus: UpdateStatus | undefined;

  /** `t` follows Kaiwa's language; `update` rebuilds the menu in it. */
  constructor(
    private readonly t: Translate,
    private readonly actions: TrayActions,
  ) {
    this.tray = new Tray(this.icon('idle'));
    this.tray.on('click', () => this.actions.quickTalk());
    this.update('idle', false);
  }

  update(state: AssistantState, muted: boolean): void {
    this.state = state;
    this.muted = muted;
    // Sharing outranks every state: the icon says so the whole time.
    const iconState = this.share.sharing ? 'sharing' : trayIconState(state);
    if (iconState !== this.iconState) {
      this.iconState = iconState;
      this.tray.setImage(this.icon(iconState));
    }
    const tooltip = this.t(muted ? 'tray.tooltipMuted' : 'tray.tooltip', { state: stateWords(this.t, state) });
    this.tray.setToolTip(this.share.sharing ? `${this.t('tray.tooltipSharing', { name: this.share.sourceName ?? '' })}\n${tooltip}` : tooltip);
    this.tray.setContextMenu(Menu.buildFromTemplate(this.menuTemplate()));
  }

  /** A screen or window is shared, or no longer. */
  setSharing(share: ShareStatus): void {
    this.share = share;
    this.update(this.state, this.muted);
  }

  /** The updater's state: "Restart to update" once an update is ready (greyed during a conversation), or the new version's link for a .deb. */
  setUpdate(status: UpdateStatus): void {
    this.updateStatus = status;
    this.update(this.state, this.muted);
  }

  menuTemplate(): MenuItemConstructorOptions[] {
    const running = isRunning(this.state);
    const sharing: MenuItemConstructorOptions[] = this.share.sharing
      ? [{ id: 'share-stop', label: this.t('tray.shareStop'), click: () => this.actions.stopSharing() }, { type: 'separator' }]
      : [];
    return [
      ...sharing,
      { id: 'talk', label: running ? this.t('tray.stop') : this.t('tray.talk'), click: () => this.actions.toggle() },
      { id: 'interrupt', label: this.t('tray.interrupt'), enabled: running, click: () => this.actions.interrupt() },
      {
        id: 'mute',
        label: this.t('tray.mute'),
        type: 'checkbox',
        checked: this.muted,
        click: (item) => this.actions.setMuted(item.checked),
      },
      { type: 'separator' },
      { id: 'show', label: this.t('tray.show'), click: () => this.actions.showWindow() },
      { id: 'settings', label: this.t('tray.settings'), click: () => this.actions.showSettings() },
      ...this.updateItems(),
      { type: 'separator' },
      { id: 'quit', label: this.t('tray.quit'), click: () => this.actions.quit() },
    ];
  }

  destroy(): void {
    this.tray.destroy();
  }

  private updateItems(): MenuItemConstructorOptions[] {
    const status = this.updateStatus;
    const version = status?.next?.version ?? '';
    if (status?.phase === 'ready') {
      return [{ type: 'separator' }, { id: 'update', label: this.t('tray.restartToUpdate', { version }), enabled: status.canRestart, click: () => this.actions.restartToUpdate() }];
    }
    if (status?.phase === 'available') {
      return [{ type: 'separator' }, { id: 'update', label: this.t('tray.updateAvailable', { version }), click: () => this.actions.openUpdateDownload() }];
    }
    return [];
  }

  private icon(state: TrayIconState): NativeImage {
    let image = this.icons.get(state);
    if (!image) {
      image = loadIcon(state);
      this.icons.set(state, image);
    }
    return image;
  }
}
