import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { PlainUi, TtyUi, stateLabel } from '../../src/cli/ui';
import { createI18n } from '../../src/shared/i18n';
import { startSimulator } from '../../src/simulator';
import { speechPerSuite } from '../../harness/speech';
import { runKaiwa } from '../../harness/cli';

/** The terminal says which reconnect attempt it is on, and the conversation carries on. */

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.setEncoding('utf8').on('data', (d: string) => (text += d));
  return { stream, text: () => text };
}

const en = createI18n('en').t;

describe('CLI: reconnecting (attempt n)', () => {
  it('labels the state with its attempt', () => {
    expect(stateLabel(en, 'reconnecting', 3)).toBe('reconnecting (attempt 3)');
    expect(stateLabel(en, 'reconnecting')).toBe('reconnecting…');
    expect(stateLabel(en, 'listening', 2)).toBe('listening');
  });

  it('plain output: one line per attempt', () => {
    const out = capture();
    const ui = new PlainUi(en, out.stream);
    ui.show({ type: 'state', state: 'reconnecting', attempt: 1 });
    ui.show({ type: 'state', state: 'reconnecting', attempt: 2 });
    ui.show({ type: 'state', state: 'listening' });
    expect(out.text()).toBe('[reconnecting (attempt 1)]\n[reconnecting (attempt 2)]\n[listening]\n');
  });

  it('status line: shows the attempt, and drops it once connected', () => {
    const out = capture();
    const stdin = new PassThrough() as unknown as NodeJS.ReadStream;
    const ui = new TtyUi(en, out.stream as unknown as NodeJS.WriteStream, stdin, { interrupt: () => {}, toggleTalk: () => {}, quit: () => {}, type: () => {} }, false);
    ui.show({ type: 'state', state: 'reconnecting', attempt: 2 });
    expect(out.text()).toContain('[reconnecting (attempt 2)] mic');
    ui.show({ type: 'state', state: 'listening' });
    expect(out.text().split('\r\x1b[2K').at(-1)).toMatch(/^\[listening\] mic/);
    ui.close();
  });

  describe('end to end', () => {
    const suite = speechPerSuite('hello', [{ silenceMs: 800 }, { say: 'Hello there, how are you?' }, { silenceMs: 1500 }]);

    it('the server drops the connection: the CLI shows the attempt, reconnects, and the turn is answered', async () => {
      // The first connection dies right after it is configured, before the user speaks.
      const sim = await startSimulator({ port: 0, replyMs: 1000, faults: (i) => (i === 0 ? { dropAfterEvents: 2 } : undefined) });
      try {
        const run = await runKaiwa(['--provider', 'local', '--url', sim.url, '--input', suite.speech.path]);
        expect(run.stderr).toBe('');
        expect(run.code).toBe(0);
        const lines = run.stdout.split('\n');
        expect(lines).toContain('[reconnecting (attempt 1)]');
        expect(lines).toContain('Reconnected.');
        const after = lines.slice(lines.indexOf('Reconnected.'));
        expect(after.some((l) => /^you: /.test(l))).toBe(true);
        expect(after.some((l) => /^kaiwa: \S/.test(l))).toBe(true);
        expect(sim.sessions).toHaveLength(2);
      } finally {
        await sim.close();
      }
    });
  });
});
