import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RealtimeClientEvent, RealtimeServerEvent, RealtimeSessionCreateRequest } from 'openai/resources/realtime/realtime';
import { betaDialect, gaDialect, getDialect, type DialectName } from '../../../src/engine/realtime/dialects';
import { specValidator } from '../../../src/simulator/realtime/spec/validator';

const engineSession: { type: 'session.update'; session: RealtimeSessionCreateRequest } = {
  type: 'session.update',
  session: {
    type: 'realtime',
    instructions: 'Be brief.',
    output_modalities: ['audio'],
    audio: {
      input: {
        format: { type: 'audio/pcm', rate: 24000 },
        transcription: { model: 'gpt-4o-mini-transcribe' },
        noise_reduction: { type: 'near_field' },
        turn_detection: { type: 'server_vad', threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 500, create_response: true, interrupt_response: true },
      },
      output: { format: { type: 'audio/pcm', rate: 24000 }, voice: 'marin', speed: 1.1 },
    },
    max_output_tokens: 'inf',
    tracing: 'auto',
    tools: [],
    tool_choice: 'auto',
  },
};

describe('getDialect', () => {
  it('returns each dialect by name and rejects others', () => {
    expect(getDialect('ga')).toBe(gaDialect);
    expect(getDialect('beta')).toBe(betaDialect);
    expect(() => getDialect('v2' as DialectName)).toThrow(/Unknown Realtime dialect 'v2'/);
  });

  it('asks for the beta header only in beta', () => {
    expect(gaDialect.handshakeHeaders).toEqual({});
    expect(betaDialect.handshakeHeaders).toEqual({ 'OpenAI-Beta': 'realtime=v1' });
  });
});

describe('session.update translation', () => {
  it('flattens the GA audio block into beta fields (speed as the beta types of the openai package name it) and drops what beta has no field for', () => {
    const wire = betaDialect.encodeClient(engineSession);
    expect(wire).toEqual({
      type: 'session.update',
      session: {
        instructions: 'Be brief.',
        modalities: ['text', 'audio'],
        input_audio_format: 'pcm16',
        input_audio_transcription: { model: 'gpt-4o-mini-transcribe' },
        input_audio_noise_reduction: { type: 'near_field' },
        turn_detection: { type: 'server_vad', threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 500, create_response: true, interrupt_response: true },
        output_audio_format: 'pcm16',
        voice: 'marin',
        speed: 1.1,
        max_response_output_tokens: 'inf',
        tools: [],
        tool_choice: 'auto',
      },
    });
    expect(specValidator('beta').validate('client', wire)).toEqual({ ok: true });
    expect(engineSession.session.audio?.output?.speed).toBe(1.1); // the input is not modified
  });

  it('decodes the beta form back to GA (less tracing) and it validates against GA', () => {
    const back = betaDialect.decodeClient(JSON.stringify(betaDialect.encodeClient(engineSession)));
    if (back.ok !== true) throw new Error(JSON.stringify(back));
    const { tracing: _tracing, ...session } = engineSession.session;
    expect(back.event).toEqual({ type: 'session.update', session });
    expect(specValidator('ga').validate('client', back.event)).toEqual({ ok: true });
  });

  it('GA sends the engine session unchanged, and it validates', () => {
    expect(gaDialect.encodeClient(engineSession)).toBe(engineSession);
    expect(specValidator('ga').validate('client', engineSession)).toEqual({ ok: true });
  });

  it('maps text-only output and manual turn taking', () => {
    const wire = betaDialect.encodeClient({
      type: 'session.update',
      session: { type: 'realtime', output_modalities: ['text'], audio: { input: { turn_detection: null } } },
    });
    expect(wire).toEqual({ type: 'session.update', session: { modalities: ['text'], turn_detection: null } });
  });

  it('maps G.711 formats both ways', () => {
    const wire = betaDialect.encodeClient({
      type: 'session.update',
      session: { type: 'realtime', audio: { input: { format: { type: 'audio/pcmu' } }, output: { format: { type: 'audio/pcma' } } } },
    });
    expect(wire.session).toEqual({ input_audio_format: 'g711_ulaw', output_audio_format: 'g711_alaw' });
    const back = betaDialect.decodeClient(wire);
    expect(back.ok === true && back.event).toEqual({
      type: 'session.update',
      session: { type: 'realtime', audio: { input: { format: { type: 'audio/pcmu' } }, output: { format: { type: 'audio/pcma' } } } },
    });
  });

  it('semantic VAD passes through with its eagerness', () => {
    const turn = { type: 'semantic_vad' as const, eagerness: 'high' as const };
    const wire = betaDialect.encodeClient({ type: 'session.update', session: { type: 'realtime', audio: { input: { turn_detection: turn } } } });
    expect(wire.session).toEqual({ turn_detection: turn });
    expect(specValidator('beta').validate('client', wire)).toEqual({ ok: true });
  });

  it('refuses what beta cannot express, with a clear message', () => {
    const at16k = { type: 'session.update', session: { type: 'realtime', audio: { input: { format: { type: 'audio/pcm', rate: 16000 } } } } };
    expect(() => betaDialect.encodeClient(at16k as RealtimeClientEvent)).toThrow('The beta Realtime protocol supports PCM at 24000 Hz only, not 16000 Hz.');
    const transcription = { type: 'session.update', session: { type: 'transcription' } };
    expect(() => betaDialect.encodeClient(transcription as RealtimeClientEvent)).toThrow(/'transcription' are not supported by the beta/);
    expect(() => betaDialect.encodeClient({ type: 'output_audio_buffer.clear' })).toThrow(
      "'output_audio_buffer.clear' cannot be sent over the beta Realtime protocol.",
    );
  });
});

describe('client events', () => {
  it('renames assistant content parts and refuses image input for beta', () => {
    const wire = betaDialect.encodeClient({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Hi.' }] },
    });
    expect(wire).toEqual({ type: 'conversation.item.create', item: { type: 'message', role: 'assistant', content: [{ type: 'text', text: 'Hi.' }] } });
    expect(specValidator('beta').validate('client', wire)).toEqual({ ok: true });
    expect(() =>
      betaDialect.encodeClient({
        type: 'conversation.item.create',
        item: { type: 'message', role: 'user', content: [{ type: 'input_image', image_url: 'data:image/png;base64,AA' }] },
      }),
    ).toThrow("Content of type 'input_image' is not supported by the beta Realtime protocol.");
  });

  it('translates response.create parameters', () => {
    const wire = betaDialect.encodeClient({
      type: 'response.create',
      response: {
        conversation: 'none',
        output_modalities: ['text'],
        max_output_tokens: 200,
        audio: { output: { voice: 'sage', format: { type: 'audio/pcm' } } },
        instructions: 'Summarise.',
      },
    });
    expect(wire).toEqual({
      type: 'response.create',
      response: { conversation: 'none', modalities: ['text'], max_response_output_tokens: 200, voice: 'sage', output_audio_format: 'pcm16', instructions: 'Summarise.' },
    });
    expect(specValidator('beta').validate('client', wire)).toEqual({ ok: true });
  });

  it("the validator accepts response.create's documented conversation values", () => {
    for (const dialect of ['ga', 'beta'] as const) {
      for (const conversation of ['auto', 'none', 'conv_123']) {
        expect(specValidator(dialect).validate('client', { type: 'response.create', response: { conversation } })).toEqual({ ok: true });
      }
    }
  });

  it('the audio append is passed on as is in both dialects (no copy on the hot path)', () => {
    const append = { type: 'input_audio_buffer.append' as const, audio: 'AAAA' };
    expect(gaDialect.encodeClient(append)).toBe(append);
    expect(betaDialect.encodeClient(append)).toBe(append);
  });

  it('decodeClient reports missing fields the simulator depends on', () => {
    for (const dialect of [gaDialect, betaDialect]) {
      expect(dialect.decodeClient('{"type":"input_audio_buffer.append"}')).toMatchObject({
        ok: false,
        error: "'input_audio_buffer.append' is missing 'audio'.",
      });
      expect(dialect.decodeClient({ type: 'conversation.item.truncate', item_id: 'i', content_index: 0, audio_end_ms: '5' })).toMatchObject({
        ok: false,
        error: "'conversation.item.truncate' has an invalid 'audio_end_ms': expected a number.",
      });
    }
  });
});

describe('server events', () => {
  it('renames beta audio, transcript and text events to GA and back, sharing the payload string', () => {
    const pairs = [
      ['response.audio.delta', 'response.output_audio.delta', { delta: 'QUFBQQ==' }],
      ['response.audio.done', 'response.output_audio.done', {}],
      ['response.audio_transcript.delta', 'response.output_audio_transcript.delta', { delta: 'Hel' }],
      ['response.audio_transcript.done', 'response.output_audio_transcript.done', { transcript: 'Hello' }],
      ['response.text.delta', 'response.output_text.delta', { delta: 'Hel' }],
      ['response.text.done', 'response.output_text.done', { text: 'Hello' }],
    ] as const;
    for (const [beta, ga, extra] of pairs) {
      const wire = { type: beta, event_id: 'e1', response_id: 'r1', item_id: 'i1', output_index: 0, content_index: 0, ...extra };
      const decoded = betaDialect.decodeServer(wire);
      expect(decoded).toEqual({ ok: true, event: { ...wire, type: ga } });
      if (decoded.ok === true && 'delta' in wire) expect((decoded.event as { delta: string }).delta).toBe(wire.delta);
      expect(wire.type).toBe(beta); // the caller's object is not modified
      expect(betaDialect.encodeServer(decoded.ok === true ? decoded.event : (null as never))).toEqual(wire);
    }
  });

  it('beta conversation.item.created is GA conversation.item.added; both GA names encode to it', () => {
    const item = { id: 'msg_1', object: 'realtime.item', type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'audio', transcript: 'Hi' }] };
    const decoded = betaDialect.decodeServer({ type: 'conversation.item.created', event_id: 'e', previous_item_id: 'p', item });
    expect(decoded).toEqual({
      ok: true,
      event: { type: 'conversation.item.added', event_id: 'e', previous_item_id: 'p', item: { ...item, content: [{ type: 'output_audio', transcript: 'Hi' }] } },
    });
    if (decoded.ok !== true) return;
    expect(betaDialect.encodeServer(decoded.event)).toEqual({ type: 'conversation.item.created', event_id: 'e', previous_item_id: 'p', item });
    expect(betaDialect.encodeServer({ ...decoded.event, type: 'conversation.item.created' } as RealtimeServerEvent)?.type).toBe(
      'conversation.item.created',
    );
  });

  it('skips GA-only server events for beta', () => {
    const events = [
      { type: 'output_audio_buffer.started', event_id: 'e', response_id: 'r' },
      { type: 'output_audio_buffer.stopped', event_id: 'e', response_id: 'r' },
      { type: 'output_audio_buffer.cleared', event_id: 'e', response_id: 'r' },
      { type: 'conversation.item.done', event_id: 'e', item: { type: 'message', role: 'user', content: [] } },
      { type: 'input_audio_buffer.timeout_triggered', event_id: 'e', item_id: 'i', audio_start_ms: 0, audio_end_ms: 1 },
    ];
    for (const event of events) expect(betaDialect.encodeServer(event as RealtimeServerEvent)).toBeNull();
  });

  it('translates a beta session.created into the GA session the engine reads', () => {
    const decoded = betaDialect.decodeServer(
      JSON.stringify({
        type: 'session.created',
        event_id: 'e',
        session: { id: 's', modalities: ['audio', 'text'], voice: 'alloy', input_audio_format: 'pcm16', output_audio_format: 'g711_ulaw', turn_detection: null, temperature: 0.8 },
      }),
    );
    expect(decoded).toEqual({
      ok: true,
      event: {
        type: 'session.created',
        event_id: 'e',
        session: {
          type: 'realtime',
          id: 's',
          output_modalities: ['audio'],
          temperature: 0.8,
          audio: { input: { format: { type: 'audio/pcm', rate: 24000 }, turn_detection: null }, output: { format: { type: 'audio/pcmu' }, voice: 'alloy' } },
        },
      },
    });
  });

  it('translates response.done: flat voice/format, modalities and assistant content', () => {
    const ga = {
      type: 'response.done',
      event_id: 'e',
      response: {
        id: 'r',
        object: 'realtime.response',
        status: 'completed',
        output_modalities: ['audio'],
        audio: { output: { format: { type: 'audio/pcm', rate: 24000 }, voice: 'marin' } },
        output: [{ id: 'i', type: 'message', role: 'assistant', content: [{ type: 'output_audio', transcript: 'Hi' }] }],
        usage: { total_tokens: 3, input_tokens: 1, output_tokens: 2 },
      },
    } as RealtimeServerEvent;
    const wire = betaDialect.encodeServer(ga);
    expect(wire).toEqual({
      type: 'response.done',
      event_id: 'e',
      response: {
        id: 'r',
        object: 'realtime.response',
        status: 'completed',
        modalities: ['text', 'audio'],
        output_audio_format: 'pcm16',
        voice: 'marin',
        output: [{ id: 'i', type: 'message', role: 'assistant', content: [{ type: 'audio', transcript: 'Hi' }] }],
        usage: { total_tokens: 3, input_tokens: 1, output_tokens: 2 },
      },
    });
    const back = betaDialect.decodeServer(JSON.stringify(wire));
    expect(back).toEqual({ ok: true, event: ga });
  });
});

describe('malformed server input', () => {
  const dialects = [gaDialect, betaDialect];

  it.each([
    ['empty text', '', /Invalid JSON/],
    ['not JSON', 'hello', /Invalid JSON/],
    ['truncated JSON', '{"type":"error"', /Invalid JSON/],
    ['an array', '[1,2]', /not a JSON object/],
    ['null', 'null', /not a JSON object/],
    ['a number', '42', /not a JSON object/],
    ['no type', '{"event_id":"e"}', /no string 'type'/],
    ['a numeric type', '{"type":5}', /no string 'type'/],
    ['an object without type', {}, /no string 'type'/],
    ['undefined', undefined, /not a JSON object/],
    ['binary', new Uint8Array([123, 125]), /Binary frames/],
  ])('%s -> ok:false', (_name, wire, message) => {
    for (const dialect of dialects) {
      const result = dialect.decodeServer(wire);
      expect(result.ok).toBe(false);
      if (result.ok === false) expect(result.error).toMatch(message);
    }
  });

  it('reports known types missing the fields the engine reads', () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['response.output_audio.delta', { response_id: 'r', item_id: 'i' }, "'response.output_audio.delta' is missing 'delta'."],
      ['response.output_audio.delta', { response_id: 'r', delta: 'AA' }, "'response.output_audio.delta' is missing 'item_id'."],
      ['response.output_audio.delta', { response_id: 'r', item_id: 'i', delta: 7 }, "'response.output_audio.delta' has an invalid 'delta': expected a string."],
      ['input_audio_buffer.speech_started', { item_id: 'i' }, "'input_audio_buffer.speech_started' is missing 'audio_start_ms'."],
      ['error', { error: 'boom' }, "'error' has an invalid 'error': expected an object."],
      ['session.created', {}, "'session.created' is missing 'session'."],
    ];
    for (const [type, fields, error] of cases) {
      expect(gaDialect.decodeServer(JSON.stringify({ type, ...fields }))).toMatchObject({ ok: false, error });
    }
    expect(betaDialect.decodeServer('{"type":"response.audio.delta","response_id":"r","delta":"AA"}')).toMatchObject({
      ok: false,
      error: "'response.audio.delta' is missing 'item_id'.",
    });
  });

  it('returns unknown for well-formed types the dialect does not model', () => {
    expect(gaDialect.decodeServer('{"type":"response.future_thing","x":1}')).toEqual({ ok: 'unknown', type: 'response.future_thing' });
    // A GA name on a beta connection is not beta.
    expect(betaDialect.decodeServer('{"type":"response.output_audio.delta","delta":"AA","item_id":"i","response_id":"r"}')).toEqual({
      ok: 'unknown',
      type: 'response.output_audio.delta',
    });
  });

  it('keeps the raw snippet short', () => {
    const truncated = `{"type":"response.audio.delta","delta":"${'A'.repeat(100_000)}`;
    const wrongType = (type: string) => JSON.stringify({ type, response_id: 'r', item_id: 'i', transcript: 'A'.repeat(100_000), delta: 5 });
    for (const [dialect, wire] of [
      [gaDialect, truncated],
      [betaDialect, truncated],
      [gaDialect, wrongType('response.output_audio.delta')],
      [betaDialect, wrongType('response.audio.delta')],
    ] as const) {
      const result = dialect.decodeServer(wire);
      expect(result.ok).toBe(false);
      if (result.ok === false) {
        expect(String(result.raw).length).toBeLessThanOrEqual(200);
        expect(result.error.length).toBeLessThanOrEqual(200);
      }
    }
  });

  it('never throws, whatever arrives', () => {
    const anyWire = fc.oneof(
      fc.string(),
      fc.json(),
      fc.anything(),
      fc.record({ type: fc.constantFrom('session.created', 'response.done', 'response.output_item.done', 'conversation.item.created', 'response.audio.delta'), session: fc.anything(), response: fc.anything(), item: fc.anything() }),
    );
    fc.assert(
      fc.property(anyWire, (wire) => {
        for (const dialect of dialects) {
          const result = dialect.decodeServer(wire);
          expect([true, false, 'unknown']).toContain(result.ok);
        }
      }),
      { numRuns: 500 },
    );
  });
});
