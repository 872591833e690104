import Ajv, { type ValidateFunction, type ErrorObject } from 'ajv';
import ga from './ga.json' with { type: 'json' };
import beta from './beta.json' with { type: 'json' };

/**
 * JSON-Schema validation of Realtime wire events against the vendored OpenAPI cut (see README.md).
 * Used by the simulator (to reject invalid client events and to check what it emits) and by tests.
 */

export type SpecDialect = 'ga' | 'beta';
export type EventSide = 'client' | 'server';

interface SpecFile {
  clientEvents: Record<string, string>;
  serverEvents: Record<string, string>;
  components: { schemas: Record<string, unknown> };
}

const specs: Record<SpecDialect, SpecFile> = { ga: ga as SpecFile, beta: beta as SpecFile };

export type ValidationResult = { ok: true } | { ok: false; message: string; param?: string };

export class SpecValidator {
  private readonly ajv: Ajv;
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(readonly dialect: SpecDialect) {
    // strict:false because the OpenAPI cut carries x-* keywords ajv does not know.
    this.ajv = new Ajv({ strict: false, allErrors: false, validateFormats: false });
    this.ajv.addSchema({ $id: 'spec', components: withNullable(specs[dialect].components) });
  }

  /** Event types a `side` may send in this dialect. */
  eventTypes(side: EventSide): string[] {
    return Object.keys(side === 'client' ? specs[this.dialect].clientEvents : specs[this.dialect].serverEvents);
  }

  schemaName(side: EventSide, type: string): string | undefined {
    const map = side === 'client' ? specs[this.dialect].clientEvents : specs[this.dialect].serverEvents;
    return Object.prototype.hasOwnProperty.call(map, type) ? map[type] : undefined;
  }

  /** The schema object itself, e.g. to read its `x-oaiMeta.example`. */
  schema(name: string): Record<string, unknown> | undefined {
    return specs[this.dialect].components.schemas[name] as Record<string, unknown> | undefined;
  }

  validate(side: EventSide, event: unknown): ValidationResult {
    if (typeof event !== 'object' || event === null || Array.isArray(event)) {
      return { ok: false, message: 'The event must be a JSON object.' };
    }
    const type = (event as { type?: unknown }).type;
    if (typeof type !== 'string') return { ok: false, message: "Missing required parameter: 'type'.", param: 'type' };
    const name = this.schemaName(side, type);
    if (!name) return { ok: false, message: `Invalid value: '${type}'. Unknown event type.`, param: 'type' };
    const validate = this.compiled(name);
    if (validate(event)) return { ok: true };
    return { ok: false, ...describe(validate.errors ?? []) };
  }

  private compiled(name: string): ValidateFunction {
    let fn = this.cache.get(name);
    if (!fn) {
      fn = this.ajv.compile({ $ref: `spec#/components/schemas/${name}` });
      this.cache.set(name, fn);
    }
    return fn;
  }
}

/**
 * OpenAPI's `nullable: true` is not JSON Schema, and ajv only accepts it beside a `type`. Rewrite it
 * once, at load, into plain JSON Schema: `type: [T, 'null']`, or `anyOf: [schema, {type: 'null'}]`.
 *
 * OpenAI's `oneOf` lists overlap where the API means "any of": response.create's `conversation` is
 * `oneOf: [string, enum auto|none]`, so under JSON Schema's exactly-one rule the documented values
 * `"auto"` and `"none"` match both branches and were rejected. They are read as `anyOf`.
 */
function withNullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withNullable);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key !== 'nullable' && !key.startsWith('x-')) out[key === 'oneOf' ? 'anyOf' : key] = withNullable(value);
  }
  if ((node as { nullable?: unknown }).nullable !== true) return out;
  if (typeof out.type === 'string') {
    out.type = [out.type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    return out;
  }
  return { anyOf: [out, { type: 'null' }] };
}

function describe(errors: ErrorObject[]): { message: string; param?: string } {
  const first = errors[0];
  if (!first) return { message: 'Invalid event.' };
  const path = first.instancePath.replace(/^\//, '').replace(/\//g, '.');
  if (first.keyword === 'required') {
    const missing = String((first.params as { missingProperty?: string }).missingProperty);
    const param = path ? `${path}.${missing}` : missing;
    return { message: `Missing required parameter: '${param}'.`, param };
  }
  return { message: `Invalid value at '${path || '(root)'}': ${first.message ?? 'invalid'}.`, ...(path ? { param: path } : {}) };
}

const shared = new Map<SpecDialect, SpecValidator>();
/** One validator per dialect per process (compiling the schemas is the expensive part). */
export function specValidator(dialect: SpecDialect): SpecValidator {
  let v = shared.get(dialect);
  if (!v) {
    v = new SpecValidator(dialect);
    shared.set(dialect, v);
  }
  return v;
}
