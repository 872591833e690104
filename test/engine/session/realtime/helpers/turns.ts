import type { RealtimeClientEvent, RealtimeServerEvent } from 'openai/resources/realtime/realtime';
import { TurnStateMachine } from '../../../../../src/engine/session/realtime/state-machine';
import { Player } from '../../../../../src/engine/audio/player';
import { pcm16ToBase64 } from '../../../../../src/engine/audio/pcm';
import type { Settings } from '../../../../../src/engine/settings';
import type { AssistantEvent } from '../../../../../src/engine/events';
import type { FrameSource, OutputDevice } from '../../../../../src/engine/audio/devices/types';

/** An output device the test clocks by hand: each `tick()` is one 10 ms frame pulled and heard (no device latency). */
export class HandClockedOutput implements OutputDevice {
  readonly name = 'hand-clocked';
  private pull: FrameSource | null = null;
  readonly heard: number[] = [];

  async start(pull: FrameSource): Promise<void> {
    this.pull = pull;
  }
  async stop(): Promise<void> {
    this.pull = null;
  }
  latencyMs(): number {
    return 0;
  }
  positionMs(): number {
    return this.heard.length * 10;
  }
  /** Pulls `frames` frames; returns the peak absolute sample of each. */
  tick(frames = 1): number[] {
    const peaks: number[] = [];
    for (let f = 0; f < frames; f++) {
      const frame = this.pull!();
      let peak = 0;
      for (let i = 0; i < frame.length; i++) peak = Math.max(peak, Math.abs(frame[i]!));
      peaks.push(peak);
      this.heard.push(peak);
    }
    return peaks;
  }
}

/** `ms` of a loud square wave, base64 as the server sends it. */
export function audio(ms: number, amplitude = 12_000): string {
  const pcm = new Int16Array((ms * 24_000) / 1000);
  for (let i = 0; i < pcm.length; i++) pcm[i] = (i >> 5) % 2 === 0 ? amplitude : -amplitude;
  return pcm16ToBase64(pcm);
}

let counter = 0;
const eid = () => `event_${++counter}`;

/**
 * A TurnStateMachine wired to a real Player on a hand-clocked output, the way RealtimeSession wires
 * it: what it sends and emits is recorded, `server(...)` feeds it server events.
 */
export function turnRig(settings: Settings) {
  const sent: RealtimeClientEvent[] = [];
  const events: AssistantEvent[] = [];
  const player = new Player();
  const output = new HandClockedOutput();
  const conversation = new TurnStateMachine({ settings, send: (e) => sent.push(e), player, emit: (e) => events.push(e) });
  player.on('item-started', (id: string) => conversation.playbackStarted(id));
  player.on('item-finished', (id: string) => conversation.playbackFinished(id));
  player.on('idle', () => conversation.playbackIdle());
  const server = (event: Record<string, unknown>) => conversation.handleServerEvent({ event_id: eid(), ...event } as unknown as RealtimeServerEvent);
  const states = () => events.filter((e) => e.type === 'state').map((e) => (e as { state: string }).state);
  const types = () => sent.map((e) => e.type);
  return { settings, sent, events, player, output, conversation, server, states, types };
}
