import type { GenericServerOptions } from 'builder-util-runtime';
import type { Settings } from '../../engine/settings';

/**
 * Where updates come from and which of its files: the self-hosted feed of the setting
 * `updates.feed` (electron-builder's `generic` provider), or else the GitHub releases named in
 * `app-update.yml` (electron-builder writes it from `publish` in electron-builder.yml). The channel
 * names the file read: `latest-linux.yml` (stable) or `beta-linux.yml` (beta, which also takes
 * pre-releases).
 */
export interface FeedChoice {
  /** Unset: app-update.yml's provider (GitHub). */
  generic?: GenericServerOptions;
  channel: 'latest' | 'beta';
  allowPrerelease: boolean;
}

export function feedFor(updates: Settings['updates']): FeedChoice {
  const channel = updates.channel === 'beta' ? 'beta' : 'latest';
  return {
    ...(updates.feed ? { generic: { provider: 'generic', url: updates.feed, channel } } : {}),
    channel,
    allowPrerelease: updates.channel === 'beta',
  };
}

/** Whether two choices read the same file from the same place. */
export const sameFeed = (a: FeedChoice, b: FeedChoice): boolean => JSON.stringify(a) === JSON.stringify(b);
