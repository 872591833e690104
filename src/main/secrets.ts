import { safeStorage } from 'electron';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { newToken } from '../server';
import { writeFileAtomic } from './atomic-file';
import { mainSaid, type MainSaid } from './said';

export type SecretPersistence = 'keychain' | 'session';

function persistence(): SecretPersistence {
  if (!safeStorage.isEncryptionAvailable()) return 'session';
  if (process.platform === 'linux' && safeStorage.getSelectedStorageBackend?.() === 'basic_text') return 'session';
  return 'keychain';
}

/**
 * One secret, encrypted with the OS keychain (`safeStorage`) in its own file. Where no keychain
 * is available (or Linux would fall back to its hard-coded `basic_text` password) it is kept in
 * memory for this session only. It never leaves main.
 */
class SealedSecret {
  private value: string | undefined;
  private loaded = false;
  /** Why the stored secret could not be used, when it could not. */
  problem: 'no-keychain' | 'undecryptable' | undefined;

  constructor(readonly path: string) {}

  /** Reads the stored secret once: 'no-keychain' or 'undecryptable' when a stored one cannot be used. */
  load(): 'no-keychain' | 'undecryptable' | undefined {
    this.loaded = true;
    this.problem = this.read();
    return this.problem;
  }

  private read(): 'no-keychain' | 'undecryptable' | undefined {
    let sealed: Buffer;
    try {
      sealed = readFileSync(this.path);
    } catch {
      return undefined;
    }
    if (persistence() !== 'keychain') return 'no-keychain';
    try {
      this.value = safeStorage.decryptString(sealed);
      return undefined;
    } catch {
      return 'undecryptable';
    }
  }

  get(): string | undefined {
    if (!this.loaded) this.load();
    return this.value;
  }

  /** Stores (or with null clears) the secret. Returns false when it is kept for this session only. */
  set(value: string | null): boolean {
    this.loaded = true;
    if (value === null) {
      this.value = undefined;
      rmSync(this.path, { force: true });
      return true;
    }
    this.value = value;
    if (persistence() !== 'keychain') return false;
    mkdirSync(dirname(this.path), { recursive: true });
    writeFileAtomic(this.path, safeStorage.encryptString(value));
    return true;
  }
}

/** MCP servers' header values: by server label, then header name (`Credentials.mcpHeaders`). */
export type McpHeaderValues = Record<string, Record<string, string>>;

/** What a server's settings say may have a value: its label and header names. */
export interface McpHeaderSlots {
  label: string;
  headerNames: readonly string[];
}

/**
 * Main's secrets, each sealed in its own file: the API key, the voice endpoint's bearer token and
 * the MCP servers' header values. None is sent to a window unasked (the token only by its own IPC
 * call; of the others a window learns only whether one is set) nor logged.
 */
export class SecretStore {
  readonly path: string;
  private readonly key: SealedSecret;
  private readonly token: SealedSecret;
  /** All header values in one sealed JSON document: one keychain operation for a change, not one per header. */
  private readonly headers: SealedSecret;

  constructor(userDataDir: string) {
    this.path = join(userDataDir, 'api-key.enc');
    this.key = new SealedSecret(this.path);
    this.token = new SealedSecret(join(userDataDir, 'serve-token.enc'));
    this.headers = new SealedSecret(join(userDataDir, 'mcp-headers.enc'));
  }

  get persistence(): SecretPersistence {
    return persistence();
  }

  /** Reads the stored key once. Returns a notice when a stored key could not be decrypted. */
  load(): MainSaid | undefined {
    const problem = this.key.load();
    if (problem === 'no-keychain') return mainSaid('main.key.noKeychainForSaved');
    if (problem === 'undecryptable') return mainSaid('main.key.undecryptable');
    return undefined;
  }

  /** Reads the stored MCP header values once. Returns a notice when stored values could not be used. */
  loadMcpHeaders(): MainSaid | undefined {
    const problem = this.headers.load();
    if (problem === 'no-keychain') return mainSaid('main.mcp.noKeychainForSaved');
    if (problem === 'undecryptable' || (this.headers.get() !== undefined && !this.readHeaders())) return mainSaid('main.mcp.undecryptable');
    return undefined;
  }

  /** Every stored header value (a copy), by server label then header name. */
  get mcpHeaders(): McpHeaderValues {
    return structuredClone(this.readHeaders() ?? {});
  }

  /** Which of the configured headers have a value: all a window may learn of them. */
  mcpHeadersSet(servers: readonly McpHeaderSlots[]): Record<string, string[]> {
    const values = this.readHeaders() ?? {};
    const set: Record<string, string[]> = {};
    for (const { label, headerNames } of servers) {
      const names = headerNames.filter((name) => values[label]?.[name] !== undefined);
      if (names.length > 0) set[label] = names;
    }
    return set;
  }

  /** Stores (or with null clears) one header value. Returns a notice for the user when it is session-only. */
  setMcpHeader(label: string, name: string, value: string | null): MainSaid | undefined {
    const values = this.readHeaders() ?? {};
    if (value === null) {
      if (values[label]) delete values[label][name];
      if (values[label] && Object.keys(values[label]).length === 0) delete values[label];
    } else {
      values[label] = { ...values[label], [name]: value };
    }
    return this.writeHeaders(values) ? undefined : mainSaid('main.mcp.sessionOnly');
  }

  /** Forgets the values of servers and headers the settings no longer name (a removed server keeps no secret behind). */
  pruneMcpHeaders(servers: readonly McpHeaderSlots[]): void {
    const values = this.readHeaders();
    if (!values) return;
    const kept: McpHeaderValues = {};
    for (const { label, headerNames } of servers) {
      for (const name of headerNames) {
        const value = values[label]?.[name];
        if (value !== undefined) (kept[label] ??= {})[name] = value;
      }
    }
    if (JSON.stringify(kept) !== JSON.stringify(values)) this.writeHeaders(kept);
  }

  private readHeaders(): McpHeaderValues | undefined {
    const sealed = this.headers.get();
    if (sealed === undefined) return undefined;
    try {
      const parsed: unknown = JSON.parse(sealed);
      return isHeaderValues(parsed) ? parsed : undefined;
    } catch {
      return undefined;
    }
  }

  /** False when the values are kept for this session only. */
  private writeHeaders(values: McpHeaderValues): boolean {
    return this.headers.set(Object.keys(values).length === 0 ? null : JSON.stringify(values));
  }

  get apiKey(): string | undefined {
    return this.key.get();
  }

  get hasApiKey(): boolean {
    return this.apiKey !== undefined;
  }

  /** Stores (or with null clears) the key. Returns a notice for the user when it is session-only. */
  set(key: string | null): MainSaid | undefined {
    return this.key.set(key) ? undefined : mainSaid('main.key.sessionOnly');
  }

  /**
   * The voice endpoint's bearer token, made on first use (or when the stored one cannot be read).
   * `notice`: what the user should be told (kept for this session only, or a new one replaced it).
   */
  serveToken(): { token: string; notice?: MainSaid } {
    const stored = this.token.get();
    if (stored) return { token: stored };
    return this.renewServeToken(this.token.problem === undefined ? undefined : mainSaid('main.serve.tokenUnreadable'));
  }

  /** A new token: the old one stops working. */
  renewServeToken(because?: MainSaid): { token: string; notice?: MainSaid } {
    const token = newToken();
    const kept = this.token.set(token);
    const notice = kept ? because : mainSaid('main.serve.tokenSessionOnly');
    return notice ? { token, notice } : { token };
  }
}

function isHeaderValues(value: unknown): value is McpHeaderValues {
  const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  return isRecord(value) && Object.values(value).every((headers) => isRecord(headers) && Object.values(headers).every((v) => typeof v === 'string'));
}
