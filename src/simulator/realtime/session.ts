import type { RealtimeClientEvent, RealtimeServerEvent } from 'openai/resources/realtime/realtime';
import type { DialectName, WireEvent } from '../../engine/realtime/dialects/types';
import { newId } from '../ids';
import { Outbox, type Recorded, type SessionTransport } from '../outbox';
import { wireCodec, type WireCodec } from './codec';
import { applySessionUpdate, initialConfig, sessionView, type SimSessionConfig } from './config';
import type { RealtimeContext, SessionOptions } from './context';
import { Conversation, type StoredItem } from './conversation';
import { Responses } from './responses';
import { specValidator, type SpecValidator } from './spec/validator';
import { withoutDocumentedNulls } from './spec-gaps';
import { unknownParam } from './spec/unknown-params';
import { refusedParam, unknownParameter } from '../strict';
import { Turns } from './turns';
import { listMcpTools } from './tool-responses';

/**
 * One Realtime session, as the server keeps it for one WebSocket: it validates and decodes each
 * client event and hands it to the part that owns it (config, turns, conversation, responses).
 * It thinks in GA events; the codec turns them into the connection's dialect.
 */

export type { SimSessionConfig } from './config';
export type { StoredItem } from './conversation';

export interface Violation {
  event: WireEvent;
  message: string;
}

export class SimSession implements RealtimeContext {
  readonly id = newId('sess');
  readonly dialect: DialectName;
  /** Every client event received (parsed JSON, or the raw text when it was not JSON), up to the record limit. */
  readonly received: Recorded<unknown>[] = [];
  /** Outgoing events that failed spec validation (only with `validateOutgoing`). */
  readonly violations: Violation[] = [];
  readonly config: SimSessionConfig;
  private readonly codec: WireCodec;
  private readonly spec: SpecValidator;
  private readonly outbox: Outbox;
  private readonly conversation: Conversation;
  private readonly responses: Responses;
  private readonly turns: Turns;
  private disposed = false;

  constructor(
    transport: SessionTransport,
    readonly options: SessionOptions,
  ) {
    this.dialect = options.dialect;
    this.codec = wireCodec(options.dialect);
    this.spec = specValidator(options.dialect);
    this.outbox = new Outbox(transport, options.faults, options.recordLimit, () => this.dispose());
    this.config = initialConfig(this.id, options.model);
    this.conversation = new Conversation(this);
    this.responses = new Responses(this, this.conversation);
    this.turns = new Turns(this, this.conversation, this.responses);
  }

  /** Every server frame sent (the wire object, or raw text for injected malformed frames), up to the record limit. */
  get sent(): Recorded<WireEvent | string>[] {
    return this.outbox.sent as Recorded<WireEvent | string>[];
  }

  /** The conversation, in order. */
  get items(): Map<string, StoredItem> {
    return this.conversation.items;
  }

  /** Milliseconds of input audio received so far (the clock `audio_*_ms` count on). */
  get inputMs(): number {
    return this.turns.inputMs;
  }

  get activeResponseId(): string | undefined {
    return this.responses.activeId;
  }

  get closed(): boolean {
    return this.disposed;
  }

  /** Sends `session.created` and arms the timed faults. Call once the socket is open. */
  start(): void {
    this.emit({ type: 'session.created', event_id: newId('event'), session: sessionView(this.config) });
    const expireMs = this.options.faults.sessionExpiredAfterMs;
    if (expireMs !== undefined) {
      this.outbox.later(expireMs, () => {
        this.sendError('session_expired', 'Your session hit the maximum duration of 30 minutes.', null, null);
        this.outbox.close(1000, 'session expired');
      });
    }
  }

  /** Stops every timer; the socket is gone. */
  dispose(): void {
    this.disposed = true;
    this.outbox.dispose();
    this.responses.dispose();
  }

  receive(text: string): void {
    const frame = this.outbox.receiveText(this.received, text);
    if (!frame.ok) {
      this.sendError('invalid_json', frame.message, null, null);
      return;
    }
    const parsed = frame.value;
    const clientEventId = clientEventIdOf(parsed);
    const check = this.spec.validate('client', withoutDocumentedNulls(parsed));
    if (!check.ok) {
      const code = check.message.startsWith('Missing required parameter') ? 'missing_required_parameter' : 'invalid_value';
      this.sendError(code, check.message, check.param ?? null, clientEventId);
      return;
    }
    const strict = this.options.strict;
    const unknown = strict && (refusedParam(parsed, strict) ?? this.unknownParameter(parsed));
    if (unknown) return this.sendError(unknown.code, unknown.message, unknown.param, clientEventId);
    const decoded = this.codec.decodeClient(parsed);
    if (decoded.ok !== true) {
      const message = decoded.ok === false ? decoded.error : `Unsupported event type '${decoded.type}'.`;
      this.sendError('invalid_value', message, null, clientEventId);
      return;
    }
    this.handle(decoded.event, clientEventId);
  }

  private unknownParameter(parsed: unknown) {
    const param = unknownParam(this.spec, 'client', parsed as { type: string });
    return param === undefined ? undefined : unknownParameter(param);
  }

  receiveBinary(): void {
    this.outbox.record(this.received, performance.now(), '(binary frame)');
    this.sendError('invalid_value', 'Binary frames are not part of the Realtime protocol; send JSON text frames.', null, null);
  }

  sendError(code: string, message: string, param: string | null, clientEventId: string | null): void {
    this.emit({
      type: 'error',
      event_id: newId('event'),
      error: { type: 'invalid_request_error', code, message, param, event_id: clientEventId },
    });
  }

  emit(event: RealtimeServerEvent): void {
    if (this.disposed) return;
    const wire = this.codec.encodeServer(event);
    if (!wire) return;
    if (this.options.validateOutgoing) {
      const result = this.spec.validate('server', wire);
      if (!result.ok) {
        this.violations.push({ event: wire, message: result.message });
        console.error(`[simulator] invalid outgoing ${wire.type} (${this.dialect}): ${result.message}`);
      }
    }
    this.outbox.send(wire);
  }

  private readonly listedMcp = new Set<string>();

  /** Each MCP server declared for the first time in this session has its tools listed (the scripted ones). */
  private listNewMcpServers(): void {
    for (const tool of this.config.tools ?? []) {
      if (tool.type !== 'mcp' || this.listedMcp.has(tool.server_label)) continue;
      this.listedMcp.add(tool.server_label);
      const names = (this.options.tools?.mcp ?? []).filter((call) => call.server === tool.server_label).map((call) => call.name);
      listMcpTools(this, this.conversation, tool, [...new Set(names)]);
    }
  }

  private handle(event: RealtimeClientEvent, clientEventId: string | null): void {
    switch (event.type) {
      case 'session.update': {
        const update = event.session;
        if (update.type !== 'realtime') {
          return this.sendError('invalid_value', "The simulator supports only session.type 'realtime'.", 'session.type', clientEventId);
        }
        if (applySessionUpdate(this.config, update)) this.turns.reset();
        this.emit({ type: 'session.updated', event_id: newId('event'), session: sessionView(this.config) });
        return this.listNewMcpServers();
      }
      case 'input_audio_buffer.append':
        return this.turns.append(event.audio, clientEventId);
      case 'input_audio_buffer.commit':
        return this.turns.commit(clientEventId);
      case 'input_audio_buffer.clear':
        return this.turns.clear();
      case 'response.create':
        return this.responses.create(event.response, clientEventId);
      case 'response.cancel':
        return this.responses.cancel(event.response_id, clientEventId);
      case 'conversation.item.create':
        return this.conversation.create(event, clientEventId);
      case 'conversation.item.truncate':
        return this.conversation.truncate(event, clientEventId, (itemId) => {
          // Truncating the item still being spoken ends its response: audio past the cut is discarded.
          if (this.responses.activeItemId === itemId) this.responses.finish('cancelled', 'client_cancelled');
        });
      case 'conversation.item.delete':
        return this.conversation.delete(event.item_id, clientEventId);
      case 'conversation.item.retrieve':
        return this.conversation.retrieve(event.item_id, clientEventId);
      case 'output_audio_buffer.clear':
        return this.sendError('invalid_value', 'output_audio_buffer.clear is only supported for WebRTC sessions.', 'type', clientEventId);
      default:
        return this.sendError('invalid_value', `The simulator does not support '${(event as { type: string }).type}'.`, 'type', clientEventId);
    }
  }
}

function clientEventIdOf(parsed: unknown): string | null {
  if (typeof parsed !== 'object' || parsed === null) return null;
  const id = (parsed as { event_id?: unknown }).event_id;
  return typeof id === 'string' ? id : null;
}
