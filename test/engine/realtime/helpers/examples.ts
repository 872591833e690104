import { specValidator, type EventSide, type SpecDialect } from '../../../../src/simulator/realtime/spec/validator';

/**
 * The `x-oaiMeta.example` of every event schema in a vendored spec, parsed. OpenAI's examples are
 * objects or strings; strings may hold `//` comments, trailing commas and several JSON objects in
 * a row (response.create shows two), so each string is cleaned with a small string-aware scanner
 * and split into its top-level objects.
 */

export interface SpecExample {
  dialect: SpecDialect;
  side: EventSide;
  /** The event type the schema documents (the example's own `type` may differ: see the tests). */
  schemaType: string;
  schemaName: string;
  /** 0-based position when the example holds several objects. */
  index: number;
  event: Record<string, unknown>;
  /** `schemaType` or `schemaType#index` when there are several. */
  label: string;
}

export function specExamples(dialect: SpecDialect): SpecExample[] {
  const validator = specValidator(dialect);
  const out: SpecExample[] = [];
  for (const side of ['client', 'server'] as const) {
    for (const schemaType of validator.eventTypes(side)) {
      const schemaName = validator.schemaName(side, schemaType)!;
      const meta = validator.schema(schemaName)?.['x-oaiMeta'] as { example?: unknown } | undefined;
      if (meta?.example === undefined) continue;
      const events = parseExample(meta.example);
      events.forEach((event, index) => {
        const label = events.length > 1 ? `${schemaType}#${index}` : schemaType;
        out.push({ dialect, side, schemaType, schemaName, index, event, label });
      });
    }
  }
  return out;
}

export function parseExample(example: unknown): Record<string, unknown>[] {
  if (typeof example !== 'string') return [example as Record<string, unknown>];
  return splitTopLevel(removeTrailingCommas(stripComments(example))).map(
    (text) => JSON.parse(text) as Record<string, unknown>,
  );
}

/** Calls `visit` for every character outside string literals; returns the kept characters. */
function scan(text: string, visit: (i: number) => number | 'keep'): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      out += ch;
      if (ch === '\\') out += text[++i] ?? '';
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') {
      inString = true;
      out += ch;
      continue;
    }
    const next = visit(i);
    if (next === 'keep') out += ch;
    else i = next - 1;
  }
  return out;
}

/** Drops `// ...` to the end of the line and `/* ... *\/` outside strings. */
export function stripComments(text: string): string {
  return scan(text, (i) => {
    if (text.startsWith('//', i)) {
      const end = text.indexOf('\n', i);
      return end === -1 ? text.length : end;
    }
    if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      return end === -1 ? text.length : end + 2;
    }
    return 'keep';
  });
}

/** Drops a `,` whose next non-blank character closes an object or array. */
export function removeTrailingCommas(text: string): string {
  return scan(text, (i) => (text[i] === ',' && /^\s*[}\]]/.test(text.slice(i + 1)) ? i + 1 : 'keep'));
}

/** Splits `{...} {...}` into its top-level values. */
export function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = -1;
  scan(text, (i) => {
    const ch = text[i];
    if (ch === '{' || ch === '[') {
      if (depth === 0) start = i;
      depth++;
    } else if (ch === '}' || ch === ']') {
      depth--;
      if (depth === 0) parts.push(text.slice(start, i + 1));
    }
    return 'keep';
  });
  return parts;
}
