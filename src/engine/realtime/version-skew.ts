import { say, type EngineMessage } from '../messages';

/**
 * Recovery from version skew: a server of another API version refuses a session configuration
 * (Realtime `session.update`, GPT-Live `session.start`/`session.update`) with `unknown_parameter`,
 * or `invalid_value` for a field Kaiwa could leave out, and names it in `error.param`. The
 * parameter is dropped from this configuration and from every later one of the conversation
 * (reconnects and renewals too), the configuration goes again, and the user is told once which
 * setting this server does not take. Each parameter once, a bounded number in all: never a loop.
 */

/** A configuration event: what the server may refuse and Kaiwa sends again. */
export interface ConfigEvent {
  type: string;
  event_id?: string | null;
  session: object;
}

/** The fields of a server `error` this reads (the refused event's id: Realtime `event_id`, GPT-Live `client_event_id`). */
export interface SkewError {
  code?: string | null;
  param?: string | null;
  event_id?: string | null;
  client_event_id?: string | null;
}

export interface SkewRecovery<E extends ConfigEvent> {
  /** The refused configuration without the parameter, under a new event id: send it. */
  resend: E;
  /** The parameter in the engine's session object, dotted (`audio.output.speed`). */
  dropped: string;
  /** English, for logs. */
  message: string;
  said: EngineMessage;
}

/** Wire `error.param` (without `session.`) -> the path in the engine's session object; undefined: not one. */
export type ParamPath = (param: string) => string[] | undefined;

/** How many parameters one conversation may drop before a refusal is reported as it is. */
export const MAX_DROPPED_PARAMS = 8;
const REMEMBERED_EVENTS = 8;
const RECOVERABLE = new Set(['unknown_parameter', 'invalid_value']);

export class VersionSkew<E extends ConfigEvent> {
  private readonly dropped = new Set<string>();
  private readonly sent = new Map<string, E>();
  private last: E | null = null;
  private count = 0;

  /** `keep`: paths never dropped, nor anything inside them (the session type, the model, the audio formats Kaiwa speaks). */
  constructor(
    private readonly toPath: ParamPath,
    private readonly keep: ReadonlySet<string>,
    private readonly idPrefix: string,
  ) {}

  /** Parameters dropped so far (engine paths). */
  get droppedParams(): readonly string[] {
    return [...this.dropped];
  }

  /** The event as this server takes it: without what it refused before, with an event id to match its error. */
  prepare(event: E): E {
    const out = structuredClone(event);
    for (const path of this.dropped) remove(out.session, path.split('.'));
    out.event_id = `${this.idPrefix}${++this.count}`;
    this.sent.set(out.event_id, out);
    if (this.sent.size > REMEMBERED_EVENTS) this.sent.delete(this.sent.keys().next().value!);
    this.last = out;
    return out;
  }

  /** For a server error: the configuration to send again and what to tell, or null (report the error as it is). */
  recover(error: SkewError): SkewRecovery<E> | null {
    if (!error.code || !RECOVERABLE.has(error.code) || typeof error.param !== 'string') return null;
    const eventId = error.event_id ?? error.client_event_id;
    const scoped = error.param.startsWith('session.');
    // Without the event's id, a `session.` parameter can only be about the last configuration.
    const refused = eventId ? this.sent.get(eventId) : scoped ? this.last : undefined;
    if (!refused || this.dropped.size >= MAX_DROPPED_PARAMS) return null;
    const param = scoped ? error.param.slice('session.'.length) : error.param;
    if (/[[\]]/.test(param)) return null; // inside a list (a tool): dropping it would change the meaning
    let path = this.toPath(param);
    // A `type` is what its object is: without it the object means nothing, so the object goes.
    if (path && path.length > 1 && path.at(-1) === 'type') path = path.slice(0, -1);
    if (!path || path.length === 0) return null;
    const dotted = path.join('.');
    const kept = [...this.keep].some((k) => dotted === k || dotted.startsWith(`${k}.`));
    if (kept || this.dropped.has(dotted) || !has(refused.session, path)) return null;
    const value = get(refused.session, path);
    this.dropped.add(dotted);
    const { event_id: _id, ...again } = refused;
    const words = skewWords(dotted, error.param, value);
    return { resend: this.prepare(again as E), dropped: dotted, message: words.english, said: words.said };
  }
}

/** What the user is told, by the setting the parameter belongs to. */
function skewWords(path: string, param: string, value: unknown): { english: string; said: EngineMessage } {
  const under = (prefix: string) => path === prefix || path.startsWith(`${prefix}.`);
  if (under('audio.output.speed')) return { english: 'This server ignores reply speed; it stays at 1.0.', said: say('notice.skewSpeed') };
  if (under('audio.output.voice')) {
    const voice = typeof value === 'string' ? value : JSON.stringify(value);
    return { english: `This server does not have the voice ${voice}; it speaks with its own.`, said: say('notice.skewVoice', { voice }) };
  }
  if (under('audio.input.noise_reduction')) return { english: 'This server does not reduce noise; the microphone goes as it is.', said: say('notice.skewNoiseReduction') };
  if (under('audio.input.transcription.language')) {
    return { english: 'This server does not take the spoken language; it detects it itself.', said: say('notice.skewTranscriptionLanguage') };
  }
  if (under('audio.input.turn_detection')) {
    return { english: `This server does not take part of the turn detection (${param}); it uses its own.`, said: say('notice.skewTurnDetection', { param }) };
  }
  if (under('tools') || under('tool_choice') || under('delegation')) {
    return { english: `This server does not take the tools setting (${param}); the model may not use Kaiwa's tools.`, said: say('notice.skewTools', { param }) };
  }
  return { english: `This server does not take the setting ${param}; the conversation goes on without it.`, said: say('notice.skewOther', { param }) };
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parentOf(root: object, path: readonly string[]): Json | undefined {
  let node: unknown = root;
  for (const key of path.slice(0, -1)) {
    if (!isObject(node)) return undefined;
    node = node[key];
  }
  return isObject(node) ? node : undefined;
}

function has(root: object, path: readonly string[]): boolean {
  const parent = parentOf(root, path);
  return parent !== undefined && Object.prototype.hasOwnProperty.call(parent, path.at(-1)!);
}

function get(root: object, path: readonly string[]): unknown {
  return parentOf(root, path)?.[path.at(-1)!];
}

function remove(root: object, path: readonly string[]): void {
  const parent = parentOf(root, path);
  if (parent) delete parent[path.at(-1)!];
}
