import { z } from 'zod';
import { SettingsSchema } from '../engine/settings';
import { INVOKE_CHANNELS, MAX_PICTURE_UPLOAD_BYTES, type InvokeChannel, type InvokeChannels, type PictureUpload, type SettingsPatch } from '../shared/ipc';
import { patchSchemaOf } from './ipc-settings-patch';

/**
 * The shape of every renderer argument (after mattermost's ipcValidate): checked before a handler
 * runs. Objects are strict (unknown keys are rejected) and every string is bounded. Semantic checks
 * (is the URL a ws:// URL...) happen afterwards, on the merged settings, with `parseSettings`.
 */

/** Any part of the settings, derived from the Settings schema (see ipc-settings-patch.ts). */
export const SettingsPatchSchema = patchSchemaOf(SettingsSchema) as unknown as z.ZodType<SettingsPatch>;

/** A key is printable ASCII without spaces; the longest real ones are ~200 characters. */
export const ApiKeySchema = z
  .string()
  .min(8, 'the API key is too short')
  .max(1_024, 'the API key is too long')
  .regex(/^[\x21-\x7e]+$/, 'the API key has spaces or unprintable characters');

/** Conversation ids are file names we generate: no dots, no slashes. */
export const ConversationIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,80}$/, 'not a conversation id');

/** A consent question's id as the engine made it (a call id, an MCP approval request id): bounded, printable, no spaces. */
export const ConsentIdSchema = z.string().regex(/^[\x21-\x7e]{1,200}$/, 'not a consent id');
export const ConsentAnswerSchema = z.enum(['allow', 'allow-always', 'deny']);

/** An MCP server's label, as the settings name it. */
export const McpLabelSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'not an MCP server label');
/** An HTTP header name (RFC 9110 token). */
export const HeaderNameSchema = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/, 'not an HTTP header name');
/** A header value: one line (no CR, LF or NUL, which would split or end a header), bounded. */
export const HeaderValueSchema = z
  .string()
  .min(1, 'the header value is empty')
  .max(8_192, 'the header value is too long')
  .regex(/^[^\r\n\0]+$/, 'the header value has a line break');

/**
 * Typed words, bounded for the trip only: the engine has the real limit and says so in a notice
 * (a refusal here would reach nobody).
 */
export const TypedTextSchema = z.string().max(65_536, 'the text is too long');

/** A desktopCapturer source id (`screen:0:0`, `window:12345:0`); main shares only one its last list offered. */
export const ShareSourceIdSchema = z.string().regex(/^(screen|window):[\w.-]{1,64}:[\w.-]{1,64}$/, 'not a screen or window id');

/**
 * A dropped or pasted picture: bytes (checked as a picture by the engine, which says what is wrong
 * with them), bounded for the trip; a file name without control characters or path separators.
 */
export const PictureUploadSchema: z.ZodType<PictureUpload> = z.strictObject({
  data: z
    .instanceof(Uint8Array, { message: 'the picture is not bytes' })
    .refine((data) => data.byteLength > 0, 'the picture is empty')
    .refine((data) => data.byteLength <= MAX_PICTURE_UPLOAD_BYTES, 'the picture is too large'),
  source: z.enum(['paste', 'drop']),
  name: z.string().regex(/^[^\p{Cc}/\\]{1,255}$/u, 'not a file name').optional(),
});

type Args<C extends InvokeChannel> = InvokeChannels[C]['args'];
/** The channels that take arguments: each needs its schema here (the type demands it). */
type WithArgs = { [C in InvokeChannel]: Args<C> extends [] ? never : C }[InvokeChannel];

const ARGS_SCHEMAS: { [C in WithArgs]: z.ZodType<Args<C>> } = {
  'assistant:set-muted': z.tuple([z.boolean()]),
  'settings:update': z.tuple([SettingsPatchSchema]),
  'settings:set-api-key': z.tuple([ApiKeySchema.nullable()]),
  'conversations:open': z.tuple([ConversationIdSchema]),
  'consent:answer': z.tuple([ConsentIdSchema, ConsentAnswerSchema]),
  'settings:set-mcp-header': z.tuple([McpLabelSchema, HeaderNameSchema, HeaderValueSchema.nullable()]),
  'assistant:send-text': z.tuple([TypedTextSchema]),
  'picture:show': z.tuple([PictureUploadSchema]),
  'share:start': z.tuple([ShareSourceIdSchema]),
};

const hasArgs = (channel: InvokeChannel): channel is WithArgs => channel in ARGS_SCHEMAS;

/** Every request's argument schema: the ones above, and "no arguments" for all others. */
export const INVOKE_SCHEMAS: { readonly [C in InvokeChannel]: z.ZodType<Args<C>> } = Object.fromEntries(
  INVOKE_CHANNELS.map((channel) => [channel, hasArgs(channel) ? ARGS_SCHEMAS[channel] : z.tuple([])]),
) as never;

/** One readable line per problem, never echoing the value (it may be a key). */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.join('.') || 'argument'}: ${issue.message}`);
}
