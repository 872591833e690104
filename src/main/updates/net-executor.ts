import { net, session } from 'electron';
import electronHttpExecutor from 'electron-updater/out/electronHttpExecutor.js';
import type { OutgoingHttpHeaders } from 'node:http';

/**
 * electron-updater's HTTP (the feed, the payload, block maps) through Electron's `net`, reached
 * through our own `electron` import rather than electron-updater's `require("electron")`: the
 * same executor runs in the app and, with the `electron` test double, in the tests.
 *
 * It also keeps the check private: only the headers a feed request needs leave the machine.
 * electron-updater adds `x-user-staging-id` (a random id kept in userData, for staged rollouts) to
 * every request; it is dropped here, with anything else not on the list. Staged rollouts still
 * work: the percentage is compared with that id locally.
 */
const NEEDED_HEADERS = new Set(['accept', 'cache-control', 'range', 'user-agent']);

export function neededHeaders(headers: OutgoingHttpHeaders | undefined): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value !== undefined && NEEDED_HEADERS.has(name.toLowerCase())) kept[name] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return kept;
}

const { ElectronHttpExecutor } = electronHttpExecutor;

export class UpdateNetExecutor extends ElectronHttpExecutor {
  override createRequest(options: Record<string, unknown> & { headers?: OutgoingHttpHeaders }, callback: (response: unknown) => void): Electron.ClientRequest {
    const request = net.request({
      ...options,
      headers: neededHeaders(options.headers),
      // electron-updater's own partition: no cookies, no cache shared with the window.
      session: session.fromPartition('electron-updater', { cache: false }),
    } as Electron.ClientRequestConstructorOptions);
    request.on('response', callback);
    return request;
  }
}
