import { request } from 'node:http';

/** What the voice endpoint answered a turn. */
export interface TurnReply {
  status: number;
  type: string | undefined;
  body: Buffer;
}

/** POSTs a recording to the voice endpoint's `/v1/turn` on 127.0.0.1, with the bearer token when given. */
export function postTurn(port: number, token: string | undefined, recording: Buffer, contentType = 'audio/wav'): Promise<TurnReply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/v1/turn',
        headers: { 'Content-Type': contentType, ...(token !== undefined ? { Authorization: `Bearer ${token}` } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => resolve({ status: res.statusCode!, type: res.headers['content-type'], body: Buffer.concat(chunks) }));
      },
    );
    req.on('error', reject);
    req.end(recording);
  });
}

/** An HTTP GET on 127.0.0.1:port: 'answers' when anything replies, else the connection error's code (ECONNREFUSED...). */
export function probe(port: number): Promise<string> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/', method: 'GET' }, (res) => {
      res.resume();
      resolve('answers');
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    req.end();
  });
}
