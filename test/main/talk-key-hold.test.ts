import { describe, expect, it } from 'vitest';
import { TAP_MS, TalkKeyHold } from '../../src/main/talk-key-hold';

/**
 * The hold-to-talk state machine against synthetic key events. `talking` follows what the
 * controller would report: it becomes true after a 'start' and false after a 'stop'.
 */
class Person {
  readonly hold = new TalkKeyHold();
  talking = false;
  readonly actions: string[] = [];

  down(at: number): void {
    this.record(this.hold.down(at, this.talking));
  }
  up(at: number): void {
    this.record(this.hold.up(at));
  }
  abandon(): void {
    this.record(this.hold.abandon());
  }
  private record(action: string): void {
    if (action === 'start') this.talking = true;
    if (action === 'stop') this.talking = false;
    if (action !== 'none') this.actions.push(action);
  }
}

describe('TalkKeyHold', () => {
  it('a hold talks while the key is down and sends on release', () => {
    const p = new Person();
    p.down(1_000);
    expect(p.actions).toEqual(['start']); // at once, not after the tap window
    p.up(1_000 + 1_800);
    expect(p.actions).toEqual(['start', 'stop']);
    expect(p.hold.isHeld).toBe(false);
  });

  it('a short tap toggles talking on, and the next tap sends', () => {
    const p = new Person();
    p.down(0);
    p.up(120);
    expect(p.actions).toEqual(['start']);
    expect(p.talking).toBe(true);
    p.down(4_000);
    expect(p.actions).toEqual(['start']); // already talking: nothing on the way down
    p.up(4_090);
    expect(p.actions).toEqual(['start', 'stop']);
  });

  it('the tap threshold: just under is a tap, exactly at it is a hold', () => {
    const tap = new Person();
    tap.down(0);
    tap.up(TAP_MS - 1);
    expect(tap.talking).toBe(true);
    const hold = new Person();
    hold.down(0);
    hold.up(TAP_MS);
    expect(hold.actions).toEqual(['start', 'stop']);
  });

  it('auto-repeat keydowns while held change nothing, and do not restart the hold', () => {
    const p = new Person();
    p.down(0);
    // Key repeat: a first repeat after ~500 ms, then every ~33 ms.
    for (let t = 500; t < 2_000; t += 33) p.down(t);
    p.up(2_010);
    expect(p.actions).toEqual(['start', 'stop']);
  });

  it('a release without a press seen (held before the hook started) does nothing', () => {
    const p = new Person();
    p.up(50);
    expect(p.actions).toEqual([]);
    p.talking = true; // talking from the window's button
    p.up(60);
    expect(p.actions).toEqual([]);
    expect(p.talking).toBe(true);
  });

  it('a hold while already talking (started from the window) sends on release', () => {
    const p = new Person();
    p.talking = true;
    p.down(0);
    expect(p.actions).toEqual([]);
    p.up(2_000);
    expect(p.actions).toEqual(['stop']);
  });

  it('a tap that latched, then a long hold: the release of the hold sends', () => {
    const p = new Person();
    p.down(0);
    p.up(100);
    p.down(3_000);
    p.up(6_000);
    expect(p.actions).toEqual(['start', 'stop']);
  });

  it('losing the key (session locked, hook stopped) during a hold sends what was said', () => {
    const p = new Person();
    p.down(0);
    p.abandon();
    expect(p.actions).toEqual(['start', 'stop']);
    // The release that may still arrive later is one without a press.
    p.up(5_000);
    expect(p.actions).toEqual(['start', 'stop']);
  });

  it('losing the key while it is up leaves a tapped-on talk alone', () => {
    const p = new Person();
    p.down(0);
    p.up(80);
    p.abandon();
    expect(p.actions).toEqual(['start']);
    expect(p.talking).toBe(true);
  });

  it('talking stopped elsewhere between two presses: the next press starts again', () => {
    const p = new Person();
    p.down(0);
    p.up(100); // tapped on
    p.talking = false; // the window's button sent the turn
    p.down(2_000);
    expect(p.actions).toEqual(['start', 'start']);
    p.up(2_100);
    expect(p.talking).toBe(true);
  });
});
