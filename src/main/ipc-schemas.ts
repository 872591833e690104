import { z } from 'zod';
import {
  DIALECTS,
  INTERRUPTION_MODES,
  PROVIDERS,
  TURN_DETECTION_MODES,
  VOICES,
} from '../engine/settings';
import type { InvokeChannel, InvokeChannels } from '../shared/ipc';

/**
 * The shape of every renderer argument (after mattermost's ipcValidate): checked before a handler
 * runs. Objects are strict (unknown keys are rejected) and every string is bounded. Semantic checks
 * (is the URL a ws:// URL...) happen afterwards, on the merged settings, with `parseSettings`.
 */

const text = (max: number) => z.string().max(max);
const name = (max: number) => z.string().trim().min(1).max(max);

export const SettingsPatchSchema = z.strictObject({
  provider: z.enum(PROVIDERS).optional(),
  url: text(2_048).optional(),
  dialect: z.enum(DIALECTS).optional(),
  model: name(128).optional(),
  azure: z
    .strictObject({
      endpoint: text(2_048).optional(),
      deployment: name(128).optional(),
      apiVersion: name(64).optional(),
    })
    .optional(),
  voice: z.enum(VOICES).optional(),
  instructions: text(8_000).optional(),
  turnDetection: z
    .strictObject({
      mode: z.enum(TURN_DETECTION_MODES).optional(),
      threshold: z.number().finite().optional(),
      silenceDurationMs: z.number().finite().optional(),
      prefixPaddingMs: z.number().finite().optional(),
      eagerness: z.enum(['low', 'medium', 'high', 'auto']).optional(),
    })
    .optional(),
  interruption: z
    .strictObject({
      mode: z.enum(INTERRUPTION_MODES).optional(),
      minSpeechMs: z.number().finite().optional(),
    })
    .optional(),
  transcriptionModel: name(128).optional(),
  inputDevice: text(256).optional(),
  outputDevice: text(256).optional(),
  echoCancellation: z.boolean().optional(),
  hotkeys: z.strictObject({ talk: name(64).optional(), interrupt: name(64).optional() }).optional(),
  startAtLogin: z.boolean().optional(),
});

/** A key is printable ASCII without spaces; the longest real ones are ~200 characters. */
export const ApiKeySchema = z
  .string()
  .min(8, 'the API key is too short')
  .max(1_024, 'the API key is too long')
  .regex(/^[\x21-\x7e]+$/, 'the API key has spaces or unprintable characters');

/** Conversation ids are file names we generate: no dots, no slashes. */
export const ConversationIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,80}$/, 'not a conversation id');

const none = z.tuple([]);

type ArgsSchemas = { [C in InvokeChannel]: z.ZodType<InvokeChannels[C]['args']> };

export const INVOKE_SCHEMAS: ArgsSchemas = {
  'assistant:start': none,
  'assistant:stop': none,
  'assistant:toggle': none,
  'assistant:interrupt': none,
  'assistant:talk-start': none,
  'assistant:talk-stop': none,
  'assistant:set-muted': z.tuple([z.boolean()]),
  'assistant:get-state': none,
  'settings:get': none,
  'settings:update': z.tuple([SettingsPatchSchema]),
  'settings:set-api-key': z.tuple([ApiKeySchema.nullable()]),
  'devices:list': none,
  'conversations:list': none,
  'conversations:open': z.tuple([ConversationIdSchema]),
  'window:hide': none,
};

/** One readable line per problem, never echoing the value (it may be a key). */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.join('.') || 'argument'}: ${issue.message}`);
}
