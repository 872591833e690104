import type { MeterReading } from '../engine/meter/reading';
import type { Translate } from './i18n';

export type { MeterReading };

/** A piece of the meter in words, with its longer explanation (a tooltip in the window). */
export interface MeterPiece {
  text: string;
  title: string;
}

export interface MeterWords {
  /** Tokens (Realtime) and active time (GPT-Live), whichever the conversation used. */
  usage: MeterPiece[];
  cost: MeterPiece;
  /** Until the current session's limit, while the conversation runs. */
  timeLeft?: MeterPiece;
  /** The spending cap holds the microphone. */
  capReached?: string;
}

/**
 * The meter (`meter` event, history entry) in the reader's language, the same in the window's
 * status bar, the terminal's status line and the history. `nowMs` counts the time left down
 * between readings (a reading comes with usage, not every second).
 */
export function meterWords(t: Translate, meter: MeterReading, nowMs: number = Date.now()): MeterWords {
  const { tokens } = meter;
  const usage: MeterPiece[] = [];
  if (tokens.total > 0) {
    usage.push({
      text: t('meter.tokens', { count: tokens.total }),
      title: t('meter.tokensTitle', { input: tokens.input, cached: tokens.cachedText + tokens.cachedAudio + tokens.cachedImage, output: tokens.output }),
    });
  }
  if (meter.liveSeconds > 0) usage.push({ text: t('meter.liveTime', { ms: meter.liveSeconds * 1000 }), title: t('meter.liveTimeTitle') });
  const cost: MeterPiece =
    meter.costUsd === null
      ? { text: t('meter.costUnknown'), title: t('meter.costUnknownTitle', { models: meter.unknownModels.join(', ') }) }
      : {
          text: meter.capUsd !== undefined ? t('meter.costOfCap', { usd: meter.costUsd, capUsd: meter.capUsd }) : t('meter.cost', { usd: meter.costUsd }),
          title: t('meter.costTitle', { date: meter.pricesAsOf }),
        };
  const words: MeterWords = { usage, cost };
  const leftMs = meter.final || meter.sessionExpiresAt === undefined ? 0 : meter.sessionExpiresAt - nowMs;
  if (leftMs > 0) words.timeLeft = { text: t('meter.timeLeft', { ms: leftMs }), title: t('meter.timeLeftTitle') };
  if (meter.capReached && !meter.final) words.capReached = t('meter.capReached');
  return words;
}

/** The meter on one line (the terminal's status line, the history): "1,234 tokens · ~$0.0123 · 42 min left". */
export function meterLine(t: Translate, meter: MeterReading, nowMs?: number): string {
  const words = meterWords(t, meter, nowMs);
  return [...words.usage.map((p) => p.text), words.cost.text, words.timeLeft?.text, words.capReached].filter(Boolean).join(' · ');
}
