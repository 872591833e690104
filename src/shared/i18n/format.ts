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

/**
 * US dollars, as the language writes them: "$0.0123", "$1.50". Small amounts keep four decimals
 * (a short conversation costs cents or less), larger ones two.
 */
export function formatUsd(language: Language | string, usd: number): string {
  const small = Math.abs(usd) < 1;
  return new Intl.NumberFormat(language, {
    style: 'currency',
    currency: 'USD',
    minimumFractionDigits: 2,
    maximumFractionDigits: small ? 4 : 2,
  }).format(usd);
}

/** Milliseconds as minutes with one decimal: "2.5 min", "2.5 分". */
export function formatMinutes(language: Language | string, ms: number): string {
  return new Intl.NumberFormat(language, { style: 'unit', unit: 'minute', unitDisplay: 'short', maximumFractionDigits: 1 }).format(ms / 60_000);
}

/** Time left, in whole minutes rounded up ("42 min", "42 分"; the last minute is "1 min"). */
export function formatWholeMinutes(language: Language | string, ms: number): string {
  return new Intl.NumberFormat(language, { style: 'unit', unit: 'minute', unitDisplay: 'short', maximumFractionDigits: 0 }).format(Math.max(0, Math.ceil(ms / 60_000)));
}
