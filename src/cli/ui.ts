import type { AssistantEvent, AssistantState, Level, Protocol, Settings, ToolOutcome } from '../engine';
import { resolveProtocol, SILENCE_DB } from '../engine';
import { meterLine, type MeterReading } from '../shared/meter-words';
import { saidWords, type MessageKey, type Translate } from '../shared/i18n';
import { StringDecoder } from 'node:string_decoder';
import { LinePrompt } from './line-prompt';
import { clipColumns, columns, tailColumns } from './terminal-text';

/** What the terminal shows. Two implementations: a live status line (TTY) and plain lines. */
export interface Ui {
  show(event: AssistantEvent): void;
  info(line: string): void;
  /**
   * Asks a yes/no/always question (tool consent) on the terminal: `line` is shown and the next y, n
   * or a key answers. False when this terminal cannot ask (plain lines: no keys are read).
   */
  ask(id: string, line: string, answer: (key: ConsentKey) => void): boolean;
  /** The question was settled elsewhere (answered, timed out): keys no longer answer it. */
  settled(id: string): void;
  close(): void;
}

export type ConsentKey = 'y' | 'n' | 'a';

const OUTCOME: Record<ToolOutcome, MessageKey> = {
  ok: 'cli.tool.outcome.ok',
  error: 'cli.tool.outcome.error',
  denied: 'cli.tool.outcome.denied',
  timeout: 'cli.tool.outcome.timeout',
  'unknown-tool': 'cli.tool.outcome.unknown-tool',
  'bad-arguments': 'cli.tool.outcome.bad-arguments',
};

/** At most this much of a tool's arguments or output in a transcript line. */
const TOOL_TEXT = 160;

function clip(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > TOOL_TEXT ? `${flat.slice(0, TOOL_TEXT - 1)}…` : flat;
}

/** A tool call or its result as a transcript line: "⚙ get_time {}", "⚙ get_time → done {...}"; MCP tools as server/tool. */
export function toolLine(t: Translate, event: Extract<AssistantEvent, { type: 'tool.call' | 'tool.result' }>): string {
  const name = event.source === 'mcp' && event.server ? `${event.server}/${event.name}` : event.name;
  return event.type === 'tool.call'
    ? t('cli.tool.call', { name, arguments: clip(event.arguments) })
    : t('cli.tool.result', { name, outcome: t(OUTCOME[event.outcome]), output: clip(event.output) });
}

export interface Keys {
  interrupt(): void;
  toggleTalk(): void;
  quit(): void;
  /** A line typed at the prompt (Enter or / opens it): words for the model, or `/image PATH`. */
  type(line: string): void;
}

/** The keys that open the typing prompt: Enter (empty), or / (the start of `/image PATH`). */
const PROMPT_KEYS: Record<string, string> = { '\r': '', '\n': '', '/': '/' };

/** The terminal's short state words (lower case, like the rest of the status line). */
const LABEL: Record<AssistantState, MessageKey> = {
  idle: 'cli.state.idle',
  connecting: 'cli.state.connecting',
  reconnecting: 'cli.state.reconnecting',
  listening: 'cli.state.listening',
  'user-speaking': 'cli.state.user-speaking',
  thinking: 'cli.state.thinking',
  speaking: 'cli.state.speaking',
  interrupted: 'cli.state.interrupted',
  error: 'cli.state.error',
};

/** The state in words; a reconnect says which attempt it is on. */
export function stateLabel(t: Translate, state: AssistantState, attempt?: number): string {
  return state === 'reconnecting' && attempt !== undefined ? t('cli.state.reconnectingAttempt', { attempt }) : t(LABEL[state]);
}

export function protocolName(t: Translate, protocol: Protocol): string {
  return t(protocol === 'live' ? 'connection.protocol.live' : 'connection.protocol.realtime');
}

/**
 * Which conversation runs where, the first line a run prints: "GPT-Live · gpt-live-1 · local
 * simulator". The model is the Azure deployment's name on Azure; a custom URL shows its host only
 * (a query may carry a key).
 */
export function sessionLine(t: Translate, settings: Settings): string {
  const model = settings.provider === 'azure' ? (settings.azure.deployment ?? settings.model) : settings.model;
  return t('cli.session', { protocol: protocolName(t, resolveProtocol(settings)), model, where: whereWords(t, settings) });
}

function whereWords(t: Translate, settings: Settings): string {
  switch (settings.provider) {
    case 'local':
      return t('cli.where.local');
    case 'openai':
      return t('cli.where.openai');
    case 'azure':
      return t('cli.where.azure');
    case 'custom':
      return hostOf(settings.url) ?? t('cli.where.local');
  }
}

function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

/** "Speaker: X (system default)": the `device` event in one line, the window's words. */
export function deviceLine(t: Translate, event: { direction: 'input' | 'output'; name: string; followsDefault: boolean }): string {
  const name = event.followsDefault ? t('device.inUse.followsDefault', { device: event.name }) : event.name;
  return t(event.direction === 'input' ? 'device.inUse.input' : 'device.inUse.output', { name });
}

function who(t: Translate, speaker: 'user' | 'assistant'): string {
  return speaker === 'user' ? t('cli.who.user') : t('cli.who.assistant');
}

/** "you: …", or "you (typed): …" for words typed rather than spoken. */
function transcriptLine(t: Translate, event: Extract<AssistantEvent, { type: 'transcript.final' }>): string {
  return t(event.typed ? 'cli.lineTyped' : 'cli.line', { who: who(t, event.speaker), text: event.text });
}

/** A picture that joined the conversation: "🖼 shot.png 1024×576" (the terminal shows no thumbnail). */
function pictureLine(t: Translate, event: Extract<AssistantEvent, { type: 'picture' }>): string {
  const { name, source, width, height } = event.picture;
  return t('cli.picture.sent', { name: name ?? source, width, height });
}

/** Non-TTY: one plain line per transcript final, state change, interruption, error. */
export class PlainUi implements Ui {
  constructor(
    private readonly t: Translate,
    private readonly out: NodeJS.WritableStream,
  ) {}

  show(event: AssistantEvent): void {
    switch (event.type) {
      case 'state':
        this.out.write(`[${stateLabel(this.t, event.state, event.attempt)}]\n`);
        break;
      case 'transcript.final':
        this.out.write(`${transcriptLine(this.t, event)}\n`);
        break;
      case 'picture':
        this.out.write(`${pictureLine(this.t, event)}\n`);
        break;
      case 'interrupted':
        this.out.write(`[${this.t('cli.interruptedAfter', { played: event.playedMs, received: event.receivedMs })}]\n`);
        break;
      case 'notice':
        this.out.write(`${saidWords(this.t, event)}\n`);
        break;
      case 'device':
        this.out.write(`[${deviceLine(this.t, event)}]\n`);
        break;
      case 'error':
        this.out.write(`${this.t('cli.errorLine', { code: event.code, message: saidWords(this.t, event) })}\n`);
        break;
      case 'meter':
        // The total, once: the running readings are the status line's (TTY).
        if (event.meter.final) this.out.write(`[${meterLine(this.t, event.meter)}]\n`);
        break;
      case 'tool.call':
      case 'tool.result':
        this.out.write(`${toolLine(this.t, event)}\n`);
        break;
      default:
        break;
    }
  }

  info(line: string): void {
    this.out.write(`${line}\n`);
  }

  ask(): boolean {
    return false;
  }

  settled(): void {}

  close(): void {}
}

/**
 * TTY: transcripts scroll above a status line with the state, the protocol, the conversation's
 * meter (tokens or active time, estimated cost, time left in the session) and two level meters.
 */
export class TtyUi implements Ui {
  private state: AssistantState = 'idle';
  private meter: MeterReading | null = null;
  private attempt: number | undefined;
  private input: Level = { rmsDb: SILENCE_DB, peakDb: SILENCE_DB };
  private output: Level = { rmsDb: SILENCE_DB, peakDb: SILENCE_DB };
  /** The assistant's transcript so far, per item, while it streams. */
  private partial = '';
  private partialSpeaker: 'user' | 'assistant' | null = null;
  private lastDraw = 0;
  /** Closed: lines still print (the conversation's total comes as the run ends), the status line is gone. */
  private closed = false;
  private readonly onData: (data: Buffer) => void;
  /** The consent question the next y/n/a answers. */
  private question: { id: string; answer: (key: ConsentKey) => void } | null = null;
  /** The typing prompt while it is open: every key is text for it then. */
  private prompt: LinePrompt | null = null;
  /** A kana's three bytes may arrive in two reads. */
  private readonly decoder = new StringDecoder('utf8');

  constructor(
    private readonly t: Translate,
    private readonly out: NodeJS.WriteStream,
    private readonly stdin: NodeJS.ReadStream,
    keys: Keys,
    private readonly manual: boolean,
    private readonly protocol?: Protocol,
  ) {
    this.onData = (data) => {
      const key = this.decoder.write(data);
      if (key === '') return;
      if (this.prompt) return this.typing(key, keys);
      const asked = this.question;
      const lower = key.toLowerCase();
      if (asked && (lower === 'y' || lower === 'n' || lower === 'a')) {
        this.question = null;
        asked.answer(lower);
      } else if (key === ' ') keys.interrupt();
      else if (key === 't' || key === 'T') keys.toggleTalk();
      else if (key === 'q' || key === 'Q' || key === '\u0003') keys.quit();
      else if (Object.hasOwn(PROMPT_KEYS, key)) {
        this.prompt = new LinePrompt(PROMPT_KEYS[key]);
        this.draw();
      }
    };
    if (stdin.isTTY) {
      stdin.setRawMode(true);
      stdin.resume();
      stdin.on('data', this.onData);
    }
    this.draw();
  }

  show(event: AssistantEvent): void {
    switch (event.type) {
      case 'state':
        this.state = event.state;
        this.attempt = event.attempt;
        this.draw();
        break;
      case 'levels':
        this.input = event.input;
        this.output = event.output;
        // The engine sends up to 60 Hz; the terminal needs less.
        if (performance.now() - this.lastDraw > 50) this.draw();
        break;
      case 'transcript.delta':
        if (this.partialSpeaker !== event.speaker) this.partial = '';
        this.partialSpeaker = event.speaker;
        this.partial += event.delta;
        this.draw();
        break;
      case 'transcript.final':
        this.partial = '';
        this.partialSpeaker = null;
        this.line(transcriptLine(this.t, event));
        break;
      case 'picture':
        this.line(pictureLine(this.t, event));
        break;
      case 'interrupted':
        this.line(`  ⏹ ${this.t('cli.interruptedTty', { played: event.playedMs })}`);
        break;
      case 'notice':
        this.line(saidWords(this.t, event));
        break;
      case 'device':
        this.line(`  ${deviceLine(this.t, event)}`);
        break;
      case 'error':
        this.line(this.t('cli.errorLine', { code: event.code, message: saidWords(this.t, event) }));
        break;
      case 'meter':
        this.meter = event.meter;
        if (event.meter.final) this.line(meterLine(this.t, event.meter));
        else this.draw();
        break;
      case 'tool.call':
      case 'tool.result':
        this.line(`  ${toolLine(this.t, event)}`);
        break;
      default:
        break;
    }
  }

  info(line: string): void {
    this.line(line);
  }

  /** A key while the prompt is open: the line is sent on Enter (if it has words), closed on Esc. */
  private typing(key: string, keys: Keys): void {
    const step = this.prompt!.feed(key);
    if (step.kind === 'quit') return keys.quit();
    if (step.kind !== 'edit') this.prompt = null;
    this.draw();
    if (step.kind === 'send' && step.text.trim() !== '') keys.type(step.text.trim());
  }

  ask(id: string, line: string, answer: (key: ConsentKey) => void): boolean {
    this.question = { id, answer };
    this.line(line);
    return true;
  }

  settled(id: string): void {
    if (this.question?.id === id) this.question = null;
  }

  close(): void {
    this.closed = true;
    if (this.stdin.isTTY) {
      this.stdin.off('data', this.onData);
      this.stdin.setRawMode(false);
      this.stdin.pause();
    }
    this.out.write('\r\x1b[2K');
  }

  private line(text: string): void {
    this.out.write(`\r\x1b[2K${text}\n`);
    if (!this.closed) this.draw();
  }

  /** The protocol and the meter: "GPT-Live · 2.5 min active · ~$0.13 · 27 min left  ". */
  private session(): string {
    const meter = this.meter && !this.meter.final ? meterLine(this.t, this.meter) : '';
    const parts = [this.protocol ? protocolName(this.t, this.protocol) : '', meter].filter(Boolean);
    return parts.length > 0 ? `${parts.join(' · ')}  ` : '';
  }

  private draw(): void {
    this.lastDraw = performance.now();
    const width = this.out.columns || 80; // 0 when the terminal does not say
    if (this.prompt) return this.drawPrompt(this.prompt.text, width);
    const room = Math.max(0, width - 1);
    const state = `[${stateLabel(this.t, this.state, this.attempt)}] `;
    const keys = this.t(this.manual ? 'cli.keys.manual' : 'cli.keys.auto');
    const typeKey = this.t('cli.keys.type');
    const meters = `${this.t('cli.meters', { input: meter(this.input), output: meter(this.output) })}  `;
    // The key that opens the prompt stays in sight: on a narrow terminal the other keys go, then the meters, then the rest.
    const fits = [
      `${state}${this.session()}${meters}${keys}`,
      `${state}${this.session()}${meters}${typeKey}`,
      `${state}${this.session()}${typeKey}`,
    ].find((status) => columns(status) <= room) ?? `${state}${typeKey}`;
    const partial = this.partialSpeaker ? `  ${this.t('cli.line', { who: who(this.t, this.partialSpeaker), text: `…${this.partial.slice(-40)}` })}` : '';
    this.out.write(`\r\x1b[2K${clipColumns(fits + partial, room)}`);
  }

  /** The prompt in place of the status line, the cursor after the text; empty, it says what to do (dimmed, after the cursor). */
  private drawPrompt(text: string, width: number): void {
    const head = `${this.t('cli.prompt.label')} `;
    const room = Math.max(0, width - 1 - columns(head));
    if (text !== '') {
      this.out.write(`\r\x1b[2K${head}${tailColumns(text, room)}`);
      return;
    }
    const hint = clipColumns(this.t('cli.prompt.hint'), room);
    this.out.write(`\r\x1b[2K${head}\x1b[2m${hint}\x1b[22m${hint ? `\x1b[${columns(hint)}D` : ''}`);
  }
}

/** A 10-cell bar over -60..0 dBFS. */
export function meter(level: Level, cells = 10): string {
  const fraction = Math.min(1, Math.max(0, (level.rmsDb + 60) / 60));
  const filled = Math.round(fraction * cells);
  return `${'█'.repeat(filled)}${'·'.repeat(cells - filled)}`;
}
