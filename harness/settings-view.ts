import { DEFAULT_SETTINGS } from '../src/engine/settings';
import { settingsOptions } from '../src/main/tool-choices';
import type { SettingsView } from '../src/shared/ipc';

/**
 * The settings view main sends for default settings with no key saved, both hotkeys registered and
 * the voice endpoint off; `overrides` replace whole fields. Browser tests and the renderer's fake
 * bridge start from it.
 */
export function defaultView(overrides: Partial<SettingsView> = {}): SettingsView {
  return {
    settings: structuredClone(DEFAULT_SETTINGS),
    protocol: 'realtime',
    hasApiKey: false,
    envOverrides: [],
    options: settingsOptions(),
    hotkeys: [
      { action: 'talk', accelerator: DEFAULT_SETTINGS.hotkeys.talk, registered: true },
      { action: 'interrupt', accelerator: DEFAULT_SETTINGS.hotkeys.interrupt, registered: true },
    ],
    serve: { running: false, tokenSaved: true },
    mcpHeadersSet: {},
    picturesSupported: true,
    azureSignIn: { signedIn: false },
    ...overrides,
  };
}
