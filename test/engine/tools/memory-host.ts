import type { Words } from '../../../src/engine/messages';
import type { ToolHost } from '../../../src/engine/tools/types';

/** A ToolHost that keeps what tools did in memory: the desktop's clipboard, browser and notifications stand in here. */
export class MemoryHost implements ToolHost {
  clipboard = '';
  readonly opened: string[] = [];
  readonly notes: Array<{ title: Words; body: Words }> = [];

  async readClipboard(): Promise<string> {
    return this.clipboard;
  }
  async writeClipboard(text: string): Promise<void> {
    this.clipboard = text;
  }
  async openUrl(url: string): Promise<void> {
    this.opened.push(url);
  }
  async notify(title: Words, body: Words): Promise<void> {
    this.notes.push({ title, body });
  }
}
