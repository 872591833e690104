import type { UpdateProblem } from '../../shared/ipc';

/**
 * Why a check or a download failed, in the few kinds the window puts into words: no network, the
 * feed did not answer properly, the download did not match the sha512 of latest*.yml, or the
 * package's signature was refused (Windows, macOS).
 */
export function updateProblem(error: unknown): UpdateProblem {
  const { code, message } = describe(error);
  if (code === 'ERR_CHECKSUM_MISMATCH' || /checksum mismatch/i.test(message)) return 'hash';
  if (code === 'ERR_UPDATER_INVALID_SIGNATURE' || /not signed by the application owner|code signature|signature/i.test(message)) return 'signature';
  if (/^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH)$/.test(code) || /net::ERR_(INTERNET_DISCONNECTED|NAME_NOT_RESOLVED|CONNECTION_|NETWORK_|ADDRESS_UNREACHABLE|TIMED_OUT|PROXY_)/.test(message)) {
    return 'network';
  }
  if (/^HTTP_ERROR_\d+$/.test(code) || /^ERR_UPDATER_(INVALID_UPDATE_INFO|CHANNEL_FILE_NOT_FOUND|LATEST_VERSION_NOT_FOUND|NO_PUBLISHED_VERSIONS|INVALID_RELEASE_FEED|INVALID_VERSION)$/.test(code)) return 'feed';
  if (/YAMLException|Cannot parse update info/i.test(message)) return 'feed';
  return 'other';
}

/** One line for the log: the first line of the message, bounded (electron-updater's messages carry headers and stacks). */
export function problemLine(error: unknown): string {
  const { code, message } = describe(error);
  const first = (message.split('\n')[0] ?? '').trim().slice(0, 300);
  return code && !first.includes(code) ? `${first} (${code})` : first;
}

function describe(error: unknown): { code: string; message: string } {
  if (error instanceof Error) return { code: String((error as Error & { code?: unknown }).code ?? ''), message: error.message };
  return { code: '', message: String(error) };
}
