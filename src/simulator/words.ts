import { samplesToMs } from '../engine/audio/pcm';

/** Words with their trailing space, so the deltas concatenate back into the text. */
export function splitWords(text: string): string[] {
  return text.match(/\S+\s*/g) ?? [];
}

/** What the simulator "transcribes" a stretch of speech as: its length, since it cannot understand it. */
export function speechStandIn(samples: number): string {
  return `(${(samplesToMs(samples) / 1000).toFixed(1)} s of speech)`;
}
