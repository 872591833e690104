import { describe, expect, it } from 'vitest';
import { Player } from '../../../src/engine/audio/player';
import { LocalDuck, MAX_RETRACTED_DUCKS } from '../../../src/engine/session/local-duck';

const WINDOW_MS = 40;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The duck on a real Player (its pause and resume), with a short window. */
function rig() {
  const player = new Player();
  const log: string[] = [];
  const duck = new LocalDuck(player, (l) => log.push(l), WINDOW_MS);
  return { player, duck, log };
}

describe('LocalDuck', () => {
  it('ducks at once and, unconfirmed, resumes after the window', async () => {
    const { player, duck, log } = rig();
    duck.voiceHeard('item_1');
    expect(player.isPaused).toBe(true);
    expect(duck.ducked).toBe(true);
    await sleep(WINDOW_MS + 30);
    expect(player.isPaused).toBe(false);
    expect(duck.ducked).toBe(false);
    expect(log.at(-1)).toMatch(/no confirmation within 40 ms, the reply resumes/);
  });

  it('hands over on confirmation: un-ducked in the same tick (the policy then holds or cuts), no later resume', async () => {
    const { player, duck } = rig();
    duck.voiceHeard('item_1');
    duck.confirmed();
    expect(player.isPaused).toBe(false);
    player.pause(); // pause-then-decide holds it
    await sleep(WINDOW_MS + 30);
    expect(player.isPaused).toBe(true);
  });

  it('leaves a reply alone that is held already (pause-then-decide), and forgets on clear() without touching the player', async () => {
    const { player, duck } = rig();
    player.pause();
    duck.voiceHeard('item_1');
    expect(duck.ducked).toBe(false);
    player.resume();
    duck.voiceHeard('item_1');
    duck.clear();
    await sleep(WINDOW_MS + 30);
    expect(player.isPaused).toBe(true); // the cut's flush, not the duck, ends the pause
  });

  it('ducks a reply in vain once: a second onset in the same reply waits for the server, the next reply ducks again', async () => {
    const { player, duck } = rig();
    duck.voiceHeard('item_1');
    await sleep(WINDOW_MS + 30);
    duck.voiceHeard('item_1');
    expect(player.isPaused).toBe(false);
    duck.voiceHeard('item_2');
    expect(player.isPaused).toBe(true);
    duck.clear();
  });

  it('resumes at once when the local VAD takes its onset back (a click), without spending the reply', async () => {
    const { player, duck, log } = rig();
    duck.voiceHeard('item_1');
    duck.voiceRetracted();
    expect(player.isPaused).toBe(false);
    expect(duck.ducked).toBe(false);
    expect(log.at(-1)).toMatch(/a short sound, not a voice .* the reply resumes/);
    // The user's real barge-in a moment later still ducks the same reply.
    duck.voiceHeard('item_1');
    expect(player.isPaused).toBe(true);
    duck.clear();
  });

  it(`stops ducking a reply for clicks after ${MAX_RETRACTED_DUCKS} of them (typing through a reply does not stutter it); the next reply ducks again`, () => {
    const { player, duck } = rig();
    for (let i = 0; i < MAX_RETRACTED_DUCKS; i++) {
      duck.voiceHeard('item_1');
      expect(player.isPaused).toBe(true);
      duck.voiceRetracted();
    }
    duck.voiceHeard('item_1');
    expect(player.isPaused).toBe(false);
    duck.voiceHeard('item_2');
    expect(player.isPaused).toBe(true);
    duck.clear();
  });

  it('ignores a retraction once the server confirmed (the barge-in goes on) or when nothing is ducked', async () => {
    const { player, duck } = rig();
    duck.voiceRetracted();
    expect(player.isPaused).toBe(false);
    duck.voiceHeard('item_1');
    duck.confirmed();
    player.pause(); // pause-then-decide holds it
    duck.voiceRetracted();
    expect(player.isPaused).toBe(true);
  });
});
