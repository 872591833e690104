import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readConversationFile } from '../../src/engine/conversation-log/file';
import { TerminalToolHost } from '../../src/cli/tool-host';
import { say } from '../../src/engine/messages';
import { runKaiwa } from '../../harness/cli';
import { speechPerSuite, SPOKEN_QUESTION } from '../../harness/speech';

const suite = speechPerSuite('tools', SPOKEN_QUESTION);

/** A manual turn from the recording against the CLI's own simulator, which calls the tools given. */
function converse(name: string, toolCalls: string[], env: Record<string, string> = {}) {
  const jsonl = suite.dir.file(`${name}.jsonl`);
  const args = ['--turn-detection', 'manual', '--input', suite.speech.path, '--output', suite.dir.file(`${name}.wav`), '--transcript', jsonl];
  for (const call of toolCalls) args.push('--tool-call', call);
  return { jsonl, run: runKaiwa(args, { env }) };
}

describe('the CLI with tools (end to end)', () => {
  it('a scripted get_time: the call and its result in the terminal and the JSONL, the reply says the time', async () => {
    const { jsonl, run } = converse('time', ['get_time']);
    const done = await run;
    expect(done.stderr).toBe('');
    expect(done.code).toBe(0);
    expect(done.stdout).toMatch(/⚙ get_time \{\}/);
    expect(done.stdout).toMatch(/⚙ get_time → done \{"date":/);
    const entries = readConversationFile(jsonl);
    const call = entries.find((e) => e.kind === 'tool.call');
    const result = entries.find((e) => e.kind === 'tool.result');
    expect(call).toMatchObject({ kind: 'tool.call', name: 'get_time', arguments: '{}', source: 'function' });
    expect(result).toMatchObject({ kind: 'tool.result', name: 'get_time', outcome: 'ok', source: 'function' });
    const { time } = JSON.parse((result as { output: string }).output) as { time: string };
    const reply = entries.find((e) => e.kind === 'transcript' && e.speaker === 'assistant');
    expect((reply as { text: string }).text).toContain(`It is ${time}`);
    // Every line is one the History tab reads.
    expect((await readFile(jsonl, 'utf8')).split('\n').filter(Boolean)).toHaveLength(entries.length);
  });

  it('a tool that needs consent in a run nobody can answer: denied, and the terminal says why', async () => {
    const { jsonl, run } = converse('consent', ['read_clipboard'], { LANGUAGE: 'ja', LANG: 'ja_JP.UTF-8' });
    const done = await run;
    expect(done.code).toBe(0);
    expect(done.stdout).toContain('クリップボードのテキストを読み取る');
    expect(done.stdout).toContain('対話型の端末ではない');
    expect(done.stdout).toMatch(/read_clipboard → 許可されず/);
    const result = readConversationFile(jsonl).find((e) => e.kind === 'tool.result');
    expect(result).toMatchObject({ outcome: 'denied' });
  });

  it('a notification with no notify-send is a line in the terminal', async () => {
    // Only node's own folder on PATH: no notify-send, whatever this machine has.
    const { run } = converse('notify', ['notify:{"title":"Tea","body":"is ready"}'], { PATH: dirname(process.execPath) });
    const done = await run;
    expect(done.code).toBe(0);
    expect(done.stdout).toContain('🔔 Tea: is ready');
    expect(done.stdout).toMatch(/notify → done/);
  });

  it('refuses --tool-call without the built-in simulator, in one line', async () => {
    const done = await runKaiwa(['--url', 'ws://127.0.0.1:9/v1/realtime', '--tool-call', 'get_time']);
    expect(done.code).toBe(2);
    expect(done.stderr.trim()).toMatch(/^kaiwa: --tool-call works with the built-in simulator only/);
  });
});

describe('TerminalToolHost', () => {
  /** A PATH holding stand-ins for the system's commands (real executables writing to a file). */
  async function fakeCommands(scripts: Record<string, string>): Promise<string> {
    const bin = suite.dir.file(`bin-${Object.keys(scripts).join('-')}`);
    await mkdir(bin, { recursive: true });
    for (const [name, body] of Object.entries(scripts)) {
      await writeFile(join(bin, name), `#!/bin/sh\n${body}\n`);
      await chmod(join(bin, name), 0o755);
    }
    return bin;
  }

  it('uses xclip when it is there, both ways, and xdg-open for a web page', async () => {
    const store = suite.dir.file('clipboard.txt');
    const opened = suite.dir.file('opened.txt');
    const bin = await fakeCommands({
      xclip: `if [ "$3" = "-in" ]; then cat > '${store}'; else cat '${store}'; fi`,
      'xdg-open': `printf '%s' "$1" > '${opened}'`,
    });
    const host = new TerminalToolHost({ env: { PATH: `${bin}:/usr/bin:/bin` }, platform: 'linux', words: String, line: () => {} });
    await host.writeClipboard('こんにちは clipboard');
    expect(await host.readClipboard()).toBe('こんにちは clipboard');
    await host.openUrl('https://example.com/?q=1');
    expect(await readFile(opened, 'utf8')).toBe('https://example.com/?q=1');
  });

  it('says what to install when there is no clipboard command, and passes on a command failure', async () => {
    const empty = new TerminalToolHost({ env: { PATH: '/nonexistent' }, platform: 'linux', words: String, line: () => {} });
    await expect(empty.readClipboard()).rejects.toThrow('install wl-clipboard, xclip or xsel');
    await expect(empty.openUrl('https://example.com/')).rejects.toThrow('xdg-open was not found');
    const bin = await fakeCommands({ xsel: `echo "Can't open display" >&2; exit 1` });
    const broken = new TerminalToolHost({ env: { PATH: bin }, platform: 'linux', words: String, line: () => {} });
    await expect(broken.readClipboard()).rejects.toThrow("xsel failed (exit 1): Can't open display");
  });

  it('puts Kaiwa’s own words into the user’s language for a notification line', async () => {
    const lines: string[] = [];
    const host = new TerminalToolHost({
      env: { PATH: '/nonexistent' },
      platform: 'linux',
      words: (w) => (typeof w === 'string' ? w : `<${w.key}>`),
      line: (title, body) => lines.push(`${title}|${body}`),
    });
    await host.notify(say('tool.set_timer.fired'), 'tea');
    expect(lines).toEqual(['<tool.set_timer.fired>|tea']);
  });
});
