import { settingChoices } from '../engine/settings';
import { BUILTIN_TOOLS } from '../engine/tools/builtin';
import type { SettingsOptions, ToolChoice } from '../shared/ipc';

/** Kaiwa's built-in tools as the settings screen lists them: the engine's registry, in its order. */
export function toolChoices(): ToolChoice[] {
  return BUILTIN_TOOLS.map(({ name, needsConsent }) => ({ name, needsConsent }));
}

/** Every choice the settings form offers: the engine's settings choices and the tools. */
export function settingsOptions(): SettingsOptions {
  return { ...settingChoices(), tools: toolChoices() };
}
