import { useLayoutEffect, useMemo, type ReactNode } from 'react';
import { I18nextProvider, setI18n, useTranslation } from 'react-i18next';
import { chooseLanguage, createI18n, languageOfLocale, type Language, type Translate } from '../shared/i18n';
import type { SettingsView } from '../shared/ipc';

/**
 * The window's language: the `language` setting, or the system's. In Electron `navigator.language`
 * is the application locale, the one main reads with `app.getLocale()`, so the window and the
 * tray agree without asking main.
 */
export function windowLanguage(view: SettingsView | null, systemLocale: string = navigator.language): Language {
  return chooseLanguage(view?.settings.language ?? 'system', languageOfLocale(systemLocale));
}

// A component rendered on its own (a test of one component) speaks the system's language.
setI18n(createI18n(windowLanguage(null)));

/** Puts every component under it in `language`, and tells the page (`<html lang>`: CJK fonts and line breaking follow it). */
export function LanguageProvider({ language, children }: { language: Language; children: ReactNode }) {
  const i18n = useMemo(() => createI18n(language), [language]);
  useLayoutEffect(() => {
    document.documentElement.lang = language;
  }, [language]);
  return <I18nextProvider i18n={i18n}>{children}</I18nextProvider>;
}

/** The `t` of the nearest LanguageProvider. */
export function useT(): Translate {
  return useTranslation().t;
}

/** The language the nearest LanguageProvider speaks, for `Intl` formatting outside the catalogues. */
export function useLanguage(): string {
  return useTranslation().i18n.language;
}
