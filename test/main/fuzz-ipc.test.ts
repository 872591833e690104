import fc from 'fast-check';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { BrowserWindow } from 'electron';
import { INVOKE_CHANNELS, type InvokeChannel } from '../../src/shared/ipc';
import { DIALECTS, INTERRUPTION_MODES, PROTOCOLS, PROVIDERS, TURN_DETECTION_MODES, UI_LANGUAGES, VOICES } from '../../src/engine/settings';
import * as mock from '../mocks/electron';
import { IpcRejection, registerIpcHandlers } from '../../src/main/ipc';
import { INVOKE_SCHEMAS, describeIssues } from '../../src/main/ipc-schemas';
import { isAppUrl, rendererIndexPath } from '../../src/main/paths';

vi.mock('electron', () => import('../mocks/electron'));

/**
 * Fuzzing the IPC payload validators: whatever a compromised or buggy renderer sends, validation
 * never throws, every bad payload is rejected exactly once (one IpcRejection, one log line, handler
 * not called), good payloads reach the handler as sent, and no message echoes a rejected value.
 */

const RUNS = 1000;
const channels = fc.constantFrom(...INVOKE_CHANNELS);

/** Values that survive structured clone (what Electron IPC can carry). */
const cloneable = fc.anything({ maxDepth: 3 }).filter((v) => {
  try {
    structuredClone(v);
    return true;
  } catch {
    return false;
  }
});

const hostile = fc.oneof(
  cloneable,
  fc.constantFrom(
    JSON.parse('{"__proto__":{"polluted":true}}') as unknown,
    { constructor: { prototype: { polluted: true } } },
    { voice: 'cedar', toString: 'x' },
    'x'.repeat(100_000),
    -0,
    NaN,
    Infinity,
    new Date(0),
    new Uint8Array(4),
    new Map([['voice', 'cedar']]),
  ),
);

/** A valid settings patch: any subset of fields, each with a value its schema accepts. */
const validPatch = fc.record(
  {
    provider: fc.constantFrom(...PROVIDERS),
    url: fc.string({ maxLength: 100 }),
    dialect: fc.constantFrom(...DIALECTS),
    protocol: fc.constantFrom(...PROTOCOLS),
    language: fc.constantFrom(...UI_LANGUAGES),
    transcriptionLanguage: fc.string({ maxLength: 8 }),
    model: fc.stringMatching(/^[a-z0-9][a-z0-9.-]{0,30}$/),
    azure: fc.record({ endpoint: fc.webUrl(), deployment: fc.constantFrom('gpt-realtime', 'dep1') }, { requiredKeys: [] }),
    voice: fc.constantFrom(...VOICES),
    instructions: fc.string({ maxLength: 200 }),
    turnDetection: fc.record(
      {
        mode: fc.constantFrom(...TURN_DETECTION_MODES),
        threshold: fc.double({ noNaN: true, noDefaultInfinity: true }),
        silenceDurationMs: fc.integer(),
        eagerness: fc.constantFrom('low', 'medium', 'high', 'auto'),
      },
      { requiredKeys: [] },
    ),
    interruption: fc.record({ mode: fc.constantFrom(...INTERRUPTION_MODES), minSpeechMs: fc.integer() }, { requiredKeys: [] }),
    echoCancellation: fc.boolean(),
    hotkeys: fc.record({ talk: fc.constantFrom('Alt+K', 'CommandOrControl+Shift+Space') }, { requiredKeys: [] }),
    startAtLogin: fc.boolean(),
    tools: fc.record(
      {
        enabled: fc.boolean(),
        off: fc.array(fc.constantFrom('get_time', 'read_clipboard', 'notify'), { maxLength: 3 }),
        alwaysAllow: fc.array(fc.stringMatching(/^[a-z_/]{1,30}$/), { maxLength: 3 }),
        mcpServers: fc.array(
          fc.record(
            {
              label: fc.string({ maxLength: 70 }),
              url: fc.string({ maxLength: 100 }),
              allowedTools: fc.array(fc.stringMatching(/^[a-z_]{1,20}$/), { maxLength: 3 }),
              requireApproval: fc.constantFrom('always', 'never'),
              headerNames: fc.array(fc.stringMatching(/^[A-Za-z-]{1,20}$/), { maxLength: 3 }),
            },
            { requiredKeys: [] },
          ),
          { maxLength: 3 },
        ),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: [] },
);

const validArgs: Record<InvokeChannel, fc.Arbitrary<unknown[]>> = {
  'assistant:start': fc.constant([]),
  'assistant:stop': fc.constant([]),
  'assistant:toggle': fc.constant([]),
  'assistant:interrupt': fc.constant([]),
  'assistant:talk-start': fc.constant([]),
  'assistant:talk-stop': fc.constant([]),
  'assistant:set-muted': fc.tuple(fc.boolean()),
  'assistant:get-state': fc.constant([]),
  'settings:get': fc.constant([]),
  'settings:update': fc.tuple(validPatch),
  'settings:set-api-key': fc.tuple(fc.oneof(fc.constant(null), fc.stringMatching(/^[\x21-\x7e]{8,200}$/))),
  'devices:list': fc.constant([]),
  'conversations:list': fc.constant([]),
  'conversations:open': fc.tuple(fc.stringMatching(/^[A-Za-z0-9_-]{1,80}$/)),
  'window:hide': fc.constant([]),
  'serve:reveal-token': fc.constant([]),
  'serve:copy-token': fc.constant([]),
  'serve:new-token': fc.constant([]),
  'consent:answer': fc.tuple(fc.stringMatching(/^[\x21-\x7e]{1,200}$/), fc.constantFrom('allow', 'allow-always', 'deny')),
  'settings:set-mcp-header': fc.tuple(
    fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
    fc.stringMatching(/^[A-Za-z0-9-]{1,128}$/),
    fc.oneof(fc.constant(null), fc.stringMatching(/^[^\r\n\0]{1,200}$/)),
  ),
  'assistant:send-text': fc.tuple(fc.string({ maxLength: 500 })),
  'picture:show': fc.tuple(
    fc.record(
      {
        data: fc.uint8Array({ minLength: 1, maxLength: 64 }),
        source: fc.constantFrom('paste', 'drop'),
        name: fc.stringMatching(/^[A-Za-z0-9 ._-]{1,40}$/),
      },
      { requiredKeys: ['data', 'source'] },
    ),
  ),
  'share:sources': fc.constant([]),
  'share:start': fc.tuple(fc.stringMatching(/^(screen|window):[0-9]{1,8}:[0-9]$/)),
  'share:stop': fc.constant([]),
  'share:look': fc.constant([]),
  'updates:get': fc.constant([]),
  'updates:check': fc.constant([]),
  'updates:restart': fc.constant([]),
  'updates:open-download': fc.constant([]),
  'azure:sign-in': fc.constant([]),
};

describe('fuzz: IPC schemas', () => {
  it('never throw on arbitrary arguments, and describe every rejection in bounded lines', () => {
    fc.assert(
      fc.property(channels, fc.array(hostile, { maxLength: 3 }), (channel, args) => {
        const result = INVOKE_SCHEMAS[channel].safeParse(args);
        if (!result.success) {
          const lines = describeIssues(result.error);
          expect(lines.length).toBeGreaterThan(0);
          for (const line of lines) expect(line.length).toBeLessThan(1_000);
        }
      }),
      { numRuns: RUNS * 3 },
    );
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('accept every valid payload unchanged', () => {
    for (const channel of INVOKE_CHANNELS) {
      fc.assert(
        fc.property(validArgs[channel], (args) => {
          const result = INVOKE_SCHEMAS[channel].safeParse(args);
          expect(result.success, `${channel} ${JSON.stringify(args)}`).toBe(true);
          expect(result.data).toEqual(args);
        }),
        { numRuns: 100 },
      );
    }
  });

  it('reject a valid patch with one foreign key, nested or not', () => {
    fc.assert(
      fc.property(validPatch, fc.string({ minLength: 1, maxLength: 12 }), fc.anything(), fc.boolean(), (patch, key, value, nested) => {
        const known = new Set(['provider', 'url', 'dialect', 'protocol', 'language', 'transcriptionLanguage', 'model', 'azure', 'voice', 'instructions', 'turnDetection', 'interruption', 'transcriptionModel', 'inputDevice', 'outputDevice', 'echoCancellation', 'hotkeys', 'startAtLogin', 'endpoint', 'deployment', 'apiVersion', 'talk', 'interrupt']);
        fc.pre(!known.has(key) && key !== '__proto__');
        const bad = nested ? { ...patch, hotkeys: { ...(patch.hotkeys ?? {}), [key]: value } } : { ...patch, [key]: value };
        expect(INVOKE_SCHEMAS['settings:update'].safeParse([bad]).success).toBe(false);
      }),
      { numRuns: RUNS },
    );
  });

  it('never echo a rejected MCP header value', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 8, maxLength: 60 }), fc.constantFrom('\r', '\n', '\u0000'), fc.nat(), (value, bad, at) => {
        const secret = `Bearer ${value.slice(0, at % (value.length + 1))}${bad}${value.slice(at % (value.length + 1))}`;
        const result = INVOKE_SCHEMAS['settings:set-mcp-header'].safeParse(['server', 'Authorization', secret]);
        expect(result.success).toBe(false);
        if (!result.success) {
          const text = describeIssues(result.error).join('\n');
          expect(text).not.toContain(secret);
          if (value.trim().length >= 4) expect(text).not.toContain(value.trim());
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('never echo a rejected API key', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 8, maxLength: 60 }), fc.constantFrom(' ', '\n', '\t', '\u00e9', '\u0000'), fc.nat(), (key, bad, at) => {
        const secret = `sk-${key.slice(0, at % (key.length + 1))}${bad}${key.slice(at % (key.length + 1))}`;
        const result = INVOKE_SCHEMAS['settings:set-api-key'].safeParse([secret]);
        expect(result.success).toBe(false);
        if (!result.success) {
          const text = describeIssues(result.error).join('\n');
          expect(text).not.toContain(secret);
          if (key.trim().length >= 4) expect(text).not.toContain(key.trim());
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe('fuzz: IPC through the validated handlers', () => {
  let ours: InstanceType<typeof mock.BrowserWindow>;
  let calls: { channel: string; args: unknown[] }[];
  let logLines: string[];

  beforeEach(async () => {
    mock.resetElectronMock();
    ours = new mock.BrowserWindow({});
    await ours.loadFile(rendererIndexPath());
    calls = [];
    logLines = [];
    const handlers = Object.fromEntries(
      INVOKE_CHANNELS.map((channel) => [channel, (_origin: unknown, ...args: unknown[]) => void calls.push({ channel, args })]),
    );
    registerIpcHandlers(
      handlers as unknown as Parameters<typeof registerIpcHandlers>[0],
      { windows: () => [ours as unknown as BrowserWindow], isAppUrl: (url) => isAppUrl(url, undefined) },
      (line) => logLines.push(line),
    );
  });

  it('bad payloads: one IpcRejection and one log line each, handler never called; good ones get through', async () => {
    let rejected = 0;
    let served = 0;
    await fc.assert(
      fc.asyncProperty(channels, fc.oneof(fc.array(hostile, { maxLength: 3 }), channels.chain((c) => validArgs[c])), async (channel, args) => {
        const valid = INVOKE_SCHEMAS[channel].safeParse(args).success;
        const before = { calls: calls.length, logs: logLines.length };
        const outcome = await mock.ipcMain.invoke(channel, { webContents: ours.webContents }, ...args).then(
          () => 'served' as const,
          (error: unknown) => error,
        );
        if (valid) {
          expect(outcome).toBe('served');
          expect(calls.length).toBe(before.calls + 1);
          expect(logLines.length).toBe(before.logs);
          served++;
        } else {
          expect(outcome).toBeInstanceOf(IpcRejection);
          expect((outcome as Error).message).toMatch(new RegExp(`^${channel}: invalid arguments: `));
          expect(calls.length).toBe(before.calls);
          expect(logLines.length).toBe(before.logs + 1);
          rejected++;
        }
      }),
      { numRuns: RUNS },
    );
    expect(rejected).toBeGreaterThan(RUNS / 4);
    expect(served).toBeGreaterThan(RUNS / 10);
  });
});
