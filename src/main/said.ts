import { englishT, messageWords, type MessageKey } from '../shared/i18n';

/**
 * What main itself tells people (a mute, a shortcut not registered, the settings file, the API
 * key): a `main.` catalogue key and its params, a param perhaps itself something said (nested
 * words, or a list of them). Notices carry it to the windows, which put it into their language;
 * the tray and the settings view put it into words in main.
 */
export interface MainSaid {
  key: Extract<MessageKey, `main.${string}`>;
  params?: Record<string, unknown>;
}

export function mainSaid(key: MainSaid['key'], params?: Record<string, unknown>): MainSaid {
  return params ? { key, params } : { key };
}

/** The same in English, for logs and tests. */
export function englishOf(said: { key: string; params?: object }): string {
  return messageWords(englishT(), said);
}
