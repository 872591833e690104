import { z } from 'zod';
import type { EngineMessage } from '../messages';
import type { JsonSchema, ParsedArguments, ToolDefinition, ToolRunContext } from './types';

/** A built-in tool as written: one zod schema, from which both the wire's JSON Schema and the check derive. */
export interface ToolSpec<Schema extends z.ZodType> {
  name: string;
  description: string;
  label: EngineMessage;
  schema: Schema;
  needsConsent: boolean;
  timeoutMs?: number;
  consent(args: z.output<Schema>): EngineMessage;
  run(args: z.output<Schema>, context: ToolRunContext): Promise<unknown>;
}

/** The JSON Schema the Realtime API takes for function parameters (no `$schema` key: the API does not need it). */
export function parametersOf(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...parameters } = z.toJSONSchema(schema, { io: 'input' }) as JsonSchema;
  return parameters;
}

/** Makes a ToolDefinition from a spec: `parameters` and `parse` come from the same schema. */
export function defineTool<Schema extends z.ZodType>(spec: ToolSpec<Schema>): ToolDefinition {
  const parse = (args: unknown): ParsedArguments => {
    const parsed = spec.schema.safeParse(args);
    return parsed.success ? { ok: true, value: parsed.data } : { ok: false, problem: z.prettifyError(parsed.error) };
  };
  return {
    name: spec.name,
    description: spec.description,
    label: spec.label,
    parameters: parametersOf(spec.schema),
    needsConsent: spec.needsConsent,
    ...(spec.timeoutMs !== undefined ? { timeoutMs: spec.timeoutMs } : {}),
    parse,
    // Called with what parse() returned only (the Toolbox's order), hence the cast.
    consent: (args) => spec.consent(args as z.output<Schema>),
    run: (args, context) => spec.run(args as z.output<Schema>, context),
  };
}
