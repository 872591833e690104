import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A real terminal for the interactive CLI: a tmux server of its own (a private socket, so a
 * user's tmux is never touched), one window of a fixed size running `command`, keys sent as a
 * person types them (UTF-8 included), the screen read back as text. `close()` ends the server and
 * whatever runs in it.
 */
export interface Terminal {
  type(text: string): Promise<void>;
  press(...keys: string[]): Promise<void>;
  screen(): Promise<string>;
  /** Resolves once the screen matches `pattern`; rejects with the screen after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  close(): Promise<void>;
}

export async function openTerminal(command: readonly string[], env: Record<string, string | undefined>, size = { columns: 100, rows: 30 }): Promise<Terminal> {
  const socket = `kaiwa-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const tmux = (...args: string[]) => run('tmux', ['-u', '-L', socket, '-f', '/dev/null', ...args], { env: { ...env, LANG: env.LANG ?? 'C.UTF-8' } });
  const quoted = command.map((part) => `'${part.replace(/'/g, `'\\''`)}'`).join(' ');
  // The exit code stays on the screen, and the window with it, until the test has read it.
  await tmux('new-session', '-d', '-s', 'kaiwa', '-x', String(size.columns), '-y', String(size.rows), `${quoted}; echo "[exit $?]"; sleep 60`);
  const screen = async () => (await tmux('capture-pane', '-p', '-t', 'kaiwa', '-S', '-200')).stdout;
  return {
    type: async (text) => void (await tmux('send-keys', '-t', 'kaiwa', '-l', text)),
    press: async (...keys) => void (await tmux('send-keys', '-t', 'kaiwa', ...keys)),
    screen,
    async waitFor(pattern, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const text = await screen();
        if (pattern.test(text)) return text;
        if (Date.now() > deadline) throw new Error(`the terminal never showed ${pattern}:\n${text}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    close: async () => void (await tmux('kill-server').catch(() => undefined)),
  };
}
