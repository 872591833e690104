import { z } from 'zod';
import { say } from '../../messages';
import { defineTool } from '../define';

/** What the model is told when a timer fires (instructions, not words a person reads). */
export function timerFiredText(label: string, seconds: number): string {
  return `The timer "${label}" the user set ${seconds} seconds ago has just gone off. Tell the user now, in one short sentence, in the language of the conversation.`;
}

/**
 * No consent: it only speaks and notifies later, on Kaiwa's own behalf. The timer belongs to the
 * Toolbox (`later`), so it fires in whichever conversation runs then, and notifies either way.
 */
export const setTimer = defineTool({
  name: 'set_timer',
  description: 'Starts a timer or reminder: when it fires, you are told to remind the user, and a desktop notification shows.',
  label: say('tool.set_timer.label'),
  schema: z.object({
    seconds: z.number().int().min(1).max(86_400).describe('How long until it fires, in seconds (at most a day).'),
    label: z.string().min(1).max(100).describe('What the timer is for, in the user\u2019s words.'),
  }),
  needsConsent: false,
  consent: ({ seconds, label }) => say('tool.set_timer.consent', { ms: seconds * 1000, label }),
  run: async ({ seconds, label }, { host, remind, later }) => {
    later(seconds * 1000, async () => {
      remind(timerFiredText(label, seconds));
      await host.notify(say('tool.set_timer.fired'), label);
    });
    return { set: true, label, seconds, firesAt: new Date(Date.now() + seconds * 1000).toISOString() };
  },
});
