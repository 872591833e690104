import { describe, expect, it } from 'vitest';
import { Player } from '../../../src/engine/audio/player';
import { LocalDuck } from '../../../src/engine/session/local-duck';

const WINDOW_MS = 40;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The duck on a real Player (its pause and resume), with a short window. */
function rig() {
  const player = new Player();
  const log: string[] = [];
  const duck = new LocalDuck({ pause: () => player.pause(), resume: () => player.resume(), get isPaused() { return player.isPaused; }, log: (l) => log.push(l) }, WINDOW_MS);
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
});
