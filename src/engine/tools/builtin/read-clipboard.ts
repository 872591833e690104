import { z } from 'zod';
import { say } from '../../messages';
import { defineTool } from '../define';

/** More than this is cut: a clipboard may hold a whole document, the model needs a readable part. */
export const CLIPBOARD_READ_LIMIT = 20_000;

export const readClipboard = defineTool({
  name: 'read_clipboard',
  description: "Reads the text on the user's clipboard (what they copied). Ask only when the user refers to it.",
  label: say('tool.read_clipboard.label'),
  schema: z.object({}),
  needsConsent: true,
  consent: () => say('tool.read_clipboard.consent'),
  run: async (_args, { host }) => {
    const text = await host.readClipboard();
    return text.length > CLIPBOARD_READ_LIMIT ? { text: text.slice(0, CLIPBOARD_READ_LIMIT), truncated: true, length: text.length } : { text };
  },
});
