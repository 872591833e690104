import type { z } from 'zod';
import { SettingsSchema, say, type EngineMessage, type SettingFlagMeta, type SettingsInput } from '../engine';

/**
 * Every setting as a command-line flag, derived from the one Settings schema (its fields, their
 * types and the `.meta` of engine/settings.ts): a setting added there is a flag here, with its
 * validation, without being written again.
 */

export type FlagKind = 'enum' | 'boolean' | 'number' | 'string';

export interface SettingFlag {
  /** Without the dashes: `vad-threshold`. */
  name: string;
  /** Where the value goes in Settings: ['turnDetection', 'threshold']. */
  path: readonly string[];
  kind: FlagKind;
  /** enum: the allowed values; string: what help lists, if anything. */
  values?: readonly string[];
  /** The catalogue key of its help text: cli.flag.NAME. */
  helpKey: string;
}

type AnySchema = z.ZodType & { def: { type: string; innerType?: AnySchema; in?: AnySchema }; meta(): Record<string, unknown> | undefined };

const FLAG_KEY_PREFIX = 'cli.flag.';
const kebab = (text: string) => text.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** Looks through default/optional/nullable wrappers (and pipes) to the type that takes the value. */
function unwrap(schema: AnySchema): AnySchema {
  let current = schema;
  for (;;) {
    const { type, innerType } = current.def;
    if ((type === 'default' || type === 'optional' || type === 'nullable' || type === 'prefault' || type === 'readonly') && innerType) current = innerType;
    else if (type === 'pipe' && current.def.in) current = current.def.in;
    else return current;
  }
}

/** The first `.meta` found from the outside in: it may sit on any wrapper. */
function flagMeta(schema: AnySchema): SettingFlagMeta | undefined {
  for (let current: AnySchema | undefined = schema; current; current = current.def.innerType) {
    const meta = current.meta() as Partial<SettingFlagMeta> | undefined;
    if (meta && 'flag' in meta) return meta as SettingFlagMeta;
  }
  return undefined;
}

function collect(shape: Record<string, AnySchema>, prefix: string[], out: SettingFlag[]): void {
  for (const [key, field] of Object.entries(shape)) {
    const path = [...prefix, key];
    const meta = flagMeta(field);
    if (meta?.flag === false) continue;
    const inner = unwrap(field);
    if (inner.def.type === 'object') {
      collect((inner as unknown as z.ZodObject).shape as unknown as Record<string, AnySchema>, path, out);
      continue;
    }
    const helpKey = meta?.flag || FLAG_KEY_PREFIX + path.map(kebab).join('-');
    const name = helpKey.slice(FLAG_KEY_PREFIX.length);
    const type = inner.def.type;
    const kind: FlagKind = type === 'enum' ? 'enum' : type === 'boolean' ? 'boolean' : type === 'number' ? 'number' : 'string';
    const values = kind === 'enum' ? ((inner as unknown as z.ZodEnum).options as string[]) : meta?.values;
    out.push({ name, path, kind, helpKey, ...(values ? { values } : {}) });
  }
}

/** The flags of a settings schema (exported for tests: a field added to the schema is a flag). */
export function deriveFlags(schema: z.ZodObject): SettingFlag[] {
  const flags: SettingFlag[] = [];
  collect(schema.shape as unknown as Record<string, AnySchema>, [], flags);
  return flags;
}

export const SETTING_FLAGS: readonly SettingFlag[] = deriveFlags(SettingsSchema);

/** What help shows after the flag: a|b|c, on|off, N, VALUE. */
export function placeholder(flag: SettingFlag): string {
  if (flag.kind === 'enum') return (flag.values ?? []).join('|');
  if (flag.kind === 'boolean') return 'on|off';
  if (flag.kind === 'number') return 'N';
  return flag.values ? 'NAME' : 'VALUE';
}

/** A flag's value that cannot be a value of its setting: `problem` for people, `message` in English for logs. */
export class FlagValueError extends Error {
  override name = 'FlagValueError';
  constructor(
    readonly flag: string,
    readonly value: string,
    readonly problem: EngineMessage,
    english: string,
  ) {
    super(`--${flag} ${english} (got '${value}')`);
  }
}

/** Turns the text after a flag into the setting's type; the schema checks ranges and the rest. */
export function flagValue(flag: SettingFlag, raw: string): string | number | boolean {
  switch (flag.kind) {
    case 'enum':
      if (!(flag.values ?? []).includes(raw)) {
        const values = (flag.values ?? []).join(', ');
        throw new FlagValueError(flag.name, raw, say('setting.notOneOf', { values }), `must be one of ${values}`);
      }
      return raw;
    case 'boolean':
      if (raw === 'on' || raw === 'true') return true;
      if (raw === 'off' || raw === 'false') return false;
      throw new FlagValueError(flag.name, raw, say('setting.notBoolean'), 'must be on or off');
    case 'number': {
      const value = raw.trim() === '' ? Number.NaN : Number(raw);
      if (!Number.isFinite(value)) throw new FlagValueError(flag.name, raw, say('setting.notNumber'), 'must be a number');
      return value;
    }
    default:
      return raw;
  }
}

/** Sets `value` at `flag.path` in a settings input, making the sections it passes through. */
export function assign(target: SettingsInput, flag: SettingFlag, value: unknown): void {
  let node = target as Record<string, unknown>;
  for (const key of flag.path.slice(0, -1)) {
    const next = node[key];
    node[key] = next && typeof next === 'object' ? { ...(next as object) } : {};
    node = node[key] as Record<string, unknown>;
  }
  node[flag.path[flag.path.length - 1]!] = value;
}

/** The flag a Settings issue path belongs to (the longest match), for error lines. */
export function flagOfPath(path: readonly PropertyKey[]): SettingFlag | undefined {
  return SETTING_FLAGS.filter((f) => f.path.every((key, i) => path[i] === key)).sort((a, b) => b.path.length - a.path.length)[0];
}
