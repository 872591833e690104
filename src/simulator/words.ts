import { samplesToMs } from '../engine/audio/pcm';

/** Words with their trailing space, so the deltas concatenate back into the text. */
export function splitWords(text: string): string[] {
  return text.match(/\S+\s*/g) ?? [];
}

/** What the simulator "transcribes" a stretch of speech as: its length, since it cannot understand it. */
export function speechStandIn(samples: number): string {
  return `(${(samplesToMs(samples) / 1000).toFixed(1)} s of speech)`;
}

/** The simulator's answer to typed words: it reads them back, since it cannot understand them. */
export function typedReply(text: string): string {
  const shown = [...text];
  return `You typed: ${shown.length > 120 ? `${shown.slice(0, 119).join('')}…` : text}`;
}
