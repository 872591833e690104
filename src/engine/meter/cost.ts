import type { Usage } from '../events';
import type { DurationPrice, TokenPrice } from './prices';
import type { TokenTotals } from './reading';

export const NO_TOKENS: TokenTotals = {
  input: 0,
  output: 0,
  total: 0,
  inputText: 0,
  inputAudio: 0,
  inputImage: 0,
  cachedText: 0,
  cachedAudio: 0,
  cachedImage: 0,
  outputText: 0,
  outputAudio: 0,
};

const count = (value: number | undefined): number => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0);

/**
 * One response's usage with every detail: a detail the server left out is what remains of its
 * total (input that is neither audio nor image is text; cached tokens without a split are text).
 */
export function tokensOf(usage: Usage): TokenTotals {
  const input = count(usage.inputTokens);
  const output = count(usage.outputTokens);
  const inputAudio = count(usage.inputAudioTokens);
  const inputImage = count(usage.inputImageTokens);
  const cachedAudio = count(usage.cachedAudioTokens);
  const cachedImage = count(usage.cachedImageTokens);
  const outputAudio = count(usage.outputAudioTokens);
  return {
    input,
    output,
    total: count(usage.totalTokens) || input + output,
    inputText: usage.inputTextTokens !== undefined ? count(usage.inputTextTokens) : Math.max(0, input - inputAudio - inputImage),
    inputAudio,
    inputImage,
    cachedText: usage.cachedTextTokens !== undefined ? count(usage.cachedTextTokens) : Math.max(0, count(usage.cachedTokens) - cachedAudio - cachedImage),
    cachedAudio,
    cachedImage,
    outputText: usage.outputTextTokens !== undefined ? count(usage.outputTextTokens) : Math.max(0, output - outputAudio),
    outputAudio,
  };
}

export function addTokens(a: TokenTotals, b: TokenTotals): TokenTotals {
  const sum = { ...a };
  for (const key of Object.keys(sum) as (keyof TokenTotals)[]) sum[key] = a[key] + b[key];
  return sum;
}

const PER_TOKEN = 1 / 1_000_000;

/** US dollars for tokens at a model's rates: uncached input, cached input and output of each modality. */
export function tokenCostUsd(tokens: TokenTotals, price: TokenPrice): number {
  const { text, audio } = price;
  const image = price.image ?? text;
  const uncached = (all: number, cached: number) => Math.max(0, all - cached);
  const dollars =
    uncached(tokens.inputText, tokens.cachedText) * text.input +
    tokens.cachedText * text.cachedInput +
    tokens.outputText * text.output +
    uncached(tokens.inputAudio, tokens.cachedAudio) * audio.input +
    tokens.cachedAudio * audio.cachedInput +
    tokens.outputAudio * audio.output +
    uncached(tokens.inputImage, tokens.cachedImage) * image.input +
    tokens.cachedImage * image.cachedInput;
  return dollars * PER_TOKEN;
}

/** US dollars for GPT-Live's active seconds (billed by the second, not rounded to minutes). */
export function durationCostUsd(seconds: number, price: DurationPrice): number {
  return (count(seconds) / 60) * price.perMinute;
}
