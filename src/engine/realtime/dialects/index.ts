import { betaDialect } from './beta';
import { gaDialect } from './ga';
import type { Dialect, DialectName } from './types';

export type { DecodeResult, Dialect, DialectName, RealtimeClientEvent, RealtimeServerEvent, WireEvent } from './types';
export { gaDialect, betaDialect };

const DIALECTS: Record<DialectName, Dialect> = { ga: gaDialect, beta: betaDialect };

export function getDialect(name: DialectName): Dialect {
  const dialect = Object.prototype.hasOwnProperty.call(DIALECTS, name) ? DIALECTS[name] : undefined;
  if (!dialect) throw new Error(`Unknown Realtime dialect '${String(name)}' (expected 'ga' or 'beta').`);
  return dialect;
}
