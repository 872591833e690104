import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import type { ClientEvent, ServerEvent } from 'openai/resources/live/live';
import spec from './live.json' with { type: 'json' };

/**
 * Validation of GPT-Live wire events against `live.json`, the schemas generated from the openai
 * package's Live types (see generate.ts). A failure reads the way the Live service reports it:
 * `unknown_parameter`, `missing_required_parameter`, `invalid_type` or `invalid_value`, with the
 * offending parameter's dotted path.
 */

export type LiveSide = 'client' | 'server';

export type LiveValidation = { ok: true } | { ok: false; code: string; message: string; param?: string };

type EventMap = Record<string, Record<string, unknown>>;
// Compile-time: the generated file covers every event type of the installed package, both ways.
const clientEvents: Record<ClientEvent['type'], unknown> & EventMap = spec.clientEvents;
const serverEvents: Record<ServerEvent['type'], unknown> & EventMap = spec.serverEvents;

export const LIVE_SPEC_SOURCE: string = spec.source;

export class LiveSpecValidator {
  private readonly ajv = new Ajv({ allErrors: false, strict: false });
  private readonly cache = new Map<string, ValidateFunction>();

  eventTypes(side: LiveSide): string[] {
    return Object.keys(side === 'client' ? clientEvents : serverEvents);
  }

  validate(side: LiveSide, event: unknown): LiveValidation {
    if (typeof event !== 'object' || event === null || Array.isArray(event)) {
      return { ok: false, code: 'invalid_type', message: 'The event must be a JSON object.' };
    }
    const type = (event as { type?: unknown }).type;
    if (type === undefined) return { ok: false, code: 'missing_required_parameter', message: "Missing required parameter: 'type'.", param: 'type' };
    const map = side === 'client' ? clientEvents : serverEvents;
    if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(map, type)) {
      return { ok: false, code: 'invalid_value', message: `Invalid value: '${String(type)}'. Unknown event type.`, param: 'type' };
    }
    const validate = this.compiled(side, type, map[type]!);
    if (validate(event)) return { ok: true };
    return { ok: false, ...describe(validate.errors ?? []) };
  }

  private compiled(side: LiveSide, type: string, schema: Record<string, unknown>): ValidateFunction {
    const key = `${side}:${type}`;
    let fn = this.cache.get(key);
    if (!fn) {
      fn = this.ajv.compile(schema);
      this.cache.set(key, fn);
    }
    return fn;
  }
}

/** The most telling of ajv's errors, as the service words it. */
function describe(errors: ErrorObject[]): { code: string; message: string; param?: string } {
  const dotted = (e: ErrorObject) => e.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const join = (path: string, key: string) => (path ? `${path}.${key}` : key);
  const unknown = errors.find((e) => e.keyword === 'additionalProperties');
  if (unknown) {
    const param = join(dotted(unknown), String((unknown.params as { additionalProperty: string }).additionalProperty));
    return { code: 'unknown_parameter', message: `Unknown parameter: '${param}'.`, param };
  }
  const missing = errors.find((e) => e.keyword === 'required');
  if (missing) {
    const param = join(dotted(missing), String((missing.params as { missingProperty: string }).missingProperty));
    return { code: 'missing_required_parameter', message: `Missing required parameter: '${param}'.`, param };
  }
  // Deepest first: a union's branches each fail at the root, the real cause sits further down.
  const first = [...errors].sort((a, b) => b.instancePath.length - a.instancePath.length)[0];
  if (!first) return { code: 'invalid_value', message: 'Invalid event.' };
  const param = dotted(first) || undefined;
  const where = param ?? '(root)';
  if (first.keyword === 'type') {
    return { code: 'invalid_type', message: `Invalid type for '${where}': expected ${String((first.params as { type: unknown }).type)}.`, ...(param ? { param } : {}) };
  }
  return { code: 'invalid_value', message: `Invalid value for '${where}': ${first.message ?? 'invalid'}.`, ...(param ? { param } : {}) };
}

let shared: LiveSpecValidator | undefined;
/** One validator per process (compiled schemas are cached in it). */
export function liveSpecValidator(): LiveSpecValidator {
  shared ??= new LiveSpecValidator();
  return shared;
}
