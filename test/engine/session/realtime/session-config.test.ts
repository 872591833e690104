import { describe, expect, it } from 'vitest';
import { sessionUpdate } from '../../../../src/engine/session/realtime/session-config';
import { parseSettings } from '../../../../src/engine/settings';
import { specValidator } from '../../../../src/simulator/realtime/spec/validator';

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
          turn_detection: { type: 'server_vad', threshold: 0.7, silence_duration_ms: 650, prefix_padding_ms: 250, interrupt_response: true },
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
    expect(semantic.session.type === 'realtime' && semantic.session.audio?.input?.turn_detection).toEqual({
      type: 'semantic_vad',
      eagerness: 'high',
      create_response: true,
      interrupt_response: true,
    });
    const manual = sessionUpdate(parseSettings({ turnDetection: { mode: 'manual' } }));
    expect(specValidator('ga').validate('client', manual)).toEqual({ ok: true });
    expect(manual.session.type === 'realtime' && manual.session.audio?.input?.turn_detection).toBeNull();
  });
});
