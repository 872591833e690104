import { describe, expect, it } from 'vitest';
import { sessionUpdate } from '../../../../src/engine/session/realtime/session-config';
import { parseSettings } from '../../../../src/engine/settings';
import { specValidator } from '../../../../src/simulator/realtime/spec/validator';
import { betaDialect } from '../../../../src/engine/realtime/dialects';
import { needsNewSession } from '../../../../src/engine/session';
import { unknownParam } from '../../../../src/simulator/realtime/spec/unknown-params';

describe('session.update', () => {
  it('is a valid GA event carrying voice, instructions, transcription, 24 kHz PCM and server VAD with interrupt_response', () => {
    const update = sessionUpdate(parseSettings({
      voice: 'cedar',
      instructions: 'Be brief.',
      transcriptionModel: 'whisper-1',
      turnDetection: { mode: 'server_vad', threshold: 0.7, silenceDurationMs: 650, prefixPaddingMs: 250 },
    }));
    expect(specValidator('ga').validate('client', update)).toEqual({ ok: true });
    expect(update.session).toMatchObject({
      type: 'realtime',
      instructions: 'Be brief.',
      audio: {
        input: {
          format: { type: 'audio/pcm', rate: 24_000 },
          transcription: { model: 'whisper-1' },
          turn_detection: { type: 'server_vad', threshold: 0.7, silence_duration_ms: 650, prefix_padding_ms: 250 },
        },
        output: { format: { type: 'audio/pcm', rate: 24_000 }, voice: 'cedar' },
      },
    });
  });

  it('sends a voice the Realtime API has: a GPT-Live-only voice left from a Live session falls back to the default', () => {
    const update = sessionUpdate(parseSettings({ protocol: 'realtime', voice: 'shida' }));
    expect(specValidator('ga').validate('client', update)).toEqual({ ok: true });
    expect(update.session.type === 'realtime' && update.session.audio?.output?.voice).toBe('marin');
  });

  it('tells the transcriber the language the user speaks, when set (unset: it detects)', () => {
    const japanese = sessionUpdate(parseSettings({ transcriptionLanguage: 'ja' }));
    expect(specValidator('ga').validate('client', japanese)).toEqual({ ok: true });
    expect(japanese.session.type === 'realtime' && japanese.session.audio?.input?.transcription).toEqual({ model: 'gpt-4o-mini-transcribe', language: 'ja' });
    const detect = sessionUpdate(parseSettings({}));
    expect(detect.session.type === 'realtime' && detect.session.audio?.input?.transcription).toEqual({ model: 'gpt-4o-mini-transcribe' });
  });

  it('uses semantic VAD with its eagerness, and no turn detection at all in manual mode', () => {
    const semantic = sessionUpdate(parseSettings({ turnDetection: { mode: 'semantic_vad', eagerness: 'high' } }));
    expect(specValidator('ga').validate('client', semantic)).toEqual({ ok: true });
    // The server decides and interrupts by default: true flags are left out.
    expect(semantic.session.type === 'realtime' && semantic.session.audio?.input?.turn_detection).toEqual({ type: 'semantic_vad', eagerness: 'high' });
    const auto = sessionUpdate(parseSettings({ turnDetection: { mode: 'semantic_vad' } }));
    expect(auto.session.type === 'realtime' && auto.session.audio?.input?.turn_detection).toEqual({ type: 'semantic_vad' });
    const manual = sessionUpdate(parseSettings({ turnDetection: { mode: 'manual' } }));
    expect(specValidator('ga').validate('client', manual)).toEqual({ ok: true });
    expect(manual.session.type === 'realtime' && manual.session.audio?.input?.turn_detection).toBeNull();
  });
});

describe('server-side audio options (issue 14)', () => {
  it('asks for near- or far-field noise reduction, and sends none when off; turning it off while running takes a new session', () => {
    for (const noiseReduction of ['near_field', 'far_field'] as const) {
      const update = sessionUpdate(parseSettings({ noiseReduction }));
      expect(specValidator('ga').validate('client', update)).toEqual({ ok: true });
      expect(update.session.type === 'realtime' && update.session.audio?.input?.noise_reduction).toEqual({ type: noiseReduction });
    }
    const off = sessionUpdate(parseSettings({}));
    expect(specValidator('ga').validate('client', off)).toEqual({ ok: true });
    expect(off.session.type === 'realtime' && off.session.audio?.input && 'noise_reduction' in off.session.audio.input).toBe(false);
    const near = parseSettings({ noiseReduction: 'near_field' });
    expect(needsNewSession(near, parseSettings({ noiseReduction: 'off' }))).toBe(true);
    expect(needsNewSession(near, parseSettings({ noiseReduction: 'far_field' }))).toBe(false);
    expect(needsNewSession(parseSettings({}), near)).toBe(false);
    expect(needsNewSession(parseSettings({ protocol: 'live', noiseReduction: 'near_field' }), parseSettings({ protocol: 'live' }))).toBe(false);
  });

  it('sends the speaking speed, and the schema refuses what the settings refuse', () => {
    const slow = sessionUpdate(parseSettings({ speed: 0.8 }));
    expect(specValidator('ga').validate('client', slow)).toEqual({ ok: true });
    expect(slow.session.type === 'realtime' && slow.session.audio?.output?.speed).toBe(0.8);
    expect(() => parseSettings({ speed: 2 })).toThrow(/speed/);
    expect(() => parseSettings({ speed: 0.2 })).toThrow(/speed/);
    expect(() => parseSettings({ noiseReduction: 'studio' })).toThrow(/noiseReduction/);
  });

  it('speaks the beta shape too: input_audio_noise_reduction and speed as flat session keys, valid against the beta schema', () => {
    const wire = betaDialect.encodeClient(sessionUpdate(parseSettings({ noiseReduction: 'far_field', speed: 1.25 })));
    expect(specValidator('beta').validate('client', wire)).toEqual({ ok: true });
    expect(wire).toMatchObject({ type: 'session.update', session: { input_audio_noise_reduction: { type: 'far_field' }, speed: 1.25 } });
    expect(wire.session).not.toHaveProperty('audio');
  });
});

describe('only what the user set (issue 21)', () => {
  it("the default session carries no speed, no tool_choice, no VAD flag at its default, and nothing either schema lacks", () => {
    const update = sessionUpdate(parseSettings({}), []);
    const session = update.session.type === 'realtime' ? update.session : undefined;
    expect(session?.audio?.output).not.toHaveProperty('speed');
    expect(session).not.toHaveProperty('tool_choice');
    expect(session?.tools).toEqual([]); // tools are always declared, so turning them off takes them away
    expect(session?.audio?.input?.turn_detection).toEqual({ type: 'server_vad', threshold: 0.5, silence_duration_ms: 500, prefix_padding_ms: 300 });
    expect(unknownParam(specValidator('ga'), 'client', update)).toBeUndefined();
    const beta = betaDialect.encodeClient(update);
    expect(specValidator('beta').validate('client', beta)).toEqual({ ok: true });
    expect(unknownParam(specValidator('beta'), 'client', beta)).toBeUndefined();
    // The check does see a field the beta shape lacks.
    expect(unknownParam(specValidator('beta'), 'client', betaDialect.encodeClient(sessionUpdate(parseSettings({ speed: 1.1 }))))).toBe('session.speed');
  });

  it('an update to a running session names a setting going back to its default, which the session would otherwise keep', () => {
    const fast = parseSettings({ speed: 1.3, interruption: { mode: 'pause-then-decide' } });
    const back = sessionUpdate(parseSettings({}), undefined, fast);
    expect(back.session.type === 'realtime' && back.session.audio?.output?.speed).toBe(1);
    expect(back.session.type === 'realtime' && back.session.audio?.input?.turn_detection).toMatchObject({ create_response: true, interrupt_response: true });
    const unchanged = sessionUpdate(parseSettings({}), undefined, parseSettings({}));
    expect(unchanged.session.type === 'realtime' && unchanged.session.audio?.output).not.toHaveProperty('speed');
  });
});
