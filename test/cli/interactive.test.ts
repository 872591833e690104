import { writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/simulator';
import { KAIWA_COMMAND, kaiwaEnv } from '../../harness/cli';
import { openTerminal } from '../../harness/tmux';
import { plainPng } from '../../harness/pictures';
import { tempDir } from '../../harness/temp';

// The interactive terminal in a real one (tmux): Enter opens a line for typed words, Japanese
// included; a typed turn while a reply plays interrupts it; `/image PATH` shows a picture.

describe('the interactive terminal', () => {
  it('types a turn (interrupting the reply that plays), shows a picture, and quits', async () => {
    // A reply long enough to still be playing when the next typed turn comes, however loaded the machine.
    const sim = await startSimulator({ port: 0, replyMs: 20_000, realtimeFactor: 1 });
    const dir = await tempDir();
    const terminal = await openTerminal([...KAIWA_COMMAND, '--provider', 'local', '--url', sim.url], kaiwaEnv());
    try {
      const picture = dir.file('red square.png');
      await writeFile(picture, await plainPng(64, 64));
      await terminal.waitFor(/\[listening\].*enter: type/);

      await terminal.press('Enter');
      await terminal.waitFor(/type › Enter sends/);
      await terminal.type('Tell me a long story');
      await terminal.press('Enter');
      await terminal.waitFor(/^you \(typed\): Tell me a long story$/m);
      await terminal.waitFor(/\[speaking\]/);

      // While the reply plays: a typed turn in Japanese, which interrupts it first.
      await terminal.press('Enter');
      await terminal.type('今日は何曜日？');
      await terminal.press('Enter');
      const screen = await terminal.waitFor(/^you \(typed\): 今日は何曜日？$/m);
      await terminal.waitFor(/kaiwa: …?You typed: 今日は/); // the answer streams (its whole line comes when it ends)
      expect(screen).toMatch(/⏹ interrupted after/);
      expect(screen.indexOf('⏹ interrupted')).toBeLessThan(screen.indexOf('you (typed): 今日は何曜日？'));

      await terminal.press('/');
      await terminal.type(`image '${picture}'`);
      await terminal.press('Enter');
      await terminal.waitFor(/^🖼 red square\.png 64×64$/m);
      await terminal.press('/');
      await terminal.type('image ');
      await terminal.type(dir.file('missing.png'));
      await terminal.press('Enter');
      await terminal.waitFor(/cannot use picture .*missing\.png: no such file/);

      await terminal.press('q');
      await terminal.waitFor(/\[exit 0\]/);
    } finally {
      await terminal.close();
      await dir.cleanup();
      await sim.close();
    }
  }, 60_000);
});
