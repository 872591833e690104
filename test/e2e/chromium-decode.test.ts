/**
 * The desktop app's m4a decoder (src/preload/decoder/web-audio.ts) in Debian's Chromium: the
 * browser's own AAC decoder, as Electron's Chromium runs it in the hidden decoder window. Its
 * samples say what the engine's ffmpeg path says (test/engine/audio/decode.test.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, ROOT } from '../../harness/renderer';
import { decodeAsEngineAudio } from '../../src/engine/audio/decode';
import { ENGINE_SAMPLE_RATE } from '../../src/engine/audio/devices/types';
import { measureLevel } from '../../src/engine/audio/meter';
import { floatSampleToInt16 } from '../../src/engine/audio/pcm';
import { mixToMono } from '../../src/engine/audio/wav';

const RECORDINGS = join(ROOT, 'test/fixtures/recordings');

let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launchChromium();
  page = await browser.newPage();
  // The module as the preload bundles it: plain script, its exports on one object.
  const source = readFileSync(join(ROOT, 'src/preload/decoder/web-audio.ts'), 'utf8');
  const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } });
  await page.addScriptTag({ content: `window.webAudio = {}; (function (exports) { ${outputText} })(window.webAudio);` });
});

afterAll(async () => {
  await browser?.close();
});

/** Decodes a fixture in the page; planar channels back as plain arrays (or only their lengths: a minute is slow to copy out). */
function decodeInChromium(bytes: Buffer, lengthsOnly = false): Promise<{ channels: number[][] } | { error: string }> {
  return page.evaluate(async ({ base64, lengthsOnly }) => {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const { decodeWithWebAudio } = (globalThis as unknown as { webAudio: { decodeWithWebAudio: (b: ArrayBuffer, rate: number) => Promise<Float32Array[]> } }).webAudio;
    try {
      return { channels: (await decodeWithWebAudio(bytes.buffer, 24_000)).map((c) => (lengthsOnly ? [c.length] : Array.from(c))) };
    } catch (error) {
      return { error: `${(error as Error).name}: ${(error as Error).message}` };
    }
  }, { base64: bytes.toString('base64'), lengthsOnly });
}

const envelope = (pcm: Int16Array) => Array.from({ length: Math.floor(pcm.length / 2400) }, (_, i) => measureLevel(pcm.subarray(i * 2400, (i + 1) * 2400)).rmsDb);

describe('m4a decoded by Chromium’s own decoders', () => {
  it('the stereo question: both channels at the engine rate, saying what the ffmpeg path says', async () => {
    const m4a = readFileSync(join(RECORDINGS, 'question.m4a'));
    const decoded = await decodeInChromium(m4a);
    if ('error' in decoded) throw new Error(decoded.error);
    expect(decoded.channels).toHaveLength(2);
    const mono = mixToMono(decoded.channels.map((c) => Float32Array.from(c)));
    const chromium = Int16Array.from(mono, floatSampleToInt16);
    const ffmpeg = await decodeAsEngineAudio(m4a);
    // Same length to within 50 ms (the codecs' priming samples are trimmed differently), same loudness envelope.
    expect(Math.abs(chromium.length - ffmpeg.length)).toBeLessThan(ENGINE_SAMPLE_RATE * 0.05);
    const [a, b] = [envelope(chromium), envelope(ffmpeg)];
    const voiced = b.map((db, i) => (db > -40 ? Math.abs(db - a[i]!) : 0));
    expect(Math.max(...voiced)).toBeLessThan(3);
  });

  it('a minute whose index follows its audio decodes whole', async () => {
    const decoded = await decodeInChromium(readFileSync(join(RECORDINGS, 'minute.m4a')), true);
    if ('error' in decoded) throw new Error(decoded.error);
    expect(decoded.channels).toHaveLength(1);
    expect(decoded.channels[0]![0]! / ENGINE_SAMPLE_RATE).toBeCloseTo(60, 0);
  });

  it('a cut or foreign file is the browser’s own error, not a hang or silence', async () => {
    const cut = readFileSync(join(RECORDINGS, 'question.m4a')).subarray(0, 2000);
    expect(await decodeInChromium(cut)).toEqual({ error: expect.stringMatching(/^EncodingError: /) });
    expect(await decodeInChromium(Buffer.from('not audio at all'))).toEqual({ error: expect.stringMatching(/^EncodingError: /) });
  });
});
