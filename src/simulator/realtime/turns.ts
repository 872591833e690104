import type { RealtimeAudioInputTurnDetection } from 'openai/resources/realtime/realtime';
import { ENGINE_SAMPLE_RATE } from '../../engine/audio/devices/types';
import { base64ToPcm16, msToSamples, samplesToMs } from '../../engine/audio/pcm';
import { newId } from '../ids';
import { EnergyVad, type VadEvent } from '../vad';
import { vadConfig } from './config';
import type { RealtimeContext } from './context';
import type { Conversation } from './conversation';
import { InputBuffer } from './input-buffer';
import type { Responses } from './responses';

/**
 * The input side of a Realtime session: the input audio buffer, server VAD turning speech into
 * committed user turns (`speech_started` / `speech_stopped`), barge-in on a playing response, and
 * manual commit and clear.
 */

const MIN_COMMIT_MS = 100;

export class Turns {
  private readonly input = new InputBuffer();
  private vad: EnergyVad | undefined;
  private speech: { itemId: string; startSample: number } | undefined;

  constructor(
    private readonly ctx: RealtimeContext,
    private readonly conversation: Conversation,
    private readonly responses: Responses,
  ) {
    this.vad = this.buildVad();
  }

  /** Milliseconds of input audio received so far (the clock `audio_*_ms` count on). */
  get inputMs(): number {
    return samplesToMs(this.input.end);
  }

  /** Turn detection changed: the VAD starts over and a speech in progress is forgotten. */
  reset(): void {
    this.vad = this.buildVad();
    this.speech = undefined;
  }

  append(audio: string, clientEventId: string | null): void {
    let pcm: Int16Array;
    try {
      pcm = base64ToPcm16(audio);
    } catch (err) {
      return this.ctx.sendError('invalid_value', `Invalid 'audio': ${(err as Error).message}.`, 'audio', clientEventId);
    }
    this.input.append(pcm.length);
    if (!this.vad) return;
    for (const vadEvent of this.vad.push(pcm)) this.onVad(vadEvent);
    const keep = Math.max(ENGINE_SAMPLE_RATE, msToSamples(this.prefixPaddingMs()));
    if (!this.speech && this.input.size > 4 * keep) {
      // Idle in VAD mode: keep only what a future prefix padding can reach back to.
      this.input.dropBefore(this.input.end - keep);
    }
  }

  commit(clientEventId: string | null): void {
    const ms = samplesToMs(this.input.size);
    if (ms < MIN_COMMIT_MS) {
      return this.ctx.sendError(
        'input_audio_buffer_commit_empty',
        `Error committing input audio buffer: buffer too small. Expected at least ${MIN_COMMIT_MS}ms of audio, but buffer only has ${ms.toFixed(2)}ms of audio.`,
        null,
        clientEventId,
      );
    }
    const itemId = this.speech?.itemId ?? newId('item');
    const samples = this.input.size;
    this.input.clear();
    this.reset();
    this.conversation.commitUserAudio(itemId, samples);
  }

  clear(): void {
    this.input.clear();
    this.reset();
    this.ctx.emit({ type: 'input_audio_buffer.cleared', event_id: newId('event') });
  }

  private onVad(event: VadEvent): void {
    if (this.ctx.closed) return;
    if (event.type === 'start') {
      const startSample = Math.max(event.audioStartSample, this.input.first);
      this.speech = { itemId: newId('item'), startSample };
      this.ctx.emit({
        type: 'input_audio_buffer.speech_started',
        event_id: newId('event'),
        audio_start_ms: Math.floor(samplesToMs(startSample)),
        item_id: this.speech.itemId,
      });
      const td = this.turnDetection();
      if (this.responses.active && td && td.interrupt_response !== false) this.responses.finish('cancelled', 'turn_detected');
      return;
    }
    const speech = this.speech;
    if (!speech) return;
    this.speech = undefined;
    this.ctx.emit({
      type: 'input_audio_buffer.speech_stopped',
      event_id: newId('event'),
      audio_end_ms: Math.round(samplesToMs(event.audioEndSample)),
      item_id: speech.itemId,
    });
    const samples = Math.min(event.audioEndSample, this.input.end) - Math.max(speech.startSample, this.input.first);
    this.input.dropBefore(event.audioEndSample);
    this.conversation.commitUserAudio(speech.itemId, Math.max(0, samples));
    const td = this.turnDetection();
    if (td && td.create_response !== false && !this.responses.active) this.responses.start();
  }

  private turnDetection(): RealtimeAudioInputTurnDetection | null {
    return this.ctx.config.audio.input.turn_detection ?? null;
  }

  private prefixPaddingMs(): number {
    const td = this.turnDetection();
    return td ? vadConfig(td).prefixPaddingMs : 0;
  }

  private buildVad(): EnergyVad | undefined {
    const td = this.turnDetection();
    return td ? new EnergyVad(vadConfig(td), this.input.end) : undefined;
  }
}
