import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MIN_FRAME_INTERVAL_MS } from '../../src/main/screen-share/pacing';
import { ScreenShare, type CapturedPicture } from '../../src/main/screen-share/sharing';
import { englishOf, type MainSaid } from '../../src/main/said';
import type { ShareStatus } from '../../src/shared/ipc';
import * as mock from '../mocks/electron';

vi.mock('electron', () => import('../mocks/electron'));

// Screen sharing against the `electron` double: desktopCapturer's sources (Kaiwa's own windows
// among them, as Chromium lists them), the windows' content protection, and what reaches the
// conversation (a recording `show` in place of the engine).

const frame = (text: string, width = 2560, height = 1440) => ({ png: Buffer.from(text), width, height });

let clock: number;
let shown: CapturedPicture[];
let notices: MainSaid[];
let statuses: ShareStatus[];
let outcome: 'sent' | 'unchanged' | 'unsupported';
let windows: mock.BrowserWindow[];

function makeShare(pictures = { maxSide: 1024, lookTarget: 'window' as 'window' | 'screen' }) {
  const share = new ScreenShare({
    windows: () => windows as never,
    show: async (picture) => {
      shown.push(picture);
      return { status: outcome };
    },
    pictures: () => pictures,
    notice: (said) => notices.push(said),
    log: () => undefined,
    now: () => clock,
  });
  share.onStatus((s) => statuses.push(s));
  return share;
}

beforeEach(() => {
  mock.resetElectronMock();
  clock = 10_000;
  shown = [];
  notices = [];
  statuses = [];
  outcome = 'sent';
  windows = [new mock.BrowserWindow({ title: 'Kaiwa' }), new mock.BrowserWindow({ title: 'Kaiwa quick talk' })];
  mock.desktopCapturer.sources = [
    { id: 'screen:1:0', name: 'Entire screen', display_id: '1', frame: frame('screen-1') },
    { id: 'screen:2:0', name: 'Screen 2', display_id: '2', frame: frame('screen-2') },
    { id: 'window:901:0', name: 'Editor — notes.md', frame: frame('editor', 1600, 1000) },
    { id: 'window:902:0', name: 'Browser', frame: frame('browser') },
  ];
});
afterEach(() => vi.useRealTimers());

describe('the share picker', () => {
  it('lists screens and windows with small thumbnails, never Kaiwa’s own windows', async () => {
    const share = makeShare();
    const sources = await share.listSources();
    expect(sources.map((s) => [s.id, s.kind])).toEqual([
      ['screen:1:0', 'screen'],
      ['screen:2:0', 'screen'],
      ['window:901:0', 'window'],
      ['window:902:0', 'window'],
    ]);
    // desktopCapturer did list them: they are left out by their media source ids.
    const listed = await mock.desktopCapturer.getSources({ types: ['window'] });
    expect(listed.map((s) => s.id)).toEqual(expect.arrayContaining(windows.map((w) => w.getMediaSourceId())));
    expect(mock.desktopCapturer.calls[0]!.thumbnailSize!.width).toBeLessThanOrEqual(320);
    expect(sources[2]!.thumbnail).toMatch(/^data:image\/jpeg;base64,/);
    expect(Buffer.from(sources[2]!.thumbnail.split(',')[1]!, 'base64').toString()).toBe('editor');
  });

  it('shares only a source the last list offered (not Kaiwa’s window, not a made-up id)', async () => {
    const share = makeShare();
    await share.listSources();
    await expect(share.start(windows[0]!.getMediaSourceId())).resolves.toEqual({ sharing: false });
    await expect(share.start('window:777:0')).resolves.toEqual({ sharing: false });
    expect(shown).toEqual([]);
    expect(mock.desktopCapturer.calls).toHaveLength(1);
  });
});

describe('sharing', () => {
  it('sends a first frame at once, at the picture size, and shows sharing until stopped; Kaiwa’s windows are content-protected meanwhile', async () => {
    const share = makeShare({ maxSide: 768, lookTarget: 'window' });
    await share.listSources();
    await expect(share.start('window:901:0')).resolves.toEqual({ sharing: true, sourceName: 'Editor — notes.md' });
    expect(shown).toEqual([{ data: new Uint8Array(Buffer.from('editor')), source: 'window', name: 'Editor — notes.md' }]);
    expect(mock.desktopCapturer.calls.at(-1)).toEqual({ types: ['window'], thumbnailSize: { width: 768, height: 768 } });
    expect(windows.every((w) => w.contentProtected)).toBe(true);
    // A window opened while sharing is protected too.
    const late = new mock.BrowserWindow({});
    share.adopt(late as never);
    expect(late.contentProtected).toBe(true);

    share.stop('user');
    expect(statuses).toEqual([{ sharing: true, sourceName: 'Editor — notes.md' }, { sharing: false }]);
    expect(windows.some((w) => w.contentProtected)).toBe(false);
    expect(notices).toEqual([]); // the user stopped it: nothing to tell
  });

  it('a fresh frame with each new user turn, at most one a second; none between turns', async () => {
    const share = makeShare();
    await share.listSources();
    await share.start('screen:1:0');
    expect(shown).toHaveLength(1);
    share.onState('listening');
    clock += 5_000;
    share.onState('user-speaking');
    await vi.waitFor(() => expect(shown).toHaveLength(2));
    share.onState('user-speaking'); // the same turn
    share.onState('thinking');
    share.onState('speaking');
    clock += 400;
    share.onState('user-speaking'); // a new turn, 0.4 s after the last frame: too soon
    await Promise.resolve();
    expect(shown).toHaveLength(2);
    share.onState('listening');
    clock += MIN_FRAME_INTERVAL_MS;
    share.onState('user-speaking');
    await vi.waitFor(() => expect(shown).toHaveLength(3));
    expect(shown.every((p) => p.source === 'screen' && p.name === 'Entire screen')).toBe(true);
  });

  it('a typed turn waits for its fresh frame (within the pace)', async () => {
    const share = makeShare();
    await share.listSources();
    await share.start('screen:2:0');
    clock += 2_000;
    await share.beforeTypedTurn();
    expect(shown.map((p) => Buffer.from(p.data).toString())).toEqual(['screen-2', 'screen-2']);
    clock += 100;
    await share.beforeTypedTurn();
    expect(shown).toHaveLength(2);
  });

  it('stops when the conversation ends, and says so', async () => {
    const share = makeShare();
    await share.listSources();
    await share.start('screen:1:0');
    share.onState('listening');
    share.onState('idle');
    expect(share.status).toEqual({ sharing: false });
    expect(notices.map(englishOf)).toEqual([expect.stringMatching(/conversation ended/i)]);
    // No frame after that, whatever the state does.
    clock += 5_000;
    share.onState('user-speaking');
    await Promise.resolve();
    expect(shown).toHaveLength(1);
  });

  it('a frame captured when sharing stopped (the screen locked meanwhile) goes nowhere', async () => {
    const share = makeShare();
    await share.listSources();
    await share.start('screen:1:0');
    clock += 5_000;
    share.onState('user-speaking');
    share.stop('lock'); // the capture of the turn's frame is still running
    await new Promise((r) => setTimeout(r, 10));
    expect(shown).toHaveLength(1);
    expect(notices.map(englishOf)).toEqual([expect.stringMatching(/screen locked/i)]);
  });

  it('stops when the shared window is gone, or pictures are unsupported', async () => {
    const share = makeShare();
    await share.listSources();
    await share.start('window:902:0');
    mock.desktopCapturer.sources = mock.desktopCapturer.sources.filter((s) => s.id !== 'window:902:0');
    clock += 5_000;
    await share.beforeTypedTurn();
    expect(share.sharing).toBe(false);
    expect(notices.map(englishOf)).toEqual([expect.stringMatching(/no longer there/i)]);

    outcome = 'unsupported';
    await share.listSources();
    await share.start('screen:1:0');
    expect(share.sharing).toBe(false);
  });

  it('a capture that fails (no permission) stops the share with the reason', async () => {
    const share = makeShare();
    await share.listSources();
    mock.desktopCapturer.failure = new Error('Failed to get sources.');
    await share.start('screen:1:0');
    expect(share.sharing).toBe(false);
    expect(notices.map(englishOf)).toEqual([expect.stringContaining('Failed to get sources.')]);
  });
});

describe('look at this', () => {
  it('the window target takes the front-most window that is not Kaiwa’s', async () => {
    const share = makeShare();
    await share.hotkey();
    expect(shown).toEqual([{ data: new Uint8Array(Buffer.from('editor')), source: 'window', name: 'Editor — notes.md' }]);
    expect(share.sharing).toBe(false);
    expect(windows.some((w) => w.contentProtected)).toBe(false);
  });

  it('the screen target takes the screen the pointer is on', async () => {
    mock.screen.cursorDisplayId = 2;
    const share = makeShare({ maxSide: 1024, lookTarget: 'screen' });
    await share.look();
    expect(shown.map((p) => [p.source, p.name])).toEqual([['screen', 'Screen 2']]);
  });

  it('with nothing to look at it says so; while sharing the hotkey stops the share instead', async () => {
    mock.desktopCapturer.sources = mock.desktopCapturer.sources.filter((s) => s.id.startsWith('screen'));
    const share = makeShare();
    await share.look();
    expect(shown).toEqual([]);
    expect(notices.map(englishOf)).toEqual([expect.stringMatching(/no window/i)]);

    await share.listSources();
    await share.start('screen:1:0');
    await share.hotkey();
    expect(share.sharing).toBe(false);
    expect(shown).toHaveLength(1);
  });
});
