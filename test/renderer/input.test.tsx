import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { StrictMode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../src/renderer/App';
import { BridgeProvider } from '../../src/renderer/bridge';
import { MAX_PICTURE_UPLOAD_BYTES, type AssistantEvent, type PictureUpload } from '../../src/shared/ipc';
import { FakeBridge, settingsView } from './fakeBridge';

// Typing, pictures and sharing in the window (jsdom): the text field and its IME rule, drop and
// paste, the share picker and the indicator, thumbnails in the transcript and the history.

beforeEach(() => {
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const settle = () => act(async () => {});

async function mount(bridge = new FakeBridge(), quick = false) {
  render(
    <StrictMode>
      <BridgeProvider bridge={bridge}>
        <App quick={quick} />
      </BridgeProvider>
    </StrictMode>,
  );
  await settle();
  return bridge;
}

const field = () => screen.getByRole('textbox', { name: 'Type a message' }) as HTMLTextAreaElement;
const type = (text: string) => fireEvent.change(field(), { target: { value: text } });

/** A picture file as the browser hands it over (a File with its bytes; jsdom's File cannot read itself, Chromium's can). */
function png(name = 'shot.png', bytes = [0x89, 0x50, 0x4e, 0x47, 1, 2, 3]): File {
  const file = new File([new Uint8Array(bytes)], name, { type: 'image/png' });
  Object.defineProperty(file, 'arrayBuffer', { value: async () => new Uint8Array(bytes).buffer, configurable: true });
  return file;
}

/** A DataTransfer as jsdom lacks one: files, and the types a drag announces. */
function transfer(files: File[]) {
  return { files, types: files.length > 0 ? ['Files'] : ['text/plain'], dropEffect: 'none' };
}

const thumbnail = 'data:image/jpeg;base64,/9j/4AAQSkZJRgABAQ==';
const pictureEvent: AssistantEvent = {
  type: 'picture',
  itemId: 'pic1',
  picture: { mime: 'image/jpeg', width: 1024, height: 640, hash: 'abc', thumbnail, source: 'screen' },
};

describe('the text field', () => {
  it('Enter sends the words and clears the field once main accepts them; Shift+Enter does not send', async () => {
    const bridge = await mount();
    type('Is https://kaiwa.example up?');
    fireEvent.keyDown(field(), { key: 'Enter', shiftKey: true });
    expect(bridge.callsOf('sendText')).toEqual([]);
    fireEvent.keyDown(field(), { key: 'Enter' });
    await settle();
    expect(bridge.callsOf('sendText')).toEqual([['Is https://kaiwa.example up?']]);
    expect(field().value).toBe('');
  });

  it('the Enter that ends an IME composition confirms the kana, it does not send', async () => {
    const bridge = await mount();
    type('きょうと');
    fireEvent.compositionStart(field());
    // Chromium: the confirming Enter comes while composing, with keyCode 229.
    fireEvent.keyDown(field(), { key: 'Enter', keyCode: 229, isComposing: true });
    fireEvent.compositionEnd(field());
    type('京都');
    // Safari order: compositionend first, then the Enter still with keyCode 229.
    fireEvent.keyDown(field(), { key: 'Enter', keyCode: 229 });
    await settle();
    expect(bridge.callsOf('sendText')).toEqual([]);
    fireEvent.keyDown(field(), { key: 'Enter', keyCode: 13 });
    await settle();
    expect(bridge.callsOf('sendText')).toEqual([['京都']]);
  });

  it('keeps the words when main does not accept them, and sends nothing for spaces only', async () => {
    const bridge = await mount();
    bridge.textAccepted = false;
    type('   ');
    fireEvent.keyDown(field(), { key: 'Enter' });
    expect((screen.getByRole('button', { name: 'Send' }) as HTMLButtonElement).disabled).toBe(true);
    type('hello');
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    await settle();
    expect(bridge.callsOf('sendText')).toEqual([['hello']]);
    expect(field().value).toBe('hello');
  });

  it('is in the quick-talk window too, in its language', async () => {
    const bridge = new FakeBridge();
    bridge.view = settingsView();
    bridge.view.settings.language = 'ja';
    await mount(bridge, true);
    const box = screen.getByRole('textbox', { name: 'メッセージを入力' });
    fireEvent.change(box, { target: { value: '明日の天気は？' } });
    fireEvent.keyDown(box, { key: 'Enter' });
    await settle();
    expect(bridge.callsOf('sendText')).toEqual([['明日の天気は？']]);
  });

  it('typed turns are marked as typed in the transcript', async () => {
    const bridge = await mount();
    act(() =>
      bridge.push([
        { type: 'transcript.final', speaker: 'user', itemId: 'u1', text: 'spelled: Kyōto', typed: true },
        { type: 'transcript.final', speaker: 'user', itemId: 'u2', text: 'said aloud' },
      ]),
    );
    const typed = document.querySelector('[data-item-id="u1"]')!;
    expect(typed.classList.contains('turn-typed')).toBe(true);
    expect(within(typed as HTMLElement).getByText(/typed/)).toBeTruthy();
    expect(document.querySelector('[data-item-id="u2"]')!.classList.contains('turn-typed')).toBe(false);
  });
});

describe('drop and paste', () => {
  it('a dropped image goes to main as bytes with its name; the overlay shows while dragging', async () => {
    const bridge = await mount();
    const area = screen.getByRole('region', { name: 'Conversation transcript' });
    fireEvent.dragEnter(area, { dataTransfer: transfer([png()]) });
    expect(screen.getByText('Drop a picture to show it to Kaiwa')).toBeTruthy();
    fireEvent.drop(area, { dataTransfer: transfer([png()]) });
    await waitFor(() => expect(bridge.callsOf('showPicture')).toHaveLength(1));
    const [upload] = bridge.callsOf('showPicture')[0] as [PictureUpload];
    expect(upload.source).toBe('drop');
    expect(upload.name).toBe('shot.png');
    expect(Array.from(upload.data)).toEqual([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    expect(screen.queryByText('Drop a picture to show it to Kaiwa')).toBeNull();
  });

  it('a pasted image goes to main; pasted text stays text', async () => {
    const bridge = await mount();
    fireEvent.paste(field(), { clipboardData: transfer([png('image.png')]) });
    await waitFor(() => expect(bridge.callsOf('showPicture')).toHaveLength(1));
    expect((bridge.callsOf('showPicture')[0]![0] as PictureUpload).source).toBe('paste');
    fireEvent.paste(field(), { clipboardData: transfer([]) });
    await settle();
    expect(bridge.callsOf('showPicture')).toHaveLength(1);
  });

  it('a file too large to carry is refused before it is read, with its name', async () => {
    const bridge = await mount();
    const huge = png('huge.png');
    Object.defineProperty(huge, 'size', { value: MAX_PICTURE_UPLOAD_BYTES + 1 });
    const read = vi.spyOn(huge, 'arrayBuffer');
    fireEvent.drop(screen.getByRole('region', { name: 'Conversation transcript' }), { dataTransfer: transfer([huge]) });
    await settle();
    expect(read).not.toHaveBeenCalled();
    expect(bridge.callsOf('showPicture')).toEqual([]);
    expect(screen.getByRole('alert').textContent).toMatch(/huge\.png is too large/);
  });
});

describe('sharing', () => {
  it('Share opens the picker (screens and windows with thumbnails); a choice starts sharing and the indicator stays until Stop', async () => {
    const bridge = new FakeBridge();
    bridge.shareSources = [
      { id: 'screen:1:0', name: 'Entire screen', kind: 'screen', thumbnail },
      { id: 'window:42:0', name: 'Editor — notes.md', kind: 'window', thumbnail },
    ];
    await mount(bridge);
    fireEvent.click(screen.getByRole('button', { name: 'Share…' }));
    const picker = await screen.findByRole('dialog', { name: 'Share a screen or a window' });
    await waitFor(() => expect(within(picker).getByRole('button', { name: 'Editor — notes.md' })).toBeTruthy());
    expect(document.activeElement).toBe(within(picker).getByRole('button', { name: 'Entire screen' }));
    expect(within(picker).getByRole('region', { name: 'Windows' })).toBeTruthy();
    fireEvent.click(within(picker).getByRole('button', { name: 'Editor — notes.md' }));
    await settle();
    expect(bridge.callsOf('startSharing')).toEqual([['window:42:0']]);
    expect(screen.queryByRole('dialog')).toBeNull();

    const indicator = screen.getAllByRole('status').find((s) => s.classList.contains('sharing-indicator'))!;
    expect(indicator.textContent).toContain('Sharing “Editor — notes.md” with Kaiwa');
    // The indicator stays in every view.
    fireEvent.click(screen.getByRole('tab', { name: 'Settings' }));
    await settle();
    expect(document.querySelector('.sharing-indicator')).not.toBeNull();
    fireEvent.click(within(document.querySelector('.sharing-indicator') as HTMLElement).getByRole('button', { name: 'Stop sharing' }));
    await settle();
    expect(bridge.callsOf('stopSharing')).toHaveLength(1);
    expect(document.querySelector('.sharing-indicator')).toBeNull();
  });

  it('Esc closes the picker without sharing and without interrupting; focus goes back to Share', async () => {
    const bridge = await mount();
    const share = screen.getByRole('button', { name: 'Share…' });
    fireEvent.click(share);
    const picker = await screen.findByRole('dialog');
    fireEvent.keyDown(picker, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(share);
    expect(bridge.callsOf('startSharing')).toEqual([]);
    expect(bridge.callsOf('interrupt')).toEqual([]);
  });

  it('a share started elsewhere (the hotkey, the tray) shows in the quick-talk window too', async () => {
    const bridge = await mount(new FakeBridge(), true);
    act(() => bridge.pushShare({ sharing: true, sourceName: 'Entire screen' }));
    expect(screen.getByText('Sharing')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Stop sharing' }));
    await settle();
    expect(bridge.callsOf('stopSharing')).toHaveLength(1);
  });

  it('where pictures are not available the button says why', async () => {
    const bridge = new FakeBridge();
    bridge.view = settingsView({ picturesSupported: false });
    await mount(bridge);
    const share = screen.getByRole('button', { name: 'Share…' }) as HTMLButtonElement;
    expect(share.disabled).toBe(true);
    expect(document.getElementById(share.getAttribute('aria-describedby')!)!.textContent).toBe('Pictures need Realtime, or GPT-Live with tools on.');
  });
});

describe('thumbnails', () => {
  it('a picture shown to the conversation appears in the transcript as its thumbnail, described', async () => {
    const bridge = await mount();
    act(() => bridge.push([pictureEvent, { type: 'transcript.final', speaker: 'user', itemId: 'u1', text: 'What is this?' }]));
    const image = screen.getByRole('img', { name: 'Picture shown (screen, 1024 × 640)' }) as HTMLImageElement;
    expect(image.src).toBe(thumbnail);
    // In order: the picture, then the question it belongs to.
    const lines = [...document.querySelectorAll('.transcript-list > [data-item-id]')].map((n) => n.getAttribute('data-item-id'));
    expect(lines).toEqual(['pic1', 'u1']);
  });

  it('the history shows the saved thumbnail and the typed mark', async () => {
    const bridge = new FakeBridge();
    bridge.conversations = [{ id: 'c1', startedAt: '2026-12-08T01:00:00.000Z', title: 'What is this?', turns: 2 }];
    bridge.entries.c1 = [
      { kind: 'picture', at: '2026-12-08T01:00:01.000Z', itemId: 'pic1', thumbnail, width: 800, height: 600, source: 'drop', name: 'cat.png' },
      { kind: 'transcript', at: '2026-12-08T01:00:02.000Z', itemId: 'u1', speaker: 'user', text: 'What is this?', typed: true },
    ];
    await mount(bridge);
    fireEvent.click(screen.getByRole('tab', { name: 'History' }));
    fireEvent.click(await screen.findByRole('button', { name: /What is this\?/ }));
    const image = (await screen.findByRole('img', { name: 'Picture shown (dropped, 800 × 600)' })) as HTMLImageElement;
    expect(image.src).toBe(thumbnail);
    expect(screen.getByText(/cat\.png/)).toBeTruthy();
    expect(document.querySelector('[data-item-id="u1"]')!.classList.contains('turn-typed')).toBe(true);
  });
});
