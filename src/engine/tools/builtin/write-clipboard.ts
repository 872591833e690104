import { z } from 'zod';
import { say } from '../../messages';
import { defineTool } from '../define';

/**
 * Asks first, though it only touches the user's own clipboard: it replaces what they had copied
 * (lost without a word otherwise), and text pasted unread can do harm (a shell command a remote
 * MCP server's output talked the model into). The prompt shows the text.
 */
export const writeClipboard = defineTool({
  name: 'write_clipboard',
  description: "Puts text on the user's clipboard, replacing what is there, so they can paste it.",
  label: say('tool.write_clipboard.label'),
  schema: z.object({ text: z.string().min(1).max(20_000).describe('The text to put on the clipboard.') }),
  needsConsent: true,
  consent: ({ text }) => say('tool.write_clipboard.consent', { text: text.length > 200 ? `${text.slice(0, 200)}…` : text }),
  run: async ({ text }, { host }) => {
    await host.writeClipboard(text);
    return { copied: true, characters: text.length };
  },
});
