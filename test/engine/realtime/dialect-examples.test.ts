import { describe, expect, it } from 'vitest';
import { getDialect } from '../../../src/engine/realtime/dialects';
import type { DecodeResult, Dialect, WireEvent } from '../../../src/engine/realtime/dialects';
import { specValidator, type SpecDialect } from '../../../src/simulator/realtime/spec/validator';
import { parseExample, specExamples, type SpecExample } from './helpers/examples';

/**
 * Every `x-oaiMeta.example` of both vendored specs goes through its dialect: decode(wire) then
 * encode gives the wire event back, the encoding validates against the spec, and the GA form of a
 * beta example (and the beta form of a GA example) validates against the other spec.
 */

interface Known {
  reason: string;
  /** The validator's message must mention this (so a different failure is noticed). */
  mentions: string;
}

/** OpenAI examples that are invalid against their own schema. The test fails if one becomes valid. */
const KNOWN_INVALID: Record<SpecDialect, Record<string, Known>> = {
  ga: {
    'client response.create#1': {
      reason: "input[0] is an item_reference, which RealtimeConversationItem's variants do not include",
      mentions: 'response.input.0',
    },
    'server conversation.item.input_audio_transcription.failed': {
      reason: 'error.param is null; the schema says string',
      mentions: 'error.param',
    },
    'server conversation.item.retrieved': {
      reason: "assistant content type 'audio' (with 'format'); GA allows output_text / output_audio",
      mentions: 'item.content.0.type',
    },
    'server input_audio_buffer.dtmf_event_received': {
      reason: "type is ' input_audio_buffer.dtmf_event_received' (leading space); no event_id",
      mentions: 'Unknown event type',
    },
    'server response.created': { reason: 'status_details is null; the schema says object', mentions: 'status_details' },
    'server response.done': { reason: 'status_details is null; the schema says object', mentions: 'status_details' },
    'server response.output_item.done': {
      reason: "assistant content type 'text' (the beta name); GA allows output_text / output_audio",
      mentions: 'item.content.0.type',
    },
    'server session.created': {
      reason: 'audio.input.noise_reduction and .transcription are null; the schema says object',
      mentions: 'session.audio.input.noise_reduction',
    },
    'server session.updated': {
      reason: 'audio.input.noise_reduction and .transcription are null; the schema says object',
      mentions: 'session.audio.input.noise_reduction',
    },
    'server transcription_session.updated': {
      reason: 'session.client_secret is required and missing (and the example carries a // comment)',
      mentions: 'client_secret',
    },
  },
  beta: {
    'client conversation.item.create': { reason: 'previous_item_id is null; the schema says string', mentions: 'previous_item_id' },
    'server conversation.item.input_audio_transcription.failed': {
      reason: 'error.param is null; the schema says string',
      mentions: 'error.param',
    },
    'server response.created': {
      reason: "status 'in_progress' is not in the beta enum (and status_details is null)",
      mentions: 'response.status',
    },
    'server response.done': { reason: 'status_details is null; the schema says object', mentions: 'status_details' },
    'server response.output_item.added': {
      reason: "item.status 'in_progress' is not in the beta enum",
      mentions: 'item.status',
    },
    'server session.created': {
      reason: 'input_audio_transcription is null; the schema says object',
      mentions: 'session.input_audio_transcription',
    },
    'server session.updated': { reason: 'turn_detection is null; the schema says object', mentions: 'session.turn_detection' },
    'server transcription_session.updated': {
      reason: 'session.client_secret is required and missing',
      mentions: 'client_secret',
    },
  },
};

/** Examples whose `type` is not the event their schema documents. */
const MISLABELLED: Record<string, string> = {
  'beta server conversation.item.retrieved': 'conversation.item.created',
  'ga server input_audio_buffer.dtmf_event_received': ' input_audio_buffer.dtmf_event_received',
};

/** Well-formed event types the engine does not model (the `openai` unions have no such event). */
const NOT_MODELLED = new Set([
  'ga client transcription_session.update',
  'ga server transcription_session.updated',
  'ga server input_audio_buffer.dtmf_event_received', // mislabelled, see above
  'beta client transcription_session.update',
  'beta server transcription_session.updated',
]);

/** Documented normalisations of a round trip: the expected wire after decode + encode. */
const NORMALISED: Record<string, (wire: WireEvent) => WireEvent> = {
  // OpenAI's beta example uses the GA name, which the beta schema does not have.
  'beta client response.create': (wire) => {
    const { max_output_tokens, ...response } = wire.response as Record<string, unknown>;
    return { ...wire, response: { ...response, max_response_output_tokens: max_output_tokens } };
  },
};

/**
 * Cross-dialect results that fail the other spec, all inherited from the spec gaps above (nulls
 * the schemas do not allow, statuses and content types the beta enums lack).
 */
const CROSS_KNOWN_INVALID: Record<string, Known> = {
  'beta client conversation.item.create': { reason: 'previous_item_id: null (GA schema: string)', mentions: 'previous_item_id' },
  'beta server conversation.item.input_audio_transcription.completed': {
    reason: 'GA requires usage, which beta never sends',
    mentions: 'usage',
  },
  'beta server conversation.item.input_audio_transcription.failed': { reason: 'error.param: null', mentions: 'error.param' },
  'beta server response.created': { reason: 'status_details: null', mentions: 'status_details' },
  'beta server response.done': { reason: 'status_details: null', mentions: 'status_details' },
  'beta server response.function_call_arguments.done': {
    reason: 'GA requires name, which beta never sends',
    mentions: 'name',
  },
  'beta server session.created': { reason: 'input_audio_transcription: null', mentions: 'session.audio.input.transcription' },
  'ga client response.create#1': { reason: 'as in GA: item_reference input', mentions: 'response.input.0' },
  'ga server conversation.item.added': { reason: 'previous_item_id: null (beta schema: string)', mentions: 'previous_item_id' },
  'ga server conversation.item.input_audio_transcription.failed': { reason: 'error.param: null', mentions: 'error.param' },
  'ga server conversation.item.retrieved': { reason: "as in GA: content type 'audio'", mentions: 'item.content.0.type' },
  'ga server response.created': { reason: "status 'in_progress' is not in the beta enum", mentions: 'response.status' },
  'ga server response.done': {
    reason: "assistant content 'audio' (beta's real name for output_audio) is not in the beta item enum",
    mentions: 'response.output.0.content.0.type',
  },
  'ga server response.output_item.added': { reason: "item.status 'in_progress' is not in the beta enum", mentions: 'item.status' },
  'ga server session.created': { reason: 'noise_reduction: null', mentions: 'session.input_audio_noise_reduction' },
  'ga server session.updated': { reason: 'noise_reduction: null', mentions: 'session.input_audio_noise_reduction' },
};

/** GA events beta cannot express: encodeClient throws, encodeServer returns null. */
const GA_ONLY = new Set([
  'ga client output_audio_buffer.clear',
  'ga server conversation.item.done',
  'ga server conversation.item.input_audio_transcription.segment',
  'ga server input_audio_buffer.timeout_triggered',
  'ga server mcp_list_tools.completed',
  'ga server mcp_list_tools.failed',
  'ga server mcp_list_tools.in_progress',
  'ga server output_audio_buffer.cleared',
  'ga server output_audio_buffer.started',
  'ga server output_audio_buffer.stopped',
  'ga server response.mcp_call.completed',
  'ga server response.mcp_call.failed',
  'ga server response.mcp_call.in_progress',
  'ga server response.mcp_call_arguments.delta',
  'ga server response.mcp_call_arguments.done',
]);

const key = (ex: SpecExample) => `${ex.dialect} ${ex.side} ${ex.label}`;

function decode(dialect: Dialect, ex: SpecExample, wire: unknown): DecodeResult<unknown> {
  return ex.side === 'server' ? dialect.decodeServer(wire) : dialect.decodeClient(wire);
}

function encode(dialect: Dialect, ex: SpecExample, event: unknown): WireEvent | null {
  return ex.side === 'server' ? dialect.encodeServer(event as never) : dialect.encodeClient(event as never);
}

function expectValidity(dialect: SpecDialect, ex: SpecExample, event: unknown, known: Known | undefined): void {
  const result = specValidator(dialect).validate(ex.side, event);
  if (known) {
    expect(result.ok, `expected invalid (${known.reason})`).toBe(false);
    if (!result.ok) expect(result.message).toContain(known.mentions);
  } else {
    expect(result, JSON.stringify(event).slice(0, 300)).toEqual({ ok: true });
  }
}

const all = [...specExamples('ga'), ...specExamples('beta')];

describe('spec examples', () => {
  it('extracts every example of both specs', () => {
    const count = (d: SpecDialect) => all.filter((ex) => ex.dialect === d).length;
    // One schema per event type, plus the second object of GA response.create's example.
    expect(count('ga')).toBe(specValidator('ga').eventTypes('client').length + specValidator('ga').eventTypes('server').length + 1);
    expect(count('beta')).toBe(specValidator('beta').eventTypes('client').length + specValidator('beta').eventTypes('server').length);
  });

  it('lists only labels that exist', () => {
    const labels = new Set(all.map(key));
    const listed = [
      ...Object.keys(KNOWN_INVALID.ga).map((l) => `ga ${l}`),
      ...Object.keys(KNOWN_INVALID.beta).map((l) => `beta ${l}`),
      ...Object.keys(MISLABELLED),
      ...NOT_MODELLED,
      ...Object.keys(NORMALISED),
      ...Object.keys(CROSS_KNOWN_INVALID),
      ...GA_ONLY,
    ];
    expect(listed.filter((l) => !labels.has(l))).toEqual([]);
  });

  describe.each(all.map((ex) => [key(ex), ex] as const))('%s', (_label, ex) => {
    const dialect = getDialect(ex.dialect);
    const ownKey = `${ex.side} ${ex.label}`;

    it('is valid against its own schema, or listed as known-invalid', () => {
      expect(ex.event.type).toBe(MISLABELLED[key(ex)] ?? ex.schemaType);
      expectValidity(ex.dialect, ex, ex.event, KNOWN_INVALID[ex.dialect][ownKey]);
    });

    if (NOT_MODELLED.has(key(ex))) {
      it('decodes as unknown', () => {
        expect(decode(dialect, ex, JSON.stringify(ex.event))).toEqual({ ok: 'unknown', type: ex.event.type });
      });
      return;
    }

    it('round-trips: encode(decode(wire)) is the wire event, and it validates', () => {
      const result = decode(dialect, ex, JSON.stringify(ex.event));
      expect(result.ok, JSON.stringify(result)).toBe(true);
      if (result.ok !== true) return;
      const wire = encode(dialect, ex, result.event);
      const expected = NORMALISED[key(ex)]?.(ex.event as WireEvent) ?? ex.event;
      expect(wire).toEqual(expected);
      expectValidity(ex.dialect, ex, wire, KNOWN_INVALID[ex.dialect][ownKey]);
    });

    it('decodes an object without changing it', () => {
      const input = structuredClone(ex.event);
      const result = decode(dialect, ex, input);
      expect(result.ok).toBe(true);
      expect(input).toEqual(ex.event);
    });

    if (ex.dialect === 'beta') {
      it('decodes to a GA event that validates against the GA spec', () => {
        const result = decode(dialect, ex, JSON.stringify(ex.event));
        if (result.ok !== true) throw new Error(JSON.stringify(result));
        expectValidity('ga', ex, result.event, CROSS_KNOWN_INVALID[key(ex)]);
      });
    } else if (GA_ONLY.has(key(ex))) {
      it('has no beta form', () => {
        const beta = getDialect('beta');
        if (ex.side === 'server') expect(beta.encodeServer(ex.event as never)).toBeNull();
        else expect(() => beta.encodeClient(ex.event as never)).toThrow(/beta Realtime protocol/);
      });
    } else {
      it('encodes to beta wire that validates against the beta spec and decodes back', () => {
        const beta = getDialect('beta');
        const wire = encode(beta, ex, ex.event);
        expect(wire).not.toBeNull();
        expectValidity('beta', ex, wire, CROSS_KNOWN_INVALID[key(ex)]);
        const back = decode(beta, ex, JSON.stringify(wire));
        expect(back.ok).toBe(true);
      });
    }
  });
});

describe('example extractor', () => {
  it('drops comments and trailing commas outside strings and splits several objects', () => {
    const text = `// first
{ "type": "a", "url": "https://x.test/a,}", }
/* second */ { "type": "b", "list": [1, 2,], // note
}`;
    expect(parseExample(text)).toEqual([
      { type: 'a', url: 'https://x.test/a,}' },
      { type: 'b', list: [1, 2] },
    ]);
  });

  it('keeps escaped quotes inside strings', () => {
    expect(parseExample('{"delta": "{\\"a\\": \\"//b\\"}",}')).toEqual([{ delta: '{"a": "//b"}' }]);
  });

  it('passes objects through', () => {
    const example = { type: 'x' };
    expect(parseExample(example)).toEqual([example]);
  });
});
