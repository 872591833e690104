import { describe, expect, it, vi } from 'vitest';
import { redact } from '../../src/main/controller';

vi.mock('electron', () => import('../mocks/electron'));

describe('redact', () => {
  it('replaces every occurrence of every secret', () => {
    expect(redact('key sk-AAAA1111 and token tok-BBBB, again sk-AAAA1111', ['sk-AAAA1111', 'tok-BBBB'])).toBe('key [redacted] and token [redacted], again [redacted]');
  });

  it('a secret that contains another is replaced whole, not in pieces', () => {
    expect(redact('Bearer abcd1234efgh', ['abcd1234', 'Bearer abcd1234efgh'])).toBe('[redacted]');
  });

  it('leaves text alone when there is no secret, or one too short to be one', () => {
    expect(redact('nothing here', undefined)).toBe('nothing here');
    expect(redact('a b c', ['a'])).toBe('a b c');
    expect(redact('key sk-AAAA1111', 'sk-AAAA1111')).toBe('key [redacted]');
  });
});
