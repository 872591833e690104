import { request } from 'node:http';

/** What the voice endpoint answered a turn. */
export interface TurnReply {
  status: number;
  type: string | undefined;
  body: Buffer;
}

/** POSTs a recording (or words, or a form) to the voice endpoint's `/v1/turn` on 127.0.0.1, with the bearer token when given. */
export function postTurn(port: number, token: string | undefined, recording: Buffer, contentType = 'audio/wav', headers: Record<string, string> = {}): Promise<TurnReply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/v1/turn',
        headers: { 'Content-Type': contentType, ...(token !== undefined ? { Authorization: `Bearer ${token}` } : {}), ...headers },
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

/** A multipart/form-data body as a client sends it (the platform's FormData encoder): parts by name, files with a file name. */
export async function formBody(parts: Array<[name: string, value: string | { data: Uint8Array; file: string; type?: string }]>): Promise<{ body: Buffer; contentType: string }> {
  const form = new FormData();
  for (const [name, value] of parts) {
    if (typeof value === 'string') form.append(name, value);
    else form.append(name, new Blob([value.data], value.type ? { type: value.type } : {}), value.file);
  }
  const request = new Request('http://127.0.0.1/', { method: 'POST', body: form });
  return { body: Buffer.from(await request.arrayBuffer()), contentType: request.headers.get('content-type')! };
}
