/**
 * A strict server, as one of another API version answers (issue 21): a client event carrying a
 * parameter it does not know is refused whole with `unknown_parameter` and the parameter's dotted
 * path in `param`; one whose value it does not take, with `invalid_value`. Tests name the
 * parameters to refuse (`session.speed`, `session.audio.output.speed`, `session.voice`); the
 * Realtime session also refuses every field its dialect's schema does not have (see
 * realtime/spec/unknown-params.ts; GPT-Live's schema refuses them always).
 */
export interface StrictOptions {
  /** Wire paths refused as unknown parameters when present (`session.speed`). */
  unknown?: readonly string[];
  /** Wire paths refused as invalid values when present (`session.voice`). */
  invalid?: readonly string[];
}

export interface Refusal {
  code: 'unknown_parameter' | 'invalid_value';
  message: string;
  param: string;
}

/** The first named parameter `event` carries, as the server's error, or undefined. */
export function refusedParam(event: unknown, strict: StrictOptions): Refusal | undefined {
  for (const param of strict.unknown ?? []) {
    if (present(event, param)) return unknownParameter(param);
  }
  for (const param of strict.invalid ?? []) {
    if (!present(event, param)) continue;
    const value = JSON.stringify(valueAt(event, param));
    return { code: 'invalid_value', message: `Invalid value: ${value}. This API version does not support it for '${param}'.`, param };
  }
  return undefined;
}

export function unknownParameter(param: string): Refusal {
  return { code: 'unknown_parameter', message: `Unknown parameter: '${param}'.`, param };
}

function valueAt(root: unknown, path: string): unknown {
  let node = root;
  for (const key of path.split('.')) {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function present(root: unknown, path: string): boolean {
  return valueAt(root, path) !== undefined;
}
