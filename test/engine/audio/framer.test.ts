import { describe, expect, it } from 'vitest';
import { Framer } from '../../../src/engine/audio/framer';

describe('Framer', () => {
  it('re-chunks arbitrary pieces into fixed frames, in order, without losing samples', () => {
    const frames: Int16Array[] = [];
    const framer = new Framer(240, (f) => frames.push(f));
    let next = 0;
    for (const size of [1, 239, 241, 0, 480, 7, 1000, 12]) {
      const piece = new Int16Array(size);
      for (let i = 0; i < size; i++) piece[i] = next++ % 30000;
      framer.push(piece);
    }
    expect(frames.length).toBe(Math.floor(next / 240));
    expect(framer.pending).toBe(next % 240);
    frames.forEach((f, k) => {
      expect(f.length).toBe(240);
      for (let i = 0; i < 240; i++) expect(f[i]).toBe((k * 240 + i) % 30000);
    });
    framer.flush();
    const last = frames.at(-1)!;
    expect(last[(next % 240) - 1]).toBe((next - 1) % 30000);
    expect(last[next % 240]).toBe(0);
    expect(framer.pending).toBe(0);
  });

  it('hands out distinct frames the receiver may keep', () => {
    const frames: Int16Array[] = [];
    const framer = new Framer(4, (f) => frames.push(f));
    framer.push(Int16Array.of(1, 2, 3, 4, 5, 6, 7, 8));
    expect(frames[0]).not.toBe(frames[1]);
    expect(Array.from(frames[0]!)).toEqual([1, 2, 3, 4]);
    framer.push(Int16Array.of(9, 9));
    framer.reset();
    framer.push(Int16Array.of(1, 1, 1, 1));
    expect(Array.from(frames[2]!)).toEqual([1, 1, 1, 1]);
  });

  it('with reuse, hands out one buffer (valid during the callback) and the same samples; a flush pads with zeros', () => {
    const seen: number[][] = [];
    const buffers = new Set<Int16Array>();
    const framer = new Framer(4, (f) => (buffers.add(f), seen.push(Array.from(f))), { reuse: true });
    framer.push(Int16Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9));
    framer.flush();
    expect(seen).toEqual([[1, 2, 3, 4], [5, 6, 7, 8], [9, 0, 0, 0]]);
    expect(buffers.size).toBe(1);
  });

  it('rejects a bad frame size', () => {
    expect(() => new Framer(0, () => {})).toThrow(RangeError);
  });
});
