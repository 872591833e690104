import { settingChoices } from '../engine/settings';
import type { SettingsOptions, ToolChoice } from '../shared/ipc';

// TEMP until tools-rt lands BUILTIN_TOOLS: replaced by the engine's registry.
const BUILTIN_TOOLS: readonly ToolChoice[] = [
  { name: 'get_time', needsConsent: false },
  { name: 'read_clipboard', needsConsent: true },
  { name: 'write_clipboard', needsConsent: true },
  { name: 'open_url', needsConsent: true },
  { name: 'notify', needsConsent: false },
  { name: 'set_timer', needsConsent: false },
];

/** Kaiwa's built-in tools as the settings screen lists them, from the engine's registry. */
export function toolChoices(): ToolChoice[] {
  return BUILTIN_TOOLS.map(({ name, needsConsent }) => ({ name, needsConsent }));
}

/** Every choice the settings form offers: the engine's settings choices and the tools. */
export function settingsOptions(): SettingsOptions {
  return { ...settingChoices(), tools: toolChoices() };
}
