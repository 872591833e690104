import { describe, expect, it } from 'vitest';
import { withBed } from '../../src/simulator/reply-bed';
import { ReplyVoice } from '../../src/simulator/voice';
import { rmsDb } from '../../src/engine/audio/meter';

function render(bed: 'none' | 'tone' | 'chords', chunk: number): Int16Array {
  const source = withBed(new ReplyVoice(2000, 5), bed);
  const out = new Int16Array(source.totalSamples);
  const piece = new Int16Array(chunk);
  for (let at = 0; source.remaining > 0; ) {
    const n = source.render(piece);
    out.set(piece.subarray(0, n), at);
    at += n;
  }
  return out;
}

describe('reply bed: a steady tone or chords under the simulator\'s spoken reply', () => {
  it('none is the voice itself', () => {
    const voice = new ReplyVoice(2000, 5);
    expect(withBed(voice, 'none')).toBe(voice);
  });

  it.each(['tone', 'chords'] as const)('%s sounds through the voice\'s pauses, the same whatever the chunk length', (bed) => {
    const plain = render('none', 2400);
    const bedded = render(bed, 2400);
    expect(render(bed, 777)).toEqual(bedded);
    // Where the voice is silent the bed is heard, 30-40 dB under full scale.
    const quiet = [...Array(plain.length / 240).keys()].filter((f) => rmsDb(plain, f * 240, f * 240 + 240) < -70);
    expect(quiet.length).toBeGreaterThan(0);
    for (const f of quiet) {
      const level = rmsDb(bedded, f * 240, f * 240 + 240);
      expect(level).toBeGreaterThan(bed === 'tone' ? -25 : -45);
      expect(level).toBeLessThan(-15);
    }
  });
});
