import { EventEmitter, once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { SessionUpdateEvent } from 'openai/resources/realtime/realtime';
import { parseSettings } from '../../../../src/engine/settings';
import { resolveEndpoint, type Endpoint } from '../../../../src/engine/realtime/endpoints';
import type { ResilientConnection, ResilientEvents } from '../../../../src/engine/realtime/resilient';

export function localEndpoint(url: string): Endpoint {
  return resolveEndpoint(parseSettings({ provider: 'local' }), {}, { localUrl: url });
}

export const SESSION_UPDATE: SessionUpdateEvent = {
  type: 'session.update',
  session: { type: 'realtime', instructions: 'Be brief.', audio: { input: { transcription: { model: 'gpt-4o-mini-transcribe' } } } },
};

/** Everything a ResilientConnection emits, in order, for assertions. */
export function record(connection: ResilientConnection): { log: { name: keyof ResilientEvents; arg: unknown }[]; of: <K extends keyof ResilientEvents>(name: K) => ResilientEvents[K][0][] } {
  const log: { name: keyof ResilientEvents; arg: unknown }[] = [];
  for (const name of ['state', 'disconnected', 'handover', 'session', 'failed', 'protocol-error', 'event'] as const) {
    connection.on(name, (arg: unknown) => log.push({ name, arg }));
  }
  return { log, of: (name) => log.filter((e) => e.name === name).map((e) => e.arg) as never };
}

export function nextEmitted<K extends keyof ResilientEvents>(connection: ResilientConnection, name: K): Promise<ResilientEvents[K][0]> {
  return once(connection as EventEmitter, name).then(([arg]) => arg as ResilientEvents[K][0]);
}

/** One step of a scripted server: accept the upgrade, or refuse it with an HTTP status. */
export type Step = 'accept' | { status: number; headers?: Record<string, string>; body?: string };

export interface ScriptedServer {
  url: string;
  /** Upgrade requests seen so far. */
  readonly upgrades: number;
  /** Sockets accepted so far, in order. */
  readonly sockets: WebSocket[];
  nextSocket(): Promise<WebSocket>;
  close(): Promise<void>;
}

/**
 * A WebSocket server on 127.0.0.1 that answers each upgrade with the next step of `script` (the last
 * step repeats): the way a real endpoint first accepts, then refuses a key or fails with a 5xx.
 */
export async function startScriptedServer(script: Step[]): Promise<ScriptedServer> {
  const wss = new WebSocketServer({ noServer: true });
  const events = new EventEmitter<{ socket: [WebSocket] }>();
  const sockets: WebSocket[] = [];
  let upgrades = 0;
  const http = createServer((_req, res) => res.writeHead(426).end());
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const step = script[Math.min(upgrades, script.length - 1)]!;
    upgrades++;
    if (step === 'accept') {
      wss.handleUpgrade(req, socket, head, (ws) => {
        ws.on('error', () => {});
        sockets.push(ws);
        events.emit('socket', ws);
      });
      return;
    }
    const body = step.body ?? JSON.stringify({ error: { message: `refused with ${step.status}` } });
    const headers = Object.entries(step.headers ?? {}).map(([k, v]) => `${k}: ${v}\r\n`).join('');
    socket.end(
      `HTTP/1.1 ${step.status} Refused\r\nContent-Type: application/json\r\n${headers}Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  const { port } = http.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/v1/realtime?model=gpt-realtime`,
    get upgrades() {
      return upgrades;
    },
    sockets,
    nextSocket: () => once(events, 'socket').then(([ws]) => ws as WebSocket),
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/** Resolves with the `count`-th server event from now that matches `test`. */
export function serverEvents(connection: ResilientConnection, test: (e: { type: string }) => boolean, count = 1): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
    const on = (event: { type: string }) => {
      if (!test(event) || ++seen < count) return;
      connection.off('event', on);
      resolve();
    };
    connection.on('event', on);
  });
}
