import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** An id shaped like the real server's (`sess_C9G5QPteg4UIbotdKLoYQ`): prefix, underscore, 21 alphanumerics. */
export function newId(prefix: string): string {
  const bytes = randomBytes(21);
  let id = `${prefix}_`;
  for (const b of bytes) id += ALPHABET[b % ALPHABET.length];
  return id;
}
