import type { Settings } from '../../engine/settings';
import { LANGUAGES, type Language } from './catalogues';

/**
 * Which language Kaiwa speaks: the `language` setting, or when it is 'system', the operating
 * system's (Electron's `app.getLocale()` in main, the POSIX locale variables in the terminal).
 * Anything Kaiwa has no catalogue for is English.
 */

export const FALLBACK_LANGUAGE: Language = 'en';

/** The catalogue language of a locale name: `ja`, `ja-JP`, `ja_JP.UTF-8`, `ja_JP@euro` -> 'ja'; `C`, `fr-FR` -> undefined. */
export function languageOfLocale(locale: string | null | undefined): Language | undefined {
  const primary = locale?.trim().split(/[-_.@]/)[0]?.toLowerCase();
  return LANGUAGES.find((language) => language === primary);
}

/**
 * The terminal's language from the environment, as gettext finds it: the first set of `LC_ALL`,
 * `LC_MESSAGES`, `LANG` names the locale; unless that is `C`/`POSIX`, GNU's `LANGUAGE` (a
 * colon-separated priority list) wins over it. Undefined when nothing names a language we have.
 */
export function languageFromEnv(env: Record<string, string | undefined>): Language | undefined {
  const locale = [env.LC_ALL, env.LC_MESSAGES, env.LANG].find((value) => value !== undefined && value !== '');
  if (locale === undefined || /^(C|POSIX)([._@]|$)/.test(locale)) return undefined;
  for (const wanted of (env.LANGUAGE ?? '').split(':')) {
    const language = languageOfLocale(wanted);
    if (language) return language;
  }
  return languageOfLocale(locale);
}

/** The setting wins; 'system' follows the system's language, or English when it is one we lack. */
export function chooseLanguage(setting: Settings['language'], system: Language | undefined): Language {
  return setting === 'system' ? (system ?? FALLBACK_LANGUAGE) : setting;
}
