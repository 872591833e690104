import { describe, expect, it } from 'vitest';
import { MIC_BATCH_SAMPLES, MicPath, type MicSink } from '../../../src/engine/audio/mic-path';
import { NullOutput } from '../../../src/engine/audio/devices/null';

function rig(hearsOutput = false) {
  const batches: Int16Array[] = [];
  const sink: MicSink & { acceptsAudio: boolean } = { acceptsAudio: true, sendAudio: (pcm) => batches.push(pcm.slice()) };
  const errors: string[] = [];
  const mic = new MicPath({ output: new NullOutput(), hearsOutput, onError: (m) => errors.push(m) });
  mic.sink = sink;
  return { mic, sink, batches, errors };
}

/** `samples` counting up from `from`. */
const ramp = (samples: number, from = 0) => Int16Array.from({ length: samples }, (_, i) => (from + i) % 30_000);

describe('MicPath', () => {
  it('hands the session 10 ms batches, in order, from device chunks of any length', () => {
    const r = rig();
    let at = 0;
    for (const size of [100, 240, 1000, 37, 2463]) {
      r.mic.push(ramp(size, at));
      at += size;
    }
    expect(MIC_BATCH_SAMPLES).toBe(240);
    expect(r.batches).toHaveLength(Math.floor(at / 240));
    r.batches.forEach((b, k) => expect([b.length, b[0], b[239]]).toEqual([240, k * 240, k * 240 + 239]));
  });

  it('flush sends the partial batch as it is (no padding); drop forgets it', () => {
    const r = rig();
    r.mic.push(ramp(150));
    r.mic.flush();
    expect(r.batches.map((b) => b.length)).toEqual([150]);
    r.mic.push(ramp(150));
    r.mic.drop();
    r.mic.flush();
    expect(r.batches).toHaveLength(1);
  });

  it('drops audio the session does not want now, with the partial batch: nothing is sent late', () => {
    const r = rig();
    r.mic.push(ramp(150)); // a partial batch waits
    r.sink.acceptsAudio = false;
    r.mic.push(ramp(2000));
    r.sink.acceptsAudio = true;
    r.mic.push(ramp(MIC_BATCH_SAMPLES, 7));
    expect(r.batches).toHaveLength(1);
    expect(r.batches[0]![0]).toBe(7);
  });

  it('measures the input level of what it hears, sink or not', () => {
    const r = rig();
    r.mic.sink = null;
    expect(r.mic.level.rmsDb).toBeLessThan(-90);
    for (let i = 0; i < 30; i++) r.mic.push(new Int16Array(240).fill(8_000));
    expect(r.mic.level.rmsDb).toBeGreaterThan(-20);
  });

  it('keeps the pass-through when the microphone cannot hear the speaker, even with echo cancellation on', async () => {
    const r = rig(false);
    await r.mic.configureEcho(true);
    const chunk = ramp(MIC_BATCH_SAMPLES, 3);
    r.mic.push(chunk);
    expect(Array.from(r.batches[0]!)).toEqual(Array.from(chunk));
    await r.mic.close();
    expect(r.errors).toEqual([]);
  });
});
