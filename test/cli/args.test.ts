import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseFlags, usage, UsageError } from '../../src/cli/args';
import { SETTING_FLAGS, deriveFlags } from '../../src/cli/setting-flags';
import { DEFAULT_SETTINGS, SettingsSchema } from '../../src/engine/settings';
import { CATALOGUES, createI18n, isMessageKey } from '../../src/shared/i18n';

describe('CLI flags and environment', () => {
  it('defaults to the built-in simulator when there is no key and no provider or URL', () => {
    const flags = parseFlags([], {});
    expect(flags.settings.provider).toBe('local');
    expect(flags.startSimulator).toBe(true);
    expect(flags.credentials).toEqual({});
  });

  it('takes OPENAI_API_KEY as the OpenAI provider, and the Azure trio as Azure', () => {
    const openai = parseFlags([], { OPENAI_API_KEY: 'sk-1' });
    expect(openai.settings.provider).toBe('openai');
    expect(openai.credentials.apiKey).toBe('sk-1');
    expect(openai.startSimulator).toBe(false);
    const azure = parseFlags([], { AZURE_OPENAI_API_KEY: 'az', AZURE_OPENAI_ENDPOINT: 'https://r.openai.azure.com', AZURE_OPENAI_DEPLOYMENT: 'dep' });
    expect(azure.settings).toMatchObject({ provider: 'azure', azure: { endpoint: 'https://r.openai.azure.com', deployment: 'dep' } });
    expect(azure.credentials.apiKey).toBe('az');
  });

  it('lets flags win over the environment', () => {
    const local = parseFlags(['--provider', 'local'], { OPENAI_API_KEY: 'sk-1' });
    expect(local.settings.provider).toBe('local');
    expect(local.startSimulator).toBe(true);
    const custom = parseFlags(['--url', 'ws://127.0.0.1:9000/v1/realtime'], { OPENAI_API_KEY: 'sk-1' });
    expect(custom.settings).toMatchObject({ provider: 'custom', url: 'ws://127.0.0.1:9000/v1/realtime' });
    expect(custom.credentials.apiKey).toBe('sk-1');
  });

  it('uses --provider local with --url as an external simulator, not a custom endpoint', () => {
    const flags = parseFlags(['--provider', 'local', '--url', 'ws://127.0.0.1:8765'], {});
    expect(flags.settings.provider).toBe('local');
    expect(flags.localUrl).toBe('ws://127.0.0.1:8765');
    expect(flags.startSimulator).toBe(false);
  });

  it('maps every setting flag', () => {
    const flags = parseFlags(
      ['--dialect', 'beta', '--model', 'gpt-4o-realtime-preview', '--voice', 'cedar', '--instructions', 'Hi.', '--turn-detection', 'semantic_vad', '--input', 'a.wav', '--output', 'b.wav', '--transcript', 'c.jsonl', '--duration', '2.5'],
      {},
    );
    expect(flags.settings).toMatchObject({ dialect: 'beta', model: 'gpt-4o-realtime-preview', voice: 'cedar', instructions: 'Hi.', turnDetection: { mode: 'semantic_vad' } });
    expect(flags).toMatchObject({ input: 'a.wav', output: 'b.wav', transcript: 'c.jsonl', durationMs: 2500, help: false });
  });

  it('makes every setting a flag, except the desktop-only ones, each with help in every language', () => {
    const leaves = (value: object, prefix: string[] = []): string[][] =>
      Object.entries(value).flatMap(([key, v]) =>
        v && typeof v === 'object' && !Array.isArray(v) ? leaves(v as object, [...prefix, key]) : [[...prefix, key]],
      );
    const desktopOnly = ['hotkeys.talk', 'hotkeys.interrupt', 'hotkeys.holdToTalk', 'hotkeys.mediaKey', 'hotkeys.look', 'pictures.keepOriginals', 'pictures.lookTarget', 'startAtLogin', 'serve.enabled', 'tools.off', 'tools.alwaysAllow', 'tools.mcpServers', 'updates.enabled', 'updates.channel'];
    // Optional fields are absent from the defaults; these are the ones today's schema has.
    const optional = ['url', 'azure.endpoint', 'azure.deployment', 'azure.apiVersion', 'transcriptionLanguage', 'inputDevice', 'outputDevice', 'spendingCapUsd'];
    const settings = [...leaves(DEFAULT_SETTINGS).map((p) => p.join('.')), ...optional].filter((p) => !desktopOnly.includes(p));
    expect(SETTING_FLAGS.map((f) => f.path.join('.')).sort()).toEqual(settings.sort());
    for (const flag of SETTING_FLAGS) {
      expect(isMessageKey(flag.helpKey), flag.helpKey).toBe(true);
      for (const catalogue of Object.values(CATALOGUES)) expect((catalogue as Record<string, string>)[flag.helpKey]).toBeTruthy();
    }
    const help = usage(createI18n('en').t);
    for (const flag of SETTING_FLAGS) expect(help).toContain(`--${flag.name} `);
  });

  it('derives a flag for a setting added to the schema, named after its path, typed by it', () => {
    const extended = SettingsSchema.extend({ replyVolume: z.number().min(0).max(1).default(1) });
    expect(deriveFlags(extended).find((f) => f.name === 'reply-volume')).toMatchObject({ path: ['replyVolume'], kind: 'number', helpKey: 'cli.flag.reply-volume' });
  });

  it('maps the settings the terminal could not reach before', () => {
    const flags = parseFlags(
      ['--echo-cancellation', 'on', '--interruption', 'pause-then-decide', '--vad-threshold', '0.6', '--silence-ms', '700', '--prefix-padding-ms', '200',
        '--transcription-model', 'whisper-1', '--transcription-language', 'ja', '--protocol', 'live', '--language', 'ja', '--min-speech-ms', '600', '--eagerness', 'low'],
      {},
    );
    expect(flags.settings).toMatchObject({
      echoCancellation: true,
      interruption: { mode: 'pause-then-decide', minSpeechMs: 600 },
      turnDetection: { mode: 'server_vad', threshold: 0.6, silenceDurationMs: 700, prefixPaddingMs: 200, eagerness: 'low' },
      transcriptionModel: 'whisper-1',
      transcriptionLanguage: 'ja',
      protocol: 'live',
      language: 'ja',
    });
    expect(parseFlags(['--echo-cancellation', 'off'], {}).settings.echoCancellation).toBe(false);
  });

  it('takes --text and --image, each repeatable and kept in order; the help names them and the typing key', () => {
    const flags = parseFlags(['--text', '東京の天気は？', '--image', 'a.png', '--text', 'And tomorrow?', '--image', 'b.jpg'], {});
    expect(flags.texts).toEqual(['東京の天気は？', 'And tomorrow?']);
    expect(flags.images).toEqual(['a.png', 'b.jpg']);
    expect(parseFlags(['--input', 'q.wav', '--image', 'a.png'], {})).toMatchObject({ input: 'q.wav', images: ['a.png'], texts: [] });
    for (const [language, key] of [['en', 'Enter'], ['ja', 'Enter']] as const) {
      const help = usage(createI18n(language).t);
      expect(help).toMatch(/--text WORDS/);
      expect(help).toMatch(/--image FILE/);
      expect(help).toContain(key);
      expect(help).toContain('/image');
    }
  });

  it('passes the device flags on as settings and device choices', () => {
    const flags = parseFlags(['--input-device', 'default', '--output-device', 'USB'], {});
    expect(flags).toMatchObject({ inputDevice: 'default', outputDevice: 'USB', settings: { inputDevice: 'default', outputDevice: 'USB' } });
  });

  it.each([
    [['--vad-threshold', '2'], /^--vad-threshold must be at most 1 \(got '2'\)$/],
    [['--silence-ms', 'soon'], /--silence-ms must be a number \(got 'soon'\)/],
    [['--silence-ms', '700.5'], /^--silence-ms must be a whole number \(got '700.5'\)$/],
    [['--echo-cancellation', 'maybe'], /--echo-cancellation must be on or off/],
    [['--interruption', 'never'], /--interruption must be one of immediate, pause-then-decide/],
    [['--transcription-language', 'Japanese'], /--transcription-language must be an ISO-639-1 language code/],
    [['--input', 'a.wav', '--input-device', 'default'], /use --input or --input-device, not both/],
  ])('rejects the setting flags %j with one readable line', (argv, message) => {
    expect(() => parseFlags(argv, {})).toThrow(message);
  });

  it.each([
    [['--nope'], /^unknown flag --nope \(see --help\)$/],
    [['--voice', 'robot'], /--voice must be one of .*'robot'/],
    [['--turn-detection', 'psychic'], /--turn-detection must be one of/],
    [['--provider', 'acme'], /--provider must be one of openai, azure, local/],
    [['--duration=-1'], /--duration must be a positive number/],
    [['--duration', '-1'], /--duration: a value starting with '-' is written --duration=VALUE/],
    [['--duration', 'soon'], /--duration must be a positive number/],
    [['--url', 'http://example.com'], /--url must be a ws:\/\/ or wss:\/\/ URL/],
    [['stray'], /^unexpected argument stray /],
    [['--text', 'hi', '--input', 'q.wav'], /^use --text or --input, not both/],
    [['--text', '  '], /^--text needs a value/],
    [['--image'], /^--image needs a value/],
  ])('rejects %j with one readable line', (argv, message) => {
    let error: unknown;
    try {
      parseFlags(argv, {});
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });
});
