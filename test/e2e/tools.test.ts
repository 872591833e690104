/**
 * Tools in the built renderer, in headless Chromium with the scripted bridge: a consent question
 * pushed with the events comes up as a modal prompt (screenshots consent.png, ja-consent.png), is
 * answered with the keyboard and the mouse, and closes when the engine settles it; tool activity
 * shows in the transcript.
 */
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AssistantEvent } from '../../src/shared/ipc';
import { buildRenderer, defaultView, launchChromium, openKaiwa, ROOT, screenshot, serve } from '../../harness/renderer';

let browser: Browser;
let server: Awaited<ReturnType<typeof serve>>;

const question: Extract<AssistantEvent, { type: 'consent.request' }> = {
  type: 'consent.request',
  id: 'call_e2e_1',
  tool: 'open_url',
  arguments: '{\n  "url": "https://www.kyoto.travel/en/"\n}',
  said: { key: 'tool.open_url.consent', params: { url: 'https://www.kyoto.travel/en/' } },
  timeoutMs: 30_000,
};

const talk: AssistantEvent[] = [
  { type: 'state', state: 'listening' },
  { type: 'transcript.final', speaker: 'user', itemId: 'u0', text: 'Open the Kyoto tourism site, please.' },
  { type: 'state', state: 'thinking' },
  { type: 'tool.call', callId: 'call_e2e_1', name: 'open_url', arguments: '{"url":"https://www.kyoto.travel/en/"}', source: 'function' },
  question,
];

beforeAll(async () => {
  const outDir = await buildRenderer(join(ROOT, 'out', 'renderer-e2e-tools'));
  server = await serve(outDir);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the consent prompt in Chromium', () => {
  it('comes up over the window, counts down, takes Allow and closes when settled', async () => {
    const kaiwa = await openKaiwa(browser, server.url, { scale: 2 });
    try {
      await kaiwa.push(talk);
      const dialog = kaiwa.page.getByRole('alertdialog', { name: 'Allow “Open web pages”?' });
      await dialog.waitFor();
      await expect(dialog.getByText('Open https://www.kyoto.travel/en/ in your browser').count()).resolves.toBe(1);
      // Deny has the focus: a stray Enter refuses, it never allows.
      await expect(kaiwa.page.evaluate(() => (globalThis as unknown as { document: { activeElement: { textContent: string } } }).document.activeElement.textContent)).resolves.toBe('Deny');
      const first = await dialog.getByText(/Denied in \d+ seconds/).textContent();
      await kaiwa.page.waitForTimeout(1_100);
      const later = await dialog.getByText(/Denied in \d+ seconds/).textContent();
      expect(Number(/\d+/.exec(later!)![0])).toBeLessThan(Number(/\d+/.exec(first!)![0]));
      await screenshot(kaiwa.page, 'consent');

      // Keyboard: Tab to Allow, then Enter.
      await kaiwa.page.keyboard.press('Tab');
      await kaiwa.page.keyboard.press('Tab');
      await kaiwa.page.keyboard.press('Enter');
      await expect.poll(async () => (await kaiwa.calls()).filter((c) => c.name === 'answerConsent').map((c) => c.args)).toEqual([['call_e2e_1', 'allow']]);
      await kaiwa.push([
        { type: 'consent.settled', id: 'call_e2e_1', answer: 'allow' },
        { type: 'tool.result', callId: 'call_e2e_1', name: 'open_url', outcome: 'ok', output: '{"opened":true}', source: 'function' },
      ]);
      await dialog.waitFor({ state: 'detached' });
      const activity = kaiwa.page.getByRole('group', { name: 'Tool: Open web pages' });
      await expect(activity.getByText('Done').count()).resolves.toBe(1);
      await screenshot(kaiwa.page, 'tool-activity');
      expect(kaiwa.problems).toEqual([]);
    } finally {
      await kaiwa.close();
    }
  });

  it('in Japanese, "Always allow" with the mouse', async () => {
    const view = defaultView();
    view.settings.language = 'ja';
    const kaiwa = await openKaiwa(browser, server.url, { scale: 2, view });
    try {
      await kaiwa.push([{ ...question, id: 'call_e2e_2', tool: 'read_clipboard', arguments: '{}', said: { key: 'tool.read_clipboard.consent' } }]);
      const dialog = kaiwa.page.getByRole('alertdialog', { name: '「クリップボードの読み取り」を許可しますか？' });
      await dialog.waitFor();
      await screenshot(kaiwa.page, 'ja-consent');
      await dialog.getByRole('button', { name: '常に許可' }).click();
      await expect.poll(async () => (await kaiwa.calls()).filter((c) => c.name === 'answerConsent').map((c) => c.args)).toEqual([['call_e2e_2', 'allow-always']]);
      await kaiwa.push([{ type: 'consent.settled', id: 'call_e2e_2', answer: 'allow-always' }]);
      await dialog.waitFor({ state: 'detached' });
      expect(kaiwa.problems).toEqual([]);
    } finally {
      await kaiwa.close();
    }
  });
});

describe('tools settings in Chromium', () => {
  it('lists the built-in tools, edits an MCP server, and fits the window', async () => {
    const view = defaultView();
    view.settings.tools.alwaysAllow = ['read_clipboard'];
    view.settings.tools.mcpServers = [{ label: 'docs', url: 'https://docs.example.com/mcp', requireApproval: 'always', headerNames: ['Authorization'] }];
    view.mcpHeadersSet = { docs: ['Authorization'] };
    const kaiwa = await openKaiwa(browser, server.url, { scale: 2, height: 900, view });
    try {
      await kaiwa.page.getByRole('tab', { name: 'Settings' }).click();
      const section = kaiwa.page.getByRole('group', { name: 'Tools' });
      await section.scrollIntoViewIfNeeded();
      await section.getByRole('button', { name: 'Add MCP server' }).click();
      await section.getByRole('group', { name: 'MCP server Server 2' }).getByLabel('Address').fill('http://wiki');
      await section.getByText('Enter an address starting with https://.').waitFor();
      await section.getByText('Kaiwa’s tools').scrollIntoViewIfNeeded();
      await screenshot(kaiwa.page, 'tools-settings');
      await section.getByRole('group', { name: 'MCP server docs' }).scrollIntoViewIfNeeded();
      await screenshot(kaiwa.page, 'tools-settings-mcp');
      const overflow = await kaiwa.page.evaluate(() => {
        const doc = (globalThis as unknown as { document: { querySelector(s: string): { scrollWidth: number; clientWidth: number } } }).document;
        const form = doc.querySelector('form.settings');
        return form.scrollWidth - form.clientWidth;
      });
      expect(overflow).toBeLessThanOrEqual(0);
      expect(kaiwa.problems).toEqual([]);
    } finally {
      await kaiwa.close();
    }
  });
});
