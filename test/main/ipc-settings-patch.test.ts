import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DEFAULT_SETTINGS, SettingsSchema, parseSettings, type Settings } from '../../src/engine/settings';
import { FREE_TEXT_MAX, patchSchemaOf } from '../../src/main/ipc-settings-patch';
import { SettingsPatchSchema } from '../../src/main/ipc-schemas';
import { applySettingsPatch } from '../../src/main/settings-store';

/** Every leaf of a settings object as [path, value]. */
function leaves(value: Record<string, unknown>, prefix: string[] = []): Array<[string[], unknown]> {
  return Object.entries(value).flatMap(([key, v]) =>
    v !== null && typeof v === 'object' ? leaves(v as Record<string, unknown>, [...prefix, key]) : [[[...prefix, key], v] as [string[], unknown]],
  );
}

/** `{ a: { b: value } }` for path ['a', 'b']. */
const nest = (path: string[], value: unknown): Record<string, unknown> => path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value) as Record<string, unknown>;

/** Settings with every optional field set too, all valid. */
const FULL: Settings = parseSettings({
  ...DEFAULT_SETTINGS,
  provider: 'azure',
  url: 'wss://example.com/v1/realtime',
  azure: { endpoint: 'https://res.openai.azure.com', deployment: 'gpt-live-1', apiVersion: '2025-04-01-preview' },
  protocol: 'live',
  language: 'ja',
  voice: 'harema',
  transcriptionLanguage: 'ja',
  inputDevice: 'USB mic',
  outputDevice: 'Speakers',
});

describe('the settings patch schema, derived from the Settings schema', () => {
  it('accepts each field of the settings alone, at any depth, and returns exactly what was sent', () => {
    const paths = leaves(FULL);
    expect(paths.length).toBeGreaterThanOrEqual(Object.keys(SettingsSchema.shape).length);
    for (const [path, value] of paths) {
      const patch = nest(path, value);
      const parsed = SettingsPatchSchema.safeParse(patch);
      expect(parsed.success, path.join('.')).toBe(true);
      expect(parsed.data, path.join('.')).toStrictEqual(patch);
    }
  });

  it('fills in no default: a patch holds only what the user changed', () => {
    expect(SettingsPatchSchema.parse({})).toStrictEqual({});
    expect(SettingsPatchSchema.parse({ turnDetection: { mode: 'manual' } })).toStrictEqual({ turnDetection: { mode: 'manual' } });
    expect(SettingsPatchSchema.parse({ hotkeys: {} })).toStrictEqual({ hotkeys: {} });
    // Applied, the rest of the section is what was stored, not the defaults.
    const stored = applySettingsPatch(DEFAULT_SETTINGS, { turnDetection: { threshold: 0.8, silenceDurationMs: 900 } });
    const next = applySettingsPatch(stored, SettingsPatchSchema.parse({ turnDetection: { mode: 'manual' } }));
    expect(next.turnDetection).toEqual({ ...stored.turnDetection, mode: 'manual' });
  });

  it('lets the newer settings through without main naming them: protocol, language, transcription language, any voice of VOICES', () => {
    const patch = { protocol: 'live', language: 'ja', transcriptionLanguage: 'ja', voice: 'shida' };
    expect(SettingsPatchSchema.parse(patch)).toStrictEqual(patch);
    expect(applySettingsPatch(DEFAULT_SETTINGS, SettingsPatchSchema.parse(patch))).toMatchObject(patch);
  });

  it.each([
    ['an unknown key', { voice: 'cedar', nodeIntegration: true }],
    ['an unknown key in a section', { azure: { endpoint: 'https://x', exec: 'rm' } }],
    ['a voice of no protocol', { voice: 'HAL' }],
    ['a protocol that does not exist', { protocol: 'carrier-pigeon' }],
    ['a language Kaiwa does not speak', { language: 'fr' }],
    ['a wrong type', { echoCancellation: 'yes' }],
    ['a number as text', { turnDetection: { threshold: '0.5' } }],
    ['an infinite number', { interruption: { minSpeechMs: Infinity } }],
    ['a section that is not an object', { hotkeys: 'Alt+K' }],
    ['an oversize string with its own bound', { instructions: 'x'.repeat(8_001) }],
    ['an oversize string without one', { url: `wss://${'x'.repeat(FREE_TEXT_MAX)}` }],
    ['an oversize string with a format', { transcriptionLanguage: 'x'.repeat(FREE_TEXT_MAX + 1) }],
  ])('refuses %s at the door', (_what, patch) => {
    expect(SettingsPatchSchema.safeParse(patch).success).toBe(false);
  });

  it.each([
    ['a URL that is not ws://', { url: 'http://not-ws' }, /^url: /],
    ['a transcription language that is not a code', { transcriptionLanguage: 'Japanese' }, /^transcriptionLanguage: /],
    ['a threshold out of range', { turnDetection: { threshold: 3 } }, /^turnDetection\.threshold: /],
    ['an endpoint that is not a URL', { azure: { endpoint: 'my resource' } }, /^azure\.endpoint: /],
  ])('lets typed mistakes through (%s): the merged settings report them for the form', (_what, patch, error) => {
    expect(SettingsPatchSchema.parse(patch)).toStrictEqual(patch);
    expect(() => applySettingsPatch(DEFAULT_SETTINGS, patch as never)).toThrow(expect.objectContaining({ issues: [expect.stringMatching(error)] }));
  });

  it('an undefined value (clear an optional field) is accepted', () => {
    expect(SettingsPatchSchema.safeParse({ inputDevice: undefined }).success).toBe(true);
  });
});

describe('patchSchemaOf (the recursive helper)', () => {
  const schema = z.object({
    name: z.string().default('a'),
    count: z.number().int().min(1).max(5).default(3),
    mode: z.enum(['x', 'y']).default('x'),
    deep: z
      .object({ inner: z.object({ flag: z.boolean().default(false), code: z.string().regex(/^[a-z]+$/).optional() }).default({ flag: false }) })
      .default({ inner: { flag: false } }),
  });
  const patch = patchSchemaOf(schema);

  it('unwraps defaults at every level and makes every key optional', () => {
    expect(patch.parse({})).toStrictEqual({});
    expect(patch.parse({ deep: {} })).toStrictEqual({ deep: {} });
    expect(patch.parse({ deep: { inner: {} } })).toStrictEqual({ deep: { inner: {} } });
    expect(patch.parse({ deep: { inner: { flag: true } } })).toStrictEqual({ deep: { inner: { flag: true } } });
  });

  it('keeps types and closed lists, bounds strings, and leaves ranges and formats to the full schema', () => {
    expect(patch.safeParse({ mode: 'z' }).success).toBe(false);
    expect(patch.safeParse({ deep: { inner: { flag: 1 } } }).success).toBe(false);
    expect(patch.safeParse({ name: 'x'.repeat(FREE_TEXT_MAX + 1) }).success).toBe(false);
    expect(patch.safeParse({ deep: { inner: { extra: 1 } } }).success).toBe(false);
    expect(patch.parse({ count: 9.5 })).toStrictEqual({ count: 9.5 });
    expect(patch.parse({ deep: { inner: { code: 'ABC' } } })).toStrictEqual({ deep: { inner: { code: 'ABC' } } });
  });

  it('a field added to the schema is patchable at once', () => {
    const grown = patchSchemaOf(schema.extend({ colour: z.enum(['red', 'blue']).default('red') }));
    expect(grown.parse({ colour: 'blue' })).toStrictEqual({ colour: 'blue' });
    expect(grown.safeParse({ colour: 'green' }).success).toBe(false);
  });
});

describe('lists in a settings patch (MCP servers)', () => {
  const docs = { label: 'docs', url: 'https://docs.example.com/mcp', requireApproval: 'never' as const, headerNames: ['Authorization'] };

  it('a whole list of servers passes the door and replaces the stored one', () => {
    const patch = { tools: { mcpServers: [docs] } };
    expect(SettingsPatchSchema.parse(patch)).toStrictEqual(patch);
    expect(applySettingsPatch(DEFAULT_SETTINGS, patch).tools).toEqual({ ...DEFAULT_SETTINGS.tools, mcpServers: [docs] });
  });

  it('what a person mistypes in a server (label, address) comes back as a problem under its field, not a refusal at the door', () => {
    const patch = { tools: { mcpServers: [{ ...docs, label: 'my docs', url: 'ftp://docs' }] } };
    expect(SettingsPatchSchema.safeParse(patch).success).toBe(true);
    expect(() => applySettingsPatch(DEFAULT_SETTINGS, patch)).toThrow(/tools\.mcpServers\.0\.label.*tools\.mcpServers\.0\.url|tools\.mcpServers\.0\.url.*tools\.mcpServers\.0\.label/s);
  });

  it('what the form cannot send is refused at the door: an unknown key in a server, a list past its bound, an oversize text', () => {
    expect(SettingsPatchSchema.safeParse({ tools: { mcpServers: [{ ...docs, headers: { Authorization: 'x' } }] } }).success).toBe(false);
    expect(SettingsPatchSchema.safeParse({ tools: { mcpServers: Array.from({ length: 17 }, () => docs) } }).success).toBe(false);
    expect(SettingsPatchSchema.safeParse({ tools: { off: ['x'.repeat(65)] } }).success).toBe(false);
    expect(SettingsPatchSchema.safeParse({ tools: { mcpServers: [{ ...docs, url: `https://${'x'.repeat(FREE_TEXT_MAX)}` }] } }).success).toBe(false);
  });
});
