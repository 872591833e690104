import type { SpecValidator } from './validator';

/**
 * The first field of a client event that its schema does not have, as a dotted path from the
 * event (`session.speed`), or undefined. The vendored schemas leave `additionalProperties` open,
 * while the servers refuse what they do not know: a strict simulator checks with this. Free-form
 * objects (a tool's JSON Schema `parameters`) are not looked into; of a union, the branch the
 * value fits (by kind and its `type` discriminator) decides.
 */
export function unknownParam(spec: SpecValidator, side: 'client' | 'server', event: { type: string }): string | undefined {
  const name = spec.schemaName(side, event.type);
  const schema = name ? spec.schema(name) : undefined;
  return schema ? walk(spec, schema, event, '') : undefined;
}

type Schema = Record<string, unknown>;

function resolve(spec: SpecValidator, schema: Schema): Schema {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  const target = spec.schema(ref.replace('#/components/schemas/', ''));
  return target ? resolve(spec, target) : {};
}

function walk(spec: SpecValidator, raw: Schema, value: unknown, path: string): string | undefined {
  const schema = resolve(spec, raw);
  const union = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (union) {
    let found: string | undefined;
    for (const branch of union.map((b) => resolve(spec, b))) {
      if (!fits(branch, value)) continue;
      const unknown = walk(spec, branch, value, path);
      if (unknown === undefined) return undefined;
      found ??= unknown;
    }
    return found;
  }
  for (const part of (schema.allOf as Schema[] | undefined) ?? []) {
    const unknown = walk(spec, part, value, path);
    if (unknown !== undefined) return unknown;
  }
  const properties = schema.properties as Record<string, Schema> | undefined;
  if (properties && isObject(value)) {
    for (const [key, child] of Object.entries(value)) {
      const at = path ? `${path}.${key}` : key;
      if (!Object.prototype.hasOwnProperty.call(properties, key)) {
        if (schema.additionalProperties) continue;
        return at;
      }
      const unknown = walk(spec, properties[key]!, child, at);
      if (unknown !== undefined) return unknown;
    }
  }
  if (Array.isArray(value) && isObject(schema.items)) {
    for (const [i, item] of value.entries()) {
      const unknown = walk(spec, schema.items, item, `${path}[${i}]`);
      if (unknown !== undefined) return unknown;
    }
  }
  return undefined;
}

/** Whether `value` is of the branch's kind, and of its `type` when the branch names one. */
function fits(branch: Schema, value: unknown): boolean {
  const kind = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value === 'number' ? (Number.isInteger(value) ? 'integer' : 'number') : typeof value;
  const types = [branch.type].flat().filter((t): t is string => typeof t === 'string');
  if (types.length > 0 && !types.includes(kind) && !(kind === 'integer' && types.includes('number'))) return false;
  const discriminator = (branch.properties as Record<string, Schema> | undefined)?.type;
  if (isObject(value) && typeof value.type === 'string' && discriminator) {
    const allowed = discriminator.enum ?? (discriminator.const !== undefined ? [discriminator.const] : undefined);
    if (Array.isArray(allowed) && !allowed.includes(value.type)) return false;
  }
  return true;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
