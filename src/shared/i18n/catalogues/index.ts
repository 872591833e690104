import { en } from './en';
import { ja } from './ja';

export type { Catalogue, MessageKey } from './en';

/** The languages Kaiwa speaks, and their catalogues. */
export const CATALOGUES = { en, ja } as const;
export type Language = keyof typeof CATALOGUES;
export const LANGUAGES = Object.keys(CATALOGUES) as Language[];
