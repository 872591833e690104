import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { ToolHost, Words } from '../engine';

/**
 * The terminal's ToolHost: the clipboard, the browser and notifications through the commands the
 * system has (wl-clipboard, xclip, xsel, pbcopy/pbpaste, clip/PowerShell; xdg-open, open, start;
 * notify-send). A missing command is an error the model is told of (what to install); a
 * notification with no notify-send becomes a line in the terminal.
 */

interface Command {
  file: string;
  args: string[];
}

export interface TerminalToolHostOptions {
  env: Record<string, string | undefined>;
  platform?: NodeJS.Platform;
  /** Words of Kaiwa's own (a timer's title) in the user's language. */
  words: (words: Words) => string;
  /** Where a notification goes when the desktop cannot show it. */
  line: (title: string, body: string) => void;
}

const COMMAND_TIMEOUT_MS = 5_000;

export class TerminalToolHost implements ToolHost {
  private readonly env: Record<string, string | undefined>;
  private readonly platform: NodeJS.Platform;

  constructor(private readonly options: TerminalToolHostOptions) {
    this.env = options.env;
    this.platform = options.platform ?? process.platform;
  }

  async readClipboard(): Promise<string> {
    const command = this.first(this.clipboardReaders());
    if (!command) throw new Error(`no clipboard command found (${this.clipboardHint()})`);
    return run(command, this.env);
  }

  async writeClipboard(text: string): Promise<void> {
    const command = this.first(this.clipboardWriters());
    if (!command) throw new Error(`no clipboard command found (${this.clipboardHint()})`);
    await run(command, this.env, text);
  }

  async openUrl(url: string): Promise<void> {
    const opener: Command =
      this.platform === 'darwin'
        ? { file: 'open', args: [url] }
        : this.platform === 'win32'
          ? // start's first quoted argument is the window title.
            { file: 'cmd', args: ['/c', 'start', '""', url] }
          : { file: 'xdg-open', args: [url] };
    if (!this.first([opener])) throw new Error(`${opener.file} was not found: no way to open a browser from here`);
    await run(opener, this.env);
  }

  async notify(title: Words, body: Words): Promise<void> {
    const [heading, text] = [this.options.words(title), this.options.words(body)];
    const notifier = this.platform === 'linux' ? this.first([{ file: 'notify-send', args: ['--app-name=Kaiwa', heading, text] }]) : undefined;
    if (notifier) await run(notifier, this.env);
    else this.options.line(heading, text);
  }

  // ---- internals ----

  private clipboardReaders(): Command[] {
    switch (this.platform) {
      case 'darwin':
        return [{ file: 'pbpaste', args: [] }];
      case 'win32':
        return [{ file: 'powershell', args: ['-NoProfile', '-Command', 'Get-Clipboard -Raw'] }];
      default:
        return [
          ...(this.env.WAYLAND_DISPLAY ? [{ file: 'wl-paste', args: ['--no-newline'] }] : []),
          { file: 'xclip', args: ['-selection', 'clipboard', '-out'] },
          { file: 'xsel', args: ['--clipboard', '--output'] },
        ];
    }
  }

  private clipboardWriters(): Command[] {
    switch (this.platform) {
      case 'darwin':
        return [{ file: 'pbcopy', args: [] }];
      case 'win32':
        return [{ file: 'clip', args: [] }];
      default:
        return [
          ...(this.env.WAYLAND_DISPLAY ? [{ file: 'wl-copy', args: [] }] : []),
          { file: 'xclip', args: ['-selection', 'clipboard', '-in'] },
          { file: 'xsel', args: ['--clipboard', '--input'] },
        ];
    }
  }

  private clipboardHint(): string {
    return this.platform === 'linux' ? 'install wl-clipboard, xclip or xsel' : `the ${this.platform} clipboard commands are missing`;
  }

  /** The first command found on PATH. */
  private first(commands: Command[]): Command | undefined {
    const dirs = (this.env.PATH ?? '').split(delimiter).filter(Boolean);
    const suffixes = this.platform === 'win32' ? ['.exe', '.cmd', '.bat', ''] : [''];
    return commands.find(({ file }) =>
      dirs.some((dir) =>
        suffixes.some((suffix) => {
          try {
            accessSync(join(dir, file + suffix), constants.X_OK);
            return true;
          } catch {
            return false;
          }
        }),
      ),
    );
  }
}

/**
 * Runs a command (no shell), feeding `input`; its stdout, or an error with its stderr's first line.
 * A command given input is not read from: xclip and wl-copy leave a child behind that holds the
 * selection, and it must not hold our pipes open.
 */
function run(command: Command, env: Record<string, string | undefined>, input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const feeding = input !== undefined;
    const child = spawn(command.file, command.args, { env, stdio: ['pipe', feeding ? 'ignore' : 'pipe', feeding ? 'ignore' : 'pipe'], timeout: COMMAND_TIMEOUT_MS });
    let out = '';
    let err = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.on('error', (error) => reject(new Error(`${command.file} failed: ${error.message}`)));
    child.on(feeding ? 'exit' : 'close', (code, signal) => {
      if (code === 0) resolve(out);
      else reject(new Error(`${command.file} failed (${signal ?? `exit ${code}`})${err.trim() ? `: ${err.trim().split('\n')[0]}` : ''}`));
    });
    child.stdin?.on('error', () => {});
    child.stdin?.end(input ?? '');
  });
}
