import { z } from 'zod';
import { say } from '../../messages';
import { defineTool } from '../define';

/** No consent: it shows something on the user's own screen and reaches nothing else. */
export const notify = defineTool({
  name: 'notify',
  description: 'Shows a desktop notification to the user.',
  label: say('tool.notify.label'),
  schema: z.object({
    title: z.string().min(1).max(100).describe('A short title.'),
    body: z.string().max(500).default('').describe('The text of the notification.'),
  }),
  needsConsent: false,
  consent: ({ title }) => say('tool.notify.consent', { title }),
  run: async ({ title, body }, { host }) => {
    await host.notify(title, body);
    return { shown: true };
  },
});
