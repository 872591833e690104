import { once } from 'node:events';
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/** Real servers on 127.0.0.1, port 0, for connection tests. Each returns its port and a closer. */

export interface Started {
  port: number;
  close(): Promise<void>;
}

export interface WsServer extends Started {
  wss: WebSocketServer;
  /** The next accepted socket and its upgrade request. */
  nextConnection(): Promise<{ socket: WebSocket; request: IncomingMessage }>;
}

export async function startWsServer(): Promise<WsServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(wss, 'listening');
  const port = (wss.address() as AddressInfo).port;
  return {
    wss,
    port,
    nextConnection: async () => {
      const [socket, request] = (await once(wss, 'connection')) as [WebSocket, IncomingMessage];
      return { socket, request };
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };
}

/** Answers every WebSocket upgrade with `status` and a body. */
export async function startRefusingServer(status: number, body: string, contentType = 'application/json'): Promise<Started> {
  const server = createHttpServer((_req, res) => res.writeHead(status).end(body));
  server.on('upgrade', (_req, socket: Socket) => {
    const payload = Buffer.from(body);
    socket.end(
      `HTTP/1.1 ${status} Refused\r\nContent-Type: ${contentType}\r\nContent-Length: ${payload.length}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
  return listen(server);
}

/** Accepts TCP connections and never says a word. */
export async function startSilentServer(): Promise<Started> {
  const sockets = new Set<Socket>();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  const started = await listen(server);
  return {
    port: started.port,
    close: () => {
      for (const s of sockets) s.destroy();
      return started.close();
    },
  };
}

/** A port nobody listens on (bound, then released). */
export async function unusedPort(): Promise<number> {
  const server = createNetServer();
  const { port, close } = await listen(server);
  await close();
  return port;
}

async function listen(server: Server): Promise<Started> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        (server as Server & { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
