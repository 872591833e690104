import type { AssistantState } from '../../shared/ipc';

export type Rgb = [number, number, number];

/** Parses the `#rgb`, `#rrggbb` and `rgb(r, g, b)` colours our stylesheet uses; null otherwise. */
export function parseColor(value: string): Rgb | null {
  const text = value.trim();
  let m = /^#([0-9a-f]{3})$/i.exec(text);
  if (m) return [...m[1]!].map((c) => parseInt(c + c, 16)) as Rgb;
  m = /^#([0-9a-f]{6})$/i.exec(text);
  if (m) return [0, 2, 4].map((i) => parseInt(m![1]!.slice(i, i + 2), 16)) as Rgb;
  m = /^rgba?\(\s*(\d+)[\s,]+(\d+)[\s,]+(\d+)/i.exec(text);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])];
  return null;
}

/** The CSS custom property holding each state's pulse colour (styles.css defines them per theme). */
export const STATE_COLOR_VAR: Record<AssistantState, string> = {
  idle: '--pulse-idle',
  connecting: '--pulse-connecting',
  reconnecting: '--pulse-connecting',
  listening: '--pulse-listening',
  'user-speaking': '--pulse-user',
  thinking: '--pulse-thinking',
  speaking: '--pulse-assistant',
  interrupted: '--pulse-interrupted',
  error: '--pulse-error',
};

const FALLBACK: Record<string, Rgb> = {
  '--pulse-idle': [120, 128, 150],
  '--pulse-connecting': [110, 150, 230],
  '--pulse-listening': [90, 190, 175],
  '--pulse-user': [52, 208, 178],
  '--pulse-thinking': [160, 150, 245],
  '--pulse-assistant': [139, 124, 246],
  '--pulse-interrupted': [242, 176, 76],
  '--pulse-error': [235, 96, 96],
};

/** Reads every state colour from the element's computed style (so themes live in CSS). */
export function readPalette(element: Element): Record<AssistantState, Rgb> {
  const style = getComputedStyle(element);
  const palette = {} as Record<AssistantState, Rgb>;
  for (const [state, name] of Object.entries(STATE_COLOR_VAR) as [AssistantState, string][]) {
    palette[state] = parseColor(style.getPropertyValue(name)) ?? FALLBACK[name]!;
  }
  return palette;
}
