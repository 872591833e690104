import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as mock from '../mocks/electron';
import { SecretStore } from '../../src/main/secrets';
import { englishOf } from '../../src/main/said';

vi.mock('electron', () => import('../mocks/electron'));

const KEY = 'sk-proj-TESTKEY-0123456789abcdef';
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kaiwa-secrets-'));
  mock.resetElectronMock(dir);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('SecretStore', () => {
  it('stores the key encrypted in its own file and reads it back in a new session', () => {
    expect(new SecretStore(dir).set(KEY)).toBeUndefined();
    const sealed = readFileSync(join(dir, 'api-key.enc'));
    expect(sealed.toString('utf8')).not.toContain(KEY);
    const next = new SecretStore(dir);
    expect(next.load()).toBeUndefined();
    expect(next.apiKey).toBe(KEY);
  });

  it('clearing removes the file', () => {
    const store = new SecretStore(dir);
    store.set(KEY);
    store.set(null);
    expect(store.hasApiKey).toBe(false);
    expect(existsSync(join(dir, 'api-key.enc'))).toBe(false);
    expect(new SecretStore(dir).apiKey).toBeUndefined();
  });

  it.each([
    ['no keychain at all', () => (mock.electronMock.encryptionAvailable = false)],
    ['Linux basic_text (a hard-coded password)', () => (mock.electronMock.storageBackend = 'basic_text')],
  ])('%s: the key lives in memory for the session only, and the user is told', (_what, setUp) => {
    setUp();
    const store = new SecretStore(dir);
    expect(store.persistence).toBe('session');
    expect(englishOf(store.set(KEY)!)).toMatch(/session only/);
    expect(store.apiKey).toBe(KEY);
    expect(existsSync(join(dir, 'api-key.enc'))).toBe(false);
    expect(new SecretStore(dir).apiKey).toBeUndefined();
  });

  it('a file that no longer decrypts: no key, and a notice', () => {
    new SecretStore(dir).set(KEY);
    rmSync(join(dir, 'api-key.enc'));
    writeFileSync(join(dir, 'api-key.enc'), 'garbage');
    const store = new SecretStore(dir);
    expect(englishOf(store.load()!)).toMatch(/could not be decrypted/);
    expect(store.apiKey).toBeUndefined();
  });
});

describe('SecretStore: MCP header values', () => {
  const VALUE = 'Bearer mcp-NEVER-LEAK-0123456789';
  const docs = { label: 'docs', headerNames: ['Authorization', 'X-Team'] };

  it('stores them sealed, like the key, and reads them back in a new session', () => {
    const store = new SecretStore(dir);
    expect(store.setMcpHeader('docs', 'Authorization', VALUE)).toBeUndefined();
    expect(readFileSync(join(dir, 'mcp-headers.enc')).toString('latin1')).not.toContain('NEVER-LEAK');
    const next = new SecretStore(dir);
    expect(next.loadMcpHeaders()).toBeUndefined();
    expect(next.mcpHeaders).toEqual({ docs: { Authorization: VALUE } });
  });

  it('tells a window only which configured headers have a value', () => {
    const store = new SecretStore(dir);
    store.setMcpHeader('docs', 'Authorization', VALUE);
    expect(store.mcpHeadersSet([docs, { label: 'wiki', headerNames: ['Authorization'] }])).toEqual({ docs: ['Authorization'] });
    expect(JSON.stringify(store.mcpHeadersSet([docs]))).not.toContain('NEVER-LEAK');
  });

  it('clearing the last value removes the file', () => {
    const store = new SecretStore(dir);
    store.setMcpHeader('docs', 'Authorization', VALUE);
    store.setMcpHeader('docs', 'X-Team', 'kyoto');
    store.setMcpHeader('docs', 'Authorization', null);
    expect(new SecretStore(dir).mcpHeaders).toEqual({ docs: { 'X-Team': 'kyoto' } });
    store.setMcpHeader('docs', 'X-Team', null);
    expect(existsSync(join(dir, 'mcp-headers.enc'))).toBe(false);
    expect(store.mcpHeaders).toEqual({});
  });

  it('forgets the values of servers and headers the settings no longer name', () => {
    const store = new SecretStore(dir);
    store.setMcpHeader('docs', 'Authorization', VALUE);
    store.setMcpHeader('docs', 'X-Team', 'kyoto');
    store.setMcpHeader('wiki', 'Authorization', 'wiki-token');
    store.pruneMcpHeaders([{ label: 'docs', headerNames: ['X-Team'] }]);
    expect(new SecretStore(dir).mcpHeaders).toEqual({ docs: { 'X-Team': 'kyoto' } });
    store.pruneMcpHeaders([]);
    expect(existsSync(join(dir, 'mcp-headers.enc'))).toBe(false);
  });

  it('without a keychain they live for the session only, and the user is told', () => {
    mock.electronMock.encryptionAvailable = false;
    const store = new SecretStore(dir);
    expect(englishOf(store.setMcpHeader('docs', 'Authorization', VALUE)!)).toMatch(/session only/);
    expect(store.mcpHeaders).toEqual({ docs: { Authorization: VALUE } });
    expect(existsSync(join(dir, 'mcp-headers.enc'))).toBe(false);
  });

  it('a file that no longer decrypts: no values, and a notice', () => {
    writeFileSync(join(dir, 'mcp-headers.enc'), 'garbage');
    const store = new SecretStore(dir);
    expect(englishOf(store.loadMcpHeaders()!)).toMatch(/could not be decrypted/);
    expect(store.mcpHeaders).toEqual({});
  });

  it('a sealed file that is not the values it should be reads as none', () => {
    new SecretStore(dir).set(KEY);
    writeFileSync(join(dir, 'mcp-headers.enc'), readFileSync(join(dir, 'api-key.enc')));
    const store = new SecretStore(dir);
    expect(englishOf(store.loadMcpHeaders()!)).toMatch(/could not be decrypted/);
    expect(store.mcpHeaders).toEqual({});
  });
});
