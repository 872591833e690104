import { z } from 'zod';
import { say } from '../../messages';
import { defineTool } from '../define';

const webAddress = z
  .string()
  .max(2_048)
  .refine((value) => {
    try {
      const { protocol } = new URL(value);
      return protocol === 'http:' || protocol === 'https:';
    } catch {
      return false;
    }
  }, 'must be a full http:// or https:// address')
  .describe('A full http:// or https:// address.');

export const openUrl = defineTool({
  name: 'open_url',
  description: "Opens a web page in the user's default browser.",
  label: say('tool.open_url.label'),
  schema: z.object({ url: webAddress }),
  needsConsent: true,
  consent: ({ url }) => say('tool.open_url.consent', { url }),
  run: async ({ url }, { host }) => {
    // The normalised form: what the browser gets is what the user was shown.
    const href = new URL(url).href;
    await host.openUrl(href);
    return { opened: href };
  },
});
