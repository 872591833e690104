import { describe, expect, it } from 'vitest';
import { PassThrough, Writable } from 'node:stream';
import { PlainUi, TtyUi, meter, sessionLine } from '../../src/cli/ui';
import type { Protocol } from '../../src/engine';
import { parseSettings } from '../../src/engine/settings';
import { createI18n } from '../../src/shared/i18n';
import { say } from '../../src/engine/messages';
import { ConversationMeter } from '../../src/engine/meter';
import type { AssistantEvent } from '../../src/engine/events';

const liveMeter = () => new ConversationMeter(parseSettings({ provider: 'openai', model: 'gpt-live-1' }));

const en = createI18n('en').t;

class Screen extends Writable {
  text = '';
  columns = 120;
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString('utf8');
    done();
  }
  /** What the last status line says (after the last carriage return). */
  get status(): string {
    const last = this.text.slice(this.text.lastIndexOf('\r'));
    const clear = '\r\u001b[2K';
    return last.startsWith(clear) ? last.slice(clear.length) : last;
  }
}

/** A terminal's stdin: raw mode is recorded, keys are pushed by the test. */
class Keyboard extends PassThrough {
  isTTY = true;
  raw: boolean[] = [];
  setRawMode(on: boolean): this {
    this.raw.push(on);
    return this;
  }
  press(key: string): void {
    this.emit('data', Buffer.from(key));
  }
}

function tty(manual = false, protocol?: Protocol, t = en) {
  const screen = new Screen();
  const keyboard = new Keyboard();
  const calls: string[] = [];
  const ui = new TtyUi(t, screen as unknown as NodeJS.WriteStream, keyboard as unknown as NodeJS.ReadStream, {
    interrupt: () => calls.push('interrupt'),
    toggleTalk: () => calls.push('talk'),
    quit: () => calls.push('quit'),
    type: (line) => calls.push(`type:${line}`),
  }, manual, protocol);
  return { screen, keyboard, calls, ui };
}

describe('terminal UI', () => {
  it('maps keys: space interrupts, t talks, q and Ctrl+C quit; raw mode on, then off on close', () => {
    const { keyboard, calls, ui } = tty(true);
    for (const key of [' ', 't', 'x', 'q', '\u0003']) keyboard.press(key);
    expect(calls).toEqual(['interrupt', 'talk', 'quit', 'quit']);
    ui.close();
    expect(keyboard.raw).toEqual([true, false]);
  });

  it('opens a one-line prompt on Enter: Japanese arrives in pieces of UTF-8, space and q are text there, Enter sends, Esc closes', () => {
    const { screen, keyboard, calls, ui } = tty();
    expect(screen.status).toContain('enter: type');
    keyboard.press('\r');
    // Empty, the prompt says what to do, dimmed, and the cursor goes back to where the words will be.
    const hint = 'Enter sends · Esc cancels · /image PATH shows a picture';
    expect(screen.status).toBe(`type › \u001b[2m${hint}\u001b[22m\u001b[${hint.length}D`);
    const words = Buffer.from('今日は q と');
    keyboard.emit('data', words.subarray(0, 4)); // 今 and the first byte of 日
    keyboard.emit('data', words.subarray(4));
    expect(screen.status).toBe('type › 今日は q と');
    keyboard.press('\r');
    expect(calls).toEqual(['type:今日は q と']);
    expect(screen.status).toMatch(/^\[idle\]/);
    keyboard.press('/');
    keyboard.press('image ~/a b.png');
    keyboard.press('\u001b');
    keyboard.press('\r');
    keyboard.press('   ');
    keyboard.press('\r'); // only spaces: nothing to send
    keyboard.press(' ');
    expect(calls).toEqual(['type:今日は q と', 'interrupt']);
    ui.close();
  });

  it('fits the status line and the prompt to the terminal by columns, wide characters counted twice', () => {
    const ja = createI18n('ja').t;
    const { screen, keyboard, ui } = tty(false, 'realtime', ja);
    screen.columns = 60;
    ui.show({ type: 'state', state: 'listening' });
    // The typing key stays in sight: the other keys and the meters give way first.
    expect(screen.status).toBe('[聞いています] Realtime  Enter：入力');
    screen.columns = 21;
    ui.show({ type: 'transcript.delta', speaker: 'assistant', itemId: 'i', delta: 'こんにちは' });
    expect(screen.status).toBe('[聞いています] Enter'); // 20 columns (kana and ： count twice): one left for the cursor
    keyboard.press('\r');
    keyboard.press('あいうえおかきくけこさしすせそ');
    expect(screen.status).toBe('入力 › こさしすせそ'); // the end of the line, where the cursor is
    ui.close();
  });

  it('keeps a status line with the state and both meters, and prints transcripts above it', () => {
    const { screen, ui } = tty();
    // Levels come at up to 60 Hz; the terminal redraws for them at most every 50 ms, and on any other change.
    ui.show({ type: 'levels', input: { rmsDb: -100, peakDb: -100 }, output: { rmsDb: -6, peakDb: -3 } });
    ui.show({ type: 'state', state: 'speaking' });
    expect(screen.status).toMatch(/^\[speaking\] mic ·{10} out █{9}· /);
    ui.show({ type: 'transcript.delta', speaker: 'assistant', itemId: 'i', delta: 'Hel' });
    expect(screen.status).toContain('kaiwa: …Hel');
    ui.show({ type: 'transcript.final', speaker: 'assistant', itemId: 'i', text: 'Hello there.' });
    expect(screen.text).toContain('kaiwa: Hello there.\n');
    expect(screen.status).not.toContain('…Hel');
    ui.show({ type: 'error', code: 'server', fatal: false, ...say('error.serverSaid', { detail: 'Oops.' }) });
    expect(screen.text).toContain('error (server): The server reported an error: Oops.\n');
    ui.close();
  });

  it('asks consent on the terminal: the next y, n or a answers it (once), other keys keep their jobs; plain lines cannot ask', () => {
    const { screen, keyboard, calls, ui } = tty();
    const answers: string[] = [];
    expect(ui.ask('consent_1', 'Kaiwa would like to: open a page. Allow? y/n/a(lways)', (key) => answers.push(key))).toBe(true);
    expect(screen.text).toContain('Allow? y/n/a(lways)\n');
    keyboard.press(' ');
    keyboard.press('A');
    keyboard.press('y');
    expect(answers).toEqual(['a']);
    expect(calls).toEqual(['interrupt']);
    ui.ask('consent_2', 'again?', (key) => answers.push(key));
    ui.settled('consent_2'); // answered elsewhere, or timed out
    keyboard.press('n');
    expect(answers).toEqual(['a']);
    ui.close();
    const plain = new PlainUi(en, new Screen());
    expect(plain.ask()).toBe(false);
  });

  it('shows tool calls and results as their own lines, MCP tools as server/tool, in the user\'s language', () => {
    const ja = createI18n('ja').t;
    const out = new Screen();
    const plain = new PlainUi(ja, out);
    plain.show({ type: 'tool.call', callId: 'c', name: 'get_time', arguments: '{}', source: 'function' });
    plain.show({ type: 'tool.result', callId: 'c', name: 'get_time', outcome: 'denied', output: '{"error":"denied"}', source: 'function' });
    plain.show({ type: 'tool.result', callId: 'm', name: 'search', outcome: 'ok', output: 'x'.repeat(500), source: 'mcp', server: 'docs' });
    const lines = out.text.split('\n');
    expect(lines[0]).toBe('⚙ get_time {}');
    expect(lines[1]).toBe('⚙ get_time → 許可されず {"error":"denied"}');
    expect(lines[2]!.startsWith('⚙ docs/search → 完了 xxx')).toBe(true);
    expect(lines[2]!.length).toBeLessThan(200);
  });

  it('prints plain lines when not on a terminal', () => {
    const screen = new Screen();
    const ui = new PlainUi(en, screen);
    ui.show({ type: 'state', state: 'listening' });
    ui.show({ type: 'levels', input: { rmsDb: -10, peakDb: -5 }, output: { rmsDb: -10, peakDb: -5 } });
    ui.show({ type: 'transcript.final', speaker: 'user', itemId: 'u', text: 'Hi' });
    ui.show({ type: 'interrupted', itemId: 'a', reason: 'user', playedMs: 1200, receivedMs: 3000 });
    expect(screen.text).toBe('[listening]\nyou: Hi\n[interrupted after 1200 ms of 3000 ms]\n');
  });

  it('shows the protocol and the conversation’s meter in the status line: active minutes, cost, time left in the session', () => {
    const { screen, ui } = tty(false, 'live');
    ui.show({ type: 'state', state: 'listening' });
    expect(screen.status).toMatch(/^\[listening\] GPT-Live {2}mic /);
    const expiresAt = Date.now() + 27.5 * 60_000;
    const live = liveMeter();
    const events: AssistantEvent[] = [
      { type: 'session.started', protocol: 'live', sessionId: 's1', model: 'gpt-live-1', expiresAt: Date.now() + 60_000 },
      { type: 'session.usage', sessionId: 's1', seconds: 30, final: false },
      { type: 'session.usage', sessionId: 's1', seconds: 120, final: true },
      // A renewal: the new session counts from 0, and its limit is the one left.
      { type: 'session.started', protocol: 'live', sessionId: 's2', model: 'gpt-live-1', expiresAt },
      { type: 'session.usage', sessionId: 's2', seconds: 30, final: false },
    ];
    for (const event of events) if (live.observe(event)) ui.show({ type: 'meter', meter: live.reading() });
    expect(screen.status).toMatch(/^\[listening\] GPT-Live · 2\.5 min active · ~\$0\.125 · 28 min left {2}mic /);
    // The total comes as the run ends, after the status line is gone: printed, nothing redrawn under it.
    ui.close();
    ui.show({ type: 'meter', meter: live.reading(true) });
    expect(screen.text.endsWith('\r\u001b[2K2.5 min active · ~$0.125\n')).toBe(true);
    const realtime = tty(false, 'realtime');
    realtime.ui.show({ type: 'state', state: 'speaking' });
    expect(realtime.screen.status).toMatch(/^\[speaking\] Realtime {2}mic /);
    realtime.ui.close();
    const ja = tty(false, 'live', createI18n('ja').t);
    ja.ui.show({ type: 'meter', meter: live.reading() });
    expect(ja.screen.status).toMatch(/^\[待機中\] GPT-Live · 利用 2\.5 分 · 約 \$0\.125 · 残り 28 分 {2}マイク /);
    ja.ui.close();
  });

  it('prints the conversation’s total once at its end (plain lines), the cost unknown for a model without a price', () => {
    const screen = new Screen();
    const ui = new PlainUi(en, screen);
    const meter = new ConversationMeter(parseSettings({ provider: 'custom', url: 'ws://127.0.0.1:1/v1/realtime', model: 'my-model' }));
    meter.observe({ type: 'usage', responseId: 'r1', usage: { inputTokens: 1000, outputTokens: 234, totalTokens: 1234 } });
    ui.show({ type: 'meter', meter: meter.reading() });
    expect(screen.text).toBe('');
    ui.show({ type: 'meter', meter: meter.reading(true) });
    expect(screen.text).toBe('[1,234 tokens · cost unknown]\n');
  });

  it('names the protocol, the model and where it runs in the first line, in the language', () => {
    expect(sessionLine(en, parseSettings({ model: 'gpt-live-1' }))).toBe('GPT-Live · gpt-live-1 · local simulator');
    expect(sessionLine(en, parseSettings({ provider: 'openai', model: 'gpt-realtime' }))).toBe('Realtime · gpt-realtime · OpenAI');
    expect(sessionLine(en, parseSettings({ provider: 'azure', model: 'x', azure: { endpoint: 'https://r.openai.azure.com', deployment: 'gpt-live-1' } }))).toBe(
      'GPT-Live · gpt-live-1 · Azure OpenAI',
    );
    // A custom URL shows its host only: a query may carry a key.
    expect(sessionLine(en, parseSettings({ provider: 'custom', url: 'wss://voice.example.com/v1/live/sessions?api-key=secret', model: 'gpt-live-1' }))).toBe(
      'GPT-Live · gpt-live-1 · voice.example.com',
    );
    expect(sessionLine(createI18n('ja').t, parseSettings({ model: 'gpt-live-1' }))).toBe('GPT-Live · gpt-live-1 · ローカルシミュレーター');
  });

  it('draws a meter over -60..0 dBFS', () => {
    expect(meter({ rmsDb: -100, peakDb: -100 })).toBe('··········');
    expect(meter({ rmsDb: -30, peakDb: -20 })).toBe('█████·····');
    expect(meter({ rmsDb: 0, peakDb: 0 })).toBe('██████████');
  });
});
