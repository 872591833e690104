import { describe, expect, it } from 'vitest';
import { parseFlags, UsageError } from '../../src/cli/args';

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

  it.each([
    [['--nope'], /Unknown option '--nope'/],
    [['--voice', 'robot'], /--voice must be one of .*'robot'/],
    [['--turn-detection', 'psychic'], /--turn-detection must be one of/],
    [['--provider', 'acme'], /--provider must be one of openai, azure, local/],
    [['--duration=-1'], /--duration must be a positive number/],
    [['--duration', '-1'], /'--duration' argument is ambiguous/],
    [['--duration', 'soon'], /--duration must be a positive number/],
    [['--url', 'http://example.com'], /--url must be a ws:\/\/ or wss:\/\/ URL/],
    [['stray'], /Unexpected argument 'stray'/],
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
