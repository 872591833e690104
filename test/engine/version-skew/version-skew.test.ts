import { describe, expect, it } from 'vitest';
import type { SessionUpdateEvent } from 'openai/resources/realtime/realtime';
import { MAX_DROPPED_PARAMS, VersionSkew } from '../../../src/engine/realtime/version-skew';
import { betaDialect, gaDialect } from '../../../src/engine/realtime/dialects';
import { sessionUpdate } from '../../../src/engine/session/realtime/session-config';
import { parseSettings } from '../../../src/engine/settings';

const KEEP = new Set(['type', 'audio.input.format', 'audio.output.format']);
const skewOf = (dialect = gaDialect) => new VersionSkew<SessionUpdateEvent>((p) => dialect.sessionParamPath(p), KEEP, 'cfg_');

describe('VersionSkew', () => {
  it("maps the beta shape's flat fields back to the GA session: speed, noise reduction, VAD flags, modalities", () => {
    expect(betaDialect.sessionParamPath('speed')).toEqual(['audio', 'output', 'speed']);
    expect(betaDialect.sessionParamPath('input_audio_noise_reduction')).toEqual(['audio', 'input', 'noise_reduction']);
    expect(betaDialect.sessionParamPath('turn_detection.create_response')).toEqual(['audio', 'input', 'turn_detection', 'create_response']);
    expect(betaDialect.sessionParamPath('modalities')).toEqual(['output_modalities']);
    expect(betaDialect.sessionParamPath('constructor')).toEqual(['constructor']);
    expect(gaDialect.sessionParamPath('audio.output.speed')).toEqual(['audio', 'output', 'speed']);
  });

  it('never loops: the same parameter twice, one not sent, one Kaiwa cannot go without, or one in a list is reported as it is', () => {
    const skew = skewOf();
    const sent = skew.prepare(sessionUpdate(parseSettings({ speed: 1.2 }), [{ type: 'function', name: 'f' }]));
    expect(sent.event_id).toBe('cfg_1');
    const first = skew.recover({ code: 'unknown_parameter', param: 'session.audio.output.speed', event_id: 'cfg_1' });
    expect(first?.dropped).toBe('audio.output.speed');
    expect(first?.resend.event_id).toBe('cfg_2');
    expect(skew.recover({ code: 'unknown_parameter', param: 'session.audio.output.speed', event_id: 'cfg_2' })).toBeNull();
    expect(skew.recover({ code: 'unknown_parameter', param: 'session.prompt', event_id: 'cfg_2' })).toBeNull();
    expect(skew.recover({ code: 'invalid_value', param: 'session.audio.output.format.rate', event_id: 'cfg_2' })).toBeNull();
    expect(skew.recover({ code: 'invalid_value', param: 'session.tools[0].name', event_id: 'cfg_2' })).toBeNull();
    expect(skew.recover({ code: 'rate_limit_exceeded', param: 'session.instructions', event_id: 'cfg_2' })).toBeNull();
    // An unknown event id is some other event's error.
    expect(skew.recover({ code: 'unknown_parameter', param: 'session.instructions', event_id: 'other_1' })).toBeNull();
  });

  it("a refused `type` takes its object with it (semantic VAD on a server that has only server VAD)", () => {
    const skew = skewOf(betaDialect);
    skew.prepare(sessionUpdate(parseSettings({ turnDetection: { mode: 'semantic_vad', eagerness: 'high' } })));
    const recovery = skew.recover({ code: 'invalid_value', param: 'session.turn_detection.type', event_id: null });
    expect(recovery?.dropped).toBe('audio.input.turn_detection');
    expect(recovery?.resend.session.type === 'realtime' && recovery.resend.session.audio?.input).not.toHaveProperty('turn_detection');
    expect(recovery?.said).toEqual({ key: 'notice.skewTurnDetection', params: { param: 'session.turn_detection.type' } });
  });

  it(`drops at most ${MAX_DROPPED_PARAMS} parameters in one conversation`, () => {
    const skew = skewOf();
    const update = sessionUpdate(parseSettings({}));
    const session = update.session as unknown as Record<string, unknown>;
    for (let i = 0; i < MAX_DROPPED_PARAMS + 2; i++) session[`extra_${i}`] = i;
    let last = skew.prepare(update);
    let recovered = 0;
    for (let i = 0; i < MAX_DROPPED_PARAMS + 2; i++) {
      const r = skew.recover({ code: 'unknown_parameter', param: `session.extra_${i}`, event_id: last.event_id ?? null });
      if (!r) break;
      recovered++;
      last = r.resend;
    }
    expect(recovered).toBe(MAX_DROPPED_PARAMS);
  });
});
