import { z } from 'zod';

/**
 * The schema of a settings patch, derived from the Settings schema: any part of the settings,
 * sections in part too, with nothing filled in. (zod's `.partial()` keeps each field's `.default()`,
 * so a patch `{ turnDetection: { mode } }` would come out with the section's other defaults and
 * overwrite what the user had set; here the defaults are unwrapped, level by level.)
 *
 * Two kinds of check, as before: a patch whose *shape* is wrong (an unknown key, a wrong type, a
 * value outside a closed list, an oversize string) cannot come from our form and is refused at the
 * IPC door. What a person types and may get wrong (a URL, a language code, a number out of range)
 * passes here as a bounded string or a number and is checked on the merged settings by
 * `parseSettings`, so the form shows the error under its field.
 */

/** The bound of a string field that declares none (URLs, codes). */
export const FREE_TEXT_MAX = 2_048;

/** The bound of a list that declares none. */
export const LIST_MAX = 256;

/** The zod internals read here: every schema has a `def` with its type and, for wrappers, the inner type (arrays: the element and checks). */
type Inspectable = z.ZodType & {
  def: { type: string; innerType?: Inspectable; element?: Inspectable; checks?: readonly unknown[] };
};
type LengthCheck = { _zod: { def: { check: string; maximum?: number } } };
const WRAPPERS = new Set(['default', 'prefault', 'optional']);

function unwrapDefaults(schema: Inspectable): Inspectable {
  let current = schema;
  while (WRAPPERS.has(current.def.type) && current.def.innerType) current = current.def.innerType;
  return current;
}

/** What a field accepts in a patch (see the module comment); it is then optional in its section. */
export function patchFieldSchema(field: z.ZodType): z.ZodType {
  const inner = unwrapDefaults(field as Inspectable);
  switch (inner.def.type) {
    case 'object':
      return patchSchemaOf(inner as unknown as z.ZodObject);
    case 'string': {
      const text = inner as unknown as z.ZodString;
      // A format (url, regex...) is typed text: checked after the merge.
      if (text.format) return z.string().max(text.maxLength ?? FREE_TEXT_MAX);
      return text.maxLength === null ? text.max(FREE_TEXT_MAX) : text;
    }
    case 'array': {
      // A list of things a person types (MCP servers: labels, URLs): each element as a field, the list bounded.
      const checks = (inner.def.checks ?? []) as LengthCheck[];
      const max = checks.find((c) => c._zod.def.check === 'max_length')?._zod.def.maximum ?? LIST_MAX;
      return z.array(patchFieldSchema(inner.def.element as z.ZodType)).max(max);
    }
    case 'number':
      // Finite (zod 4 refuses NaN and Infinity); the range is checked after the merge.
      return z.number();
    default:
      // Enums, booleans and anything else: the field's own schema, which is never weaker.
      return inner;
  }
}

/** The patch schema of an object schema: strict (unknown keys refused), every key optional, no defaults. */
export function patchSchemaOf(schema: z.ZodObject): z.ZodObject {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) shape[key] = patchFieldSchema(field).optional();
  return z.strictObject(shape);
}
