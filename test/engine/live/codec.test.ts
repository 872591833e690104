import { describe, expect, it } from 'vitest';
import { decodeLiveServer } from '../../../src/engine/live/codec';

describe('decodeLiveServer', () => {
  it('passes the events Kaiwa reads, with their fields', () => {
    const delta = decodeLiveServer(JSON.stringify({ type: 'session.output_audio.delta', delta: 'AAAA' }));
    expect(delta).toEqual({ ok: true, event: { type: 'session.output_audio.delta', delta: 'AAAA' } });
    const closed = decodeLiveServer({
      type: 'session.closed',
      event_id: 'e',
      reason: 'expired',
      session: { id: 's', expires_at: 0, model: 'gpt-live-1', status: 'active' },
      usage: { seconds: 12.5 },
    });
    expect(closed.ok).toBe(true);
  });

  it('bad JSON, a missing type, or a field of the wrong shape: one error each, never a throw', () => {
    const bad = [
      '{not json',
      '[1,2]',
      JSON.stringify({ delta: 'x' }),
      JSON.stringify({ type: 'session.output_audio.delta', delta: 42 }),
      JSON.stringify({ type: 'session.input_transcript.delta', delta: 'hi', start_ms: 'soon' }),
      JSON.stringify({ type: 'session.usage.updated', event_id: 'e', usage: {} }),
      JSON.stringify({ type: 'session.started', event_id: 'e', session: {} }),
      JSON.stringify({ type: 'error', event_id: 'e', error: 'boom' }),
      JSON.stringify({ type: 'info', event_id: 'e', code: 'x' }),
    ];
    for (const text of bad) {
      const result = decodeLiveServer(text);
      expect(result.ok, text).toBe(false);
      if (result.ok === false) {
        expect(result.error.length).toBeGreaterThan(0);
        // People read it in their language: every failure carries a catalogue key.
        expect(result.said?.key, text).toMatch(/^protocol\./);
      }
    }
  });

  it('names the field and what was expected, by key: missing vs of the wrong kind', () => {
    const wrong = decodeLiveServer(JSON.stringify({ type: 'session.output_audio.delta', delta: 42 }));
    expect(wrong.ok === false && wrong.said).toEqual({
      key: 'protocol.fieldInvalid',
      params: { event: 'session.output_audio.delta', field: 'delta', expected: 'string' },
    });
    const missing = decodeLiveServer(JSON.stringify({ type: 'session.usage.updated', event_id: 'e', usage: {} }));
    expect(missing.ok === false && missing.said).toEqual({
      key: 'protocol.fieldMissing',
      params: { event: 'session.usage.updated', field: 'usage.seconds' },
    });
  });

  it('a well-formed event of a type the Live protocol does not have is ignored, not an error', () => {
    expect(decodeLiveServer(JSON.stringify({ type: 'response.output_audio.delta', delta: '' }))).toEqual({ ok: 'unknown', type: 'response.output_audio.delta' });
  });
});
