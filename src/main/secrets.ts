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

/**
 * Main's secrets, each sealed in its own file: the API key and the voice endpoint's bearer token.
 * Neither is sent to a window unasked (the token only by its own IPC call) nor logged.
 */
export class SecretStore {
  readonly path: string;
  private readonly key: SealedSecret;
  private readonly token: SealedSecret;

  constructor(userDataDir: string) {
    this.path = join(userDataDir, 'api-key.enc');
    this.key = new SealedSecret(this.path);
    this.token = new SealedSecret(join(userDataDir, 'serve-token.enc'));
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
