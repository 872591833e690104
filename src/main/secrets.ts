import { safeStorage } from 'electron';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from './atomic-file';

export type SecretPersistence = 'keychain' | 'session';

/**
 * The API key, encrypted with the OS keychain (`safeStorage`) in its own file. Where no keychain
 * is available (or Linux would fall back to its hard-coded `basic_text` password) the key is kept
 * in memory for this session only, and `persistence` says so. The key never leaves main.
 */
export class SecretStore {
  readonly path: string;
  private key: string | undefined;
  private loaded = false;

  constructor(userDataDir: string) {
    this.path = join(userDataDir, 'api-key.enc');
  }

  get persistence(): SecretPersistence {
    if (!safeStorage.isEncryptionAvailable()) return 'session';
    if (process.platform === 'linux' && safeStorage.getSelectedStorageBackend?.() === 'basic_text') return 'session';
    return 'keychain';
  }

  /** Reads the stored key once. Returns a notice when a stored key could not be decrypted. */
  load(): string | undefined {
    this.loaded = true;
    let sealed: Buffer;
    try {
      sealed = readFileSync(this.path);
    } catch {
      return undefined;
    }
    if (this.persistence !== 'keychain') return 'A saved API key exists but the system keychain is not available; enter the key again for this session.';
    try {
      this.key = safeStorage.decryptString(sealed);
      return undefined;
    } catch {
      return 'The saved API key could not be decrypted (the keychain changed?); enter it again in Settings.';
    }
  }

  get apiKey(): string | undefined {
    if (!this.loaded) this.load();
    return this.key;
  }

  get hasApiKey(): boolean {
    return this.apiKey !== undefined;
  }

  /** Stores (or with null clears) the key. Returns a notice for the user when it is session-only. */
  set(key: string | null): string | undefined {
    this.loaded = true;
    if (key === null) {
      this.key = undefined;
      rmSync(this.path, { force: true });
      return undefined;
    }
    this.key = key;
    if (this.persistence !== 'keychain') {
      return 'No system keychain is available: the API key is kept for this session only and will not be saved.';
    }
    mkdirSync(dirname(this.path), { recursive: true });
    writeFileAtomic(this.path, safeStorage.encryptString(key));
    return undefined;
  }
}
