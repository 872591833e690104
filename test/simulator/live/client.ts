import WebSocket from 'ws';
import type { ClientEvent } from 'openai/resources/live/live';
import { pcm16ToBase64 } from '../../../src/engine/audio/pcm';
import { liveSpecValidator } from '../../../src/simulator/live/spec/validator';
import type { WireEvent } from '../../../src/engine/realtime/dialects/types';
import { WsTestClient } from '../../../harness/ws-test-client';

/**
 * The GPT-Live simulator's test client: sends typed Live client events and checks server events
 * against the Live spec (the rest is WsTestClient).
 */

/** A Live server event as received (a wire object). */
export type LiveEvent = WireEvent;

export class LiveTestClient extends WsTestClient {
  private constructor(ws: WebSocket) {
    super(ws, (event) => liveSpecValidator().validate('server', event));
  }

  static async connect(url: string, headers: Record<string, string> = {}): Promise<LiveTestClient> {
    const ws = new WebSocket(url, { headers });
    const client = new LiveTestClient(ws);
    await WsTestClient.opened(ws);
    return client;
  }

  send(event: ClientEvent): void {
    this.sendRaw(event);
  }

  /** `session.start` with the given session (model gpt-live-1 unless set), then waits for `session.started`. */
  async start(session: Partial<Extract<ClientEvent, { type: 'session.start' }>['session']> = {}): Promise<LiveEvent> {
    this.send({ type: 'session.start', session: { model: 'gpt-live-1', ...session } });
    return this.next('session.started');
  }

  /** Sends audio as fast as the socket takes it. */
  appendAudio(pcm: Int16Array, chunkSamples = 480): void {
    for (let i = 0; i < pcm.length; i += chunkSamples) {
      this.send({ type: 'session.input_audio.append', audio: pcm16ToBase64(pcm.subarray(i, i + chunkSamples)) });
    }
  }

  /** Sends audio at real-time pace, 20 ms a chunk, as a microphone would. Resolves once all is sent. */
  async streamAudio(pcm: Int16Array, chunkMs = 20): Promise<void> {
    const chunk = chunkMs * 24;
    const began = performance.now();
    for (let i = 0, n = 0; i < pcm.length; i += chunk, n++) {
      const due = began + n * chunkMs;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (this.ws.readyState !== WebSocket.OPEN) return;
      this.send({ type: 'session.input_audio.append', audio: pcm16ToBase64(pcm.subarray(i, i + chunk)) });
    }
  }
}

/** Joined `delta`s of events of a type. */
export function joined(events: LiveEvent[]): string {
  return events.map((e) => String(e.delta)).join('');
}
