import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * What a request must show before it may spend the user's API key: the loopback address and
 * port in `Host` (a page on another site that rebinds its DNS name to 127.0.0.1 sends its own
 * name), and the bearer token.
 */

/** A new bearer token: 32 random bytes, URL-safe. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Whether `Host` names this server by its loopback address and port (127.0.0.1, localhost, [::1]). */
export function hostAllowed(host: string | undefined, port: number): boolean {
  if (!host) return false;
  const match = /^(127\.0\.0\.1|localhost|\[::1\]):(\d+)$/i.exec(host.trim());
  return match !== null && Number(match[2]) === port;
}

/** Whether the request carries `Authorization: Bearer <token>` (compared in constant time). */
export function tokenAllowed(request: IncomingMessage, token: string): boolean {
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  if (!match) return false;
  const given = Buffer.from(match[1]!);
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/** A request body too large for the endpoint. */
export class BodyTooLarge extends Error {
  override name = 'BodyTooLarge';
}

/** Reads a request body, refusing it as soon as it passes `limit` bytes. */
export async function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLarge(`the recording is larger than ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLarge(`the recording is larger than ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
