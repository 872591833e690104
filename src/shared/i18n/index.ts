import i18next from 'i18next';
import { CATALOGUES, type Language, type MessageKey } from './catalogues';
import { formatDateTime, formatDuration, formatMinutes, formatUsd, formatWholeMinutes } from './format';
import type { Translate, Translator } from './types';

/**
 * The one i18next set-up used by main, renderer and CLI: both catalogues loaded inline (no
 * back end, no async loading), flat keys (`state.idle`, so no key separator), no HTML escaping
 * (React escapes; tray menus and terminals need none), English behind every gap.
 *
 * Each caller gets its own instance (`createInstance`), never the global one: main, a test, or a
 * renderer can each speak a language without touching another's.
 */

export { CATALOGUES, LANGUAGES, type Catalogue, type Language, type MessageKey } from './catalogues';
export { chooseLanguage, FALLBACK_LANGUAGE, languageFromEnv, languageOfLocale } from './locale';
export { formatDateTime, formatDuration, formatMinutes, formatUsd, formatWholeMinutes } from './format';
export { ERROR_KEYS, errorWords, keyed, messageWords, saidWords, STATE_KEYS, stateWords, type KeyedWords } from './words';

export type { Translate, Translator } from './types';

export function createI18n(language: Language): Translator {
  const instance = i18next.createInstance();
  void instance.init({
    lng: language,
    fallbackLng: 'en',
    supportedLngs: Object.keys(CATALOGUES),
    resources: Object.fromEntries(Object.entries(CATALOGUES).map(([lng, translation]) => [lng, { translation }])),
    keySeparator: false,
    nsSeparator: false,
    interpolation: { escapeValue: false },
    initAsync: false,
  });
  instance.services.formatter?.add('duration', (value: number, lng) => formatDuration(lng ?? language, value));
  instance.services.formatter?.add('usd', (value: number, lng) => formatUsd(lng ?? language, value));
  instance.services.formatter?.add('minutes', (value: number, lng) => formatMinutes(lng ?? language, value));
  instance.services.formatter?.add('wholeMinutes', (value: number, lng) => formatWholeMinutes(lng ?? language, value));
  instance.services.formatter?.add('datetime', (value: Date | string | number, lng) =>
    formatDateTime(lng ?? language, value instanceof Date ? value : new Date(value)));
  return instance;
}

let english: Translate | undefined;
/** English, for modules whose caller did not say which language to speak (tests, logs). */
export function englishT(): Translate {
  return (english ??= createI18n('en').t);
}

/** Type guard for keys computed at run time (e.g. `error.${code}`). */
export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(CATALOGUES.en, key);
}
