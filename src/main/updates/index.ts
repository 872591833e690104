import { join } from 'node:path';
import type { UpdateInfo } from 'builder-util-runtime';
import type { Settings } from '../../engine/settings';
import type { UpdateStatus } from '../../shared/ipc';
import { feedFor, sameFeed, type FeedChoice } from './feed';
import { detectInstall, updateMode, type InstallFacts } from './install-kind';
import { releaseNotes } from './notes';
import { problemLine, updateProblem } from './problem';
import { CheckSchedule } from './schedule';
import { UpdateState } from './state';
import { createUpdater, type KaiwaUpdater, type UpdaterPaths } from './updater';

export interface UpdatesOptions {
  version: string;
  install: InstallFacts;
  paths: UpdaterPaths;
  log: (line: string) => void;
  /** A conversation runs: no check starts and no restart happens until it ends. */
  busy: () => boolean;
  onStatus: (status: UpdateStatus) => void;
  /** Opens a link in the user's browser (main's shell, after the check that it is http(s)). */
  openExternal: (url: string) => Promise<void>;
  /** Quits the app (after which a downloaded update installs). */
  quit: () => void;
  /** The schedule's timing; tests make it short. */
  timing?: ConstructorParameters<typeof CheckSchedule>[2];
}

/**
 * Kaiwa keeps itself current (issue 25): checks the feed at start and every six hours, downloads
 * in the background, verifies, and installs on quit or on "Restart to update", never in the middle
 * of a conversation. A .deb install is only told of the new version. Failures are one log line and
 * one line in Settings, never a dialog.
 */
export class Updates {
  private readonly state: UpdateState;
  private readonly updater: KaiwaUpdater | undefined;
  private readonly schedule: CheckSchedule;
  private feed: FeedChoice | undefined;
  private enabled = false;
  private running: Promise<void> | undefined;

  constructor(private readonly options: UpdatesOptions) {
    const kind = detectInstall(options.install);
    this.state = new UpdateState(options.version, updateMode(kind), options.onStatus);
    this.updater = createUpdater(kind, options.paths, options.log);
    this.schedule = new CheckSchedule(() => void this.check(), options.busy, options.timing);
    this.updater?.on('update-available', (info) => this.found(info));
    this.updater?.on('download-progress', (progress) => this.progress(progress.percent));
    this.updater?.on('update-downloaded', (info) => this.downloaded(info));
  }

  get status(): UpdateStatus {
    return this.state.status;
  }

  /** The settings, at start and after each change: on or off, the channel, the feed. */
  apply(settings: Settings['updates']): void {
    const updater = this.updater;
    this.enabled = settings.enabled && updater !== undefined;
    this.state.set({ enabled: this.enabled });
    if (!updater) return;
    updater.autoInstallOnAppQuit = this.enabled && this.state.status.mode === 'self';
    const feed = feedFor(settings);
    if (!this.feed || !sameFeed(feed, this.feed)) {
      this.feed = feed;
      if (feed.generic) updater.setFeedURL(feed.generic);
      // Back to app-update.yml's provider (the setter also forgets the provider made before).
      else updater.updateConfigPath = join(this.options.paths.resources, 'app-update.yml');
      updater.channel = feed.channel;
      updater.allowPrerelease = feed.allowPrerelease;
      // Leaving beta keeps the beta until a stable release is newer (the channel setter allows going back).
      updater.allowDowngrade = false;
    }
    if (this.enabled) this.schedule.start();
    else this.schedule.stop();
  }

  /** The conversation started or ended: "Restart to update" follows, and a check that fell due runs at its end. */
  busyChanged(): void {
    this.refreshRestart();
    this.schedule.idle();
  }

  /**
   * A check now ("Check now", or the schedule). One at a time; the download of what it finds is
   * part of it. Never throws: a failure is logged and shown in Settings.
   */
  check(): Promise<void> {
    if (!this.updater || !this.enabled) return Promise.resolve();
    this.running ??= this.run(this.updater).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** "Restart to update": installs the verified download and starts the new version. Refused during a conversation. */
  restart(): boolean {
    const updater = this.updater;
    if (!updater || !this.status.canRestart) return false;
    this.options.log(`updates: restarting into ${this.status.next?.version ?? '?'}`);
    if ('install' in updater && typeof updater.install === 'function') {
      // BaseUpdater (AppImage, Windows): install, start the new version, quit. quitAndInstall()
      // would do the same, and also poke Electron's built-in autoUpdater, which Kaiwa does not use.
      if (!(updater.install as (silent: boolean, runAfter: boolean) => boolean)(true, true)) return false;
      this.options.quit();
    } else {
      updater.quitAndInstall();
    }
    return true;
  }

  /** A .deb install: the new version's link, opened by main (the window never holds it). */
  async openDownload(): Promise<boolean> {
    const url = this.updater?.downloadUrl?.();
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) return false;
    await this.options.openExternal(url.href);
    return true;
  }

  dispose(): void {
    this.schedule.stop();
  }

  private async run(updater: KaiwaUpdater): Promise<void> {
    const before = this.status.phase;
    if (before !== 'ready') this.state.set({ phase: 'checking' });
    try {
      const result = await updater.checkForUpdates();
      if (!result?.isUpdateAvailable) {
        this.state.set({ phase: before === 'ready' ? 'ready' : 'idle', ...(before === 'ready' ? {} : { next: undefined }) });
        this.options.log(`updates: up to date (${this.options.version}; the feed has ${result?.updateInfo.version ?? '?'})`);
      } else if (result.downloadPromise) {
        await result.downloadPromise;
      }
      this.state.set({ lastCheck: { at: new Date().toISOString() } });
    } catch (error) {
      const problem = updateProblem(error);
      this.options.log(`updates: check failed (${problem}): ${problemLine(error)}`);
      const ready = this.status.phase === 'ready';
      this.state.set({ phase: ready ? 'ready' : 'idle', lastCheck: { at: new Date().toISOString(), problem }, ...(ready ? {} : { next: undefined }) });
    }
  }

  private found(info: UpdateInfo): void {
    const notify = this.status.mode === 'notify';
    this.state.set({ phase: notify ? 'available' : 'downloading', next: { version: info.version, notes: releaseNotes(info.releaseNotes), ...(notify ? {} : { percent: 0 }) } });
    this.options.log(`updates: ${info.version} found${notify ? ' (a .deb install: the user is told, with the link)' : ', downloading'}`);
  }

  private progress(percent: number): void {
    const next = this.status.next;
    if (next && this.status.phase === 'downloading') this.state.set({ next: { ...next, percent: Math.floor(percent) } });
  }

  private downloaded(info: UpdateInfo): void {
    const next = this.status.next;
    this.state.set({ phase: 'ready', next: { version: info.version, notes: next?.notes ?? releaseNotes(info.releaseNotes) } });
    this.refreshRestart();
    this.options.log(`updates: ${info.version} downloaded, sha512 verified; installed on quit`);
  }

  private refreshRestart(): void {
    this.state.set({ canRestart: this.status.phase === 'ready' && this.status.mode === 'self' && !this.options.busy() });
  }
}
