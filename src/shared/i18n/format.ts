import type { Language } from './catalogues';

/**
 * Numbers, dates and durations in the language's own way (`Intl`). The catalogues use them through
 * i18next's formatters: `{{count, number}}`, `{{at, datetime}}`, and `{{ms, duration}}` (added by
 * `createI18n`).
 */

/** A duration given in milliseconds, in seconds with one decimal: "1.5 sec", "1.5 秒". */
export function formatDuration(language: Language | string, ms: number): string {
  return new Intl.NumberFormat(language, {
    style: 'unit',
    unit: 'second',
    unitDisplay: 'short',
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  }).format(ms / 1000);
}

/** A moment, as a date and a time of day: "Mar 5, 2026, 2:07 PM", "2026/03/05 14:07". */
export function formatDateTime(language: Language | string, at: Date): string {
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(at);
}
