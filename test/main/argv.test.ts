import { describe, expect, it } from 'vitest';
import { parseLaunchArgs } from '../../src/main/argv';

describe('parseLaunchArgs', () => {
  it('a plain launch shows the window', () => {
    expect(parseLaunchArgs(['/opt/Kaiwa/kaiwa'])).toEqual({ actions: [], showWindow: true });
  });

  it('--toggle and --interrupt act, in order, without showing the window', () => {
    expect(parseLaunchArgs(['/opt/Kaiwa/kaiwa', '--interrupt', '--toggle'])).toEqual({ actions: ['interrupt', 'toggle'], showWindow: false });
  });

  it('ignores Chromium switches and the app path that Electron adds', () => {
    const argv = ['/usr/lib/electron', '--no-sandbox', '--allow-file-access-from-files', '/work/app', '--toggle', '--enable-features=X'];
    expect(parseLaunchArgs(argv)).toEqual({ actions: ['toggle'], showWindow: false });
  });

  it('--hidden starts in the tray', () => {
    expect(parseLaunchArgs(['kaiwa', '--hidden'])).toEqual({ actions: [], showWindow: false });
  });

  it('does not take look-alikes', () => {
    expect(parseLaunchArgs(['kaiwa', '--toggled', '-interrupt', 'toggle'])).toEqual({ actions: [], showWindow: true });
  });
});
