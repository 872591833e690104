import { readFileSync } from 'node:fs';
import type { ClientEvent, ServerEvent } from 'openai/resources/live/live';
import { describe, expect, it } from 'vitest';
import { generateLiveSpec, LIVE_SPEC_PATH, serialiseLiveSpec } from '../../../src/simulator/live/spec/generate';
import { liveSpecValidator } from '../../../src/simulator/live/spec/validator';

describe('the GPT-Live spec (live.json)', () => {
  it('is what the installed openai package generates (npm run gen:live-spec to refresh it)', () => {
    const began = performance.now();
    const generated = serialiseLiveSpec(generateLiveSpec());
    expect(performance.now() - began).toBeLessThan(20_000);
    // Compared as text first so a stale file fails fast with a short message.
    const committed = readFileSync(LIVE_SPEC_PATH, 'utf8');
    expect(committed === generated, 'src/simulator/live/spec/live.json is stale: run npm run gen:live-spec').toBe(true);
  }, 30_000);

  it('covers exactly the event types of the openai Live types', () => {
    const validator = liveSpecValidator();
    // Type-level: this record must name every ClientEvent type and nothing else, or typecheck fails.
    const clientTypes: Record<ClientEvent['type'], true> = {
      'session.start': true, 'session.update': true, 'session.input_audio.append': true, 'session.input_audio.mute': true,
      'session.input_audio.unmute': true, 'session.output_audio.fixture.play': true, 'session.instructions.append': true,
      'session.thinking.append': true, 'session.commentary.append': true, 'decision.create': true, 'decision.item.create': true,
      'decision.item.delete': true, 'response.item.create': true, 'response.create': true, 'session.close': true,
    };
    expect(validator.eventTypes('client').sort()).toEqual(Object.keys(clientTypes).sort());
    const serverSample: ServerEvent['type'][] = ['session.started', 'session.closed', 'session.output_audio.delta', 'error'];
    for (const type of serverSample) expect(validator.eventTypes('server')).toContain(type);
  });

  it('is strict like the service: unknown fields anywhere in a client event are rejected', () => {
    const v = liveSpecValidator();
    expect(v.validate('client', { type: 'session.input_audio.mute', extra: 1 })).toEqual({
      ok: false, code: 'unknown_parameter', message: "Unknown parameter: 'extra'.", param: 'extra',
    });
    expect(v.validate('client', { type: 'session.start', session: { model: 'gpt-live-1', audio: { format: { type: 'audio/pcm', rate: 24000, channels: 1 } } } }))
      .toMatchObject({ ok: false, code: 'unknown_parameter', param: 'session.audio.format.channels' });
    expect(v.validate('client', { type: 'session.start', session: { model: 'gpt-live-1', audio: { format: { type: 'audio/pcm', rate: 44100 } } } }))
      .toMatchObject({ ok: false, param: 'session.audio.format.rate' });
    const valid: ClientEvent = { type: 'session.start', session: { model: 'gpt-live-1', input: [{ role: 'user', content: [{ text: 'hi' }] }] } };
    expect(v.validate('client', valid)).toEqual({ ok: true });
  });
});
