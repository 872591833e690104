import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServerEvent, SessionStartEvent } from 'openai/resources/live/live';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * A scripted GPT-Live server on 127.0.0.1 for protocol edge cases: it records every client frame
 * of each connection and sends what the test tells it to. (End-to-end behaviour is tested against
 * the simulator; this is for what a test must control to the frame.)
 */

export interface ScriptedSocket {
  socket: WebSocket;
  request: IncomingMessage;
  /** Every client frame so far, parsed. */
  frames: { type: string; [key: string]: unknown }[];
  /** Resolves with the first client frame of `type` (from now or already received). */
  next(type: string, timeoutMs?: number): Promise<{ type: string; [key: string]: unknown }>;
  send(event: ServerEvent | Record<string, unknown>): void;
  sendRaw(text: string): void;
  /** Answers `session.start` with `session.started` (id `sess_<n>`), expiring in an hour or `expiresInS`. */
  start(expiresInS?: number): Promise<SessionStartEvent>;
  /** Answer `session.close` with `session.closed` as the service does (default true). */
  autoClose: boolean;
}

export interface ScriptedLiveServer {
  port: number;
  url: string;
  /** The next connection (already accepted ones are returned in order). */
  connection(timeoutMs?: number): Promise<ScriptedSocket>;
  close(): Promise<void>;
}

export async function startScriptedLiveServer(): Promise<ScriptedLiveServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(wss, 'listening');
  const port = (wss.address() as AddressInfo).port;
  const accepted: ScriptedSocket[] = [];
  const waiting: ((s: ScriptedSocket) => void)[] = [];
  let sessions = 0;
  wss.on('connection', (socket, request) => {
    const frames: ScriptedSocket['frames'] = [];
    const watchers: { type: string; resolve: (f: ScriptedSocket['frames'][number]) => void }[] = [];
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as ScriptedSocket['frames'][number];
      frames.push(frame);
      if (frame.type === 'session.close' && scripted.autoClose) scripted.send(sessionClosed('close_requested', 1, sessionId));
      for (const w of watchers.filter((w) => w.type === frame.type)) {
        watchers.splice(watchers.indexOf(w), 1);
        w.resolve(frame);
      }
    });
    let sessionId = 'sess_0';
    const scripted: ScriptedSocket = {
      autoClose: true,
      socket,
      request,
      frames,
      next: (type, timeoutMs = 3_000) => {
        const seen = frames.find((f) => f.type === type);
        if (seen) return Promise.resolve(seen);
        return new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no '${type}' from the client within ${timeoutMs} ms`)), timeoutMs);
          watchers.push({ type, resolve: (f) => (clearTimeout(timer), resolve(f)) });
        });
      },
      send: (event) => socket.send(JSON.stringify(event)),
      sendRaw: (text) => socket.send(text),
      start: async (expiresInS = 3600) => {
        const start = (await scripted.next('session.start')) as unknown as SessionStartEvent;
        const id = `sess_${++sessions}`;
        sessionId = id;
        scripted.send({
          type: 'session.started',
          event_id: `evt_${id}`,
          session: { id, expires_at: Date.now() / 1000 + expiresInS, model: start.session.model, status: 'active' },
        });
        return start;
      },
    };
    const waiter = waiting.shift();
    if (waiter) waiter(scripted);
    else accepted.push(scripted);
  });
  return {
    port,
    url: `ws://127.0.0.1:${port}/v1/live/sessions`,
    connection: (timeoutMs = 3_000) => {
      const ready = accepted.shift();
      if (ready) return Promise.resolve(ready);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no connection within ${timeoutMs} ms`)), timeoutMs);
        waiting.push((s) => (clearTimeout(timer), resolve(s)));
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };
}

/** `session.closed` as the server sends it. */
export function sessionClosed(reason: string, seconds: number, id = 'sess_1'): Record<string, unknown> {
  return {
    type: 'session.closed',
    event_id: `evt_closed_${id}`,
    reason,
    session: { id, expires_at: 0, model: 'gpt-live-1', status: 'active' },
    usage: { seconds },
  };
}
