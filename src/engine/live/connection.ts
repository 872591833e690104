import type { ClientEvent, ServerEvent } from 'openai/resources/live/live';
import { WsConnection, type ConnectionOptions } from '../realtime/connection';
import { decodeLiveServer } from './codec';
import type { LiveEndpoint } from './endpoints';

/**
 * One GPT-Live WebSocket: the shared WebSocket connection (timeouts, typed handshake errors for
 * 401/403/404/network, secrets kept out of messages) with the Live codec. Client events are the
 * `openai` package's `ClientEvent`s as they are.
 */
export class LiveConnection extends WsConnection<ClientEvent, ServerEvent> {
  constructor(endpoint: LiveEndpoint, options: ConnectionOptions = {}) {
    super(endpoint, { encode: (event) => event, decode: decodeLiveServer }, options);
  }
}
