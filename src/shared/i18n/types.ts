import type { i18n, TFunction } from 'i18next';
import type { en } from './catalogues/en';

// The catalogue's keys type every `t(...)`: flat keys, so neither key nor namespace separator.
declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof en };
    keySeparator: false;
    nsSeparator: false;
  }
}

/** An i18next instance of one language (createI18n). */
export type Translator = i18n;
/** Its `t`: words for a catalogue key. */
export type Translate = TFunction;
