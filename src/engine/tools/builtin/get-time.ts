import { z } from 'zod';
import { say } from '../../messages';
import { defineTool } from '../define';

const two = (n: number) => String(n).padStart(2, '0');

/** The local date and time as the model needs them: date, time, weekday, IANA zone and the ISO form with the offset. */
export function localTime(now: Date) {
  const date = `${now.getFullYear()}-${two(now.getMonth() + 1)}-${two(now.getDate())}`;
  const time = `${two(now.getHours())}:${two(now.getMinutes())}:${two(now.getSeconds())}`;
  const offsetMinutes = -now.getTimezoneOffset();
  const sign = offsetMinutes >= 0 ? '+' : '-';
  const offset = `${sign}${two(Math.floor(Math.abs(offsetMinutes) / 60))}:${two(Math.abs(offsetMinutes) % 60)}`;
  return {
    date,
    time,
    weekday: now.toLocaleDateString('en-US', { weekday: 'long' }),
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    iso: `${date}T${time}${offset}`,
  };
}

export const getTime = defineTool({
  name: 'get_time',
  description: "The user's current local date, time, weekday and time zone.",
  label: say('tool.get_time.label'),
  schema: z.object({}),
  needsConsent: false,
  consent: () => say('tool.get_time.consent'),
  run: async () => localTime(new Date()),
});
