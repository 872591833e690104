import WebSocket from 'ws';
import type { RealtimeClientEvent } from 'openai/resources/realtime/realtime';
import { getDialect } from '../../../src/engine/realtime/dialects';
import type { DialectName, WireEvent } from '../../../src/engine/realtime/dialects/types';
import { specValidator } from '../../../src/simulator/realtime/spec/validator';
import { pcm16ToBase64 } from '../../../src/engine/audio/pcm';
import { WsTestClient } from '../../../harness/ws-test-client';

/**
 * The Realtime simulator's test client: writes GA client events, encoded into the connection's
 * dialect, and checks server events against that dialect's spec (the rest is WsTestClient).
 */

export interface ConnectOptions {
  dialect?: DialectName;
  headers?: Record<string, string>;
  path?: string;
}

export class TestClient extends WsTestClient {
  private constructor(
    ws: WebSocket,
    readonly dialect: DialectName,
  ) {
    super(ws, (event) => specValidator(dialect).validate('server', event));
  }

  static async connect(baseUrl: string, options: ConnectOptions = {}): Promise<TestClient> {
    const dialect = options.dialect ?? 'ga';
    const url = options.path ? new URL(options.path, baseUrl.replace(/^ws/, 'http')).href.replace(/^http/, 'ws') : baseUrl;
    const headers = { ...(dialect === 'beta' ? getDialect('beta').handshakeHeaders : {}), ...options.headers };
    const ws = new WebSocket(url, { headers });
    const client = new TestClient(ws, dialect);
    await WsTestClient.opened(ws);
    return client;
  }

  /** Sends a GA client event, translated to the connection's dialect. */
  send(event: RealtimeClientEvent): void {
    this.sendRaw(getDialect(this.dialect).encodeClient(event));
  }

  appendAudio(pcm: Int16Array, chunkSamples = 480): void {
    for (let i = 0; i < pcm.length; i += chunkSamples) {
      this.send({ type: 'input_audio_buffer.append', audio: pcm16ToBase64(pcm.subarray(i, i + chunkSamples)) });
    }
  }
}

export function audioDeltaType(dialect: DialectName): string {
  return dialect === 'ga' ? 'response.output_audio.delta' : 'response.audio.delta';
}

export function transcriptDeltaType(dialect: DialectName): string {
  return dialect === 'ga' ? 'response.output_audio_transcript.delta' : 'response.audio_transcript.delta';
}

export function transcriptDoneType(dialect: DialectName): string {
  return dialect === 'ga' ? 'response.output_audio_transcript.done' : 'response.audio_transcript.done';
}

export function itemAddedType(dialect: DialectName): string {
  return dialect === 'ga' ? 'conversation.item.added' : 'conversation.item.created';
}

/** Samples of a base64 PCM16 delta. */
export function deltaSamples(event: WireEvent): number {
  return Buffer.from(String(event.delta), 'base64').length / 2;
}
