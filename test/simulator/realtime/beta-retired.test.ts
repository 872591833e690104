import { describe, expect, it } from 'vitest';
import { useSimulator } from './helpers';

const { start, open, connect } = useSimulator();

describe('Realtime beta retirement mode', () => {
  it('answers the beta shape as OpenAI does since 2026-05-12: beta_api_shape_disabled, then close code 4000', async () => {
    await start({ retireBeta: true });
    for (const options of [{ dialect: 'beta' as const }, { path: '/openai/realtime?api-version=2024-10-01-preview&deployment=gpt-4o-realtime-preview' }]) {
      const client = await open(options);
      const { code, reason } = await client.closed;
      expect(code).toBe(4000);
      expect(reason).toBe('beta_api_shape_disabled');
      expect(client.types()).toEqual(['error']);
      expect(client.received[0]!.event.error).toEqual({
        type: 'invalid_request_error',
        code: 'beta_api_shape_disabled',
        message: 'The Realtime Beta API is no longer supported. Please use /v1/realtime for the GA API.',
        param: null,
        event_id: null,
      });
    }
    // GA is served as ever.
    const ga = await connect();
    expect(ga.types()).toEqual(['session.created']);
  });

  it('serves the beta dialect when the mode is off (the default)', async () => {
    await start();
    const client = await connect({ dialect: 'beta' });
    expect(client.types()).toEqual(['session.created']);
  });
});
