import { safeStorage } from 'electron';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { englishT, type Translate } from '../shared/i18n';
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

  /** `t`: the language of the notices (Kaiwa's). */
  constructor(
    userDataDir: string,
    private readonly t: Translate = englishT(),
  ) {
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
    if (this.persistence !== 'keychain') return this.t('main.key.noKeychainForSaved');
    try {
      this.key = safeStorage.decryptString(sealed);
      return undefined;
    } catch {
      return this.t('main.key.undecryptable');
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
      return this.t('main.key.sessionOnly');
    }
    mkdirSync(dirname(this.path), { recursive: true });
    writeFileAtomic(this.path, safeStorage.encryptString(key));
    return undefined;
  }
}
