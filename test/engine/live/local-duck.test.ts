import { describe, expect, it } from 'vitest';
import { pcm16ToBase64 } from '../../../src/engine/audio/pcm';
import { DUCK_WINDOW_MS } from '../../../src/engine/session/local-duck';
import { openedSessions, speak } from './helpers/opened-session';
import { sleep, voice } from './helpers/session-harness';

const started = openedSessions();

/**
 * GPT-Live in full duplex with the local VAD (issue 12): the mic path's onset (the session's
 * `voiceOnset`, as the mic path calls it) ducks the reply; the model yielding confirms it, the
 * model talking on resumes it.
 */
describe('GPT-Live: the local duck over a real socket', () => {
  it('the model yields under the user: ducked at the onset, then cut where the duck silenced it', async () => {
    const { h, socket } = await started();
    socket.send({ type: 'session.output_audio.delta', delta: pcm16ToBase64(voice(1500)) });
    await h.next('state', (e) => e.state === 'speaking');
    await sleep(300);
    expect(h.session.wantsVoiceOnsets).toBe(true);
    h.session.voiceOnset();
    expect(h.player.isPaused).toBe(true);
    const heardAtDuck = h.player.playedMs(h.player.currentItemId!);
    // The user goes on speaking; the model (which sent its burst and stopped) has yielded.
    const userSpeaks = setInterval(() => h.session.sendAudio(voice(40)), 40);
    try {
      const cut = await h.next('interrupted');
      expect(cut.reason).toBe('barge-in');
      // What was heard stops at the duck (its 10 ms fade), not where the stall was noticed.
      expect(cut.playedMs).toBeGreaterThanOrEqual(heardAtDuck);
      expect(cut.playedMs).toBeLessThanOrEqual(heardAtDuck + 20);
      expect(h.player.isPaused).toBe(false);
    } finally {
      clearInterval(userSpeaks);
    }
  });

  it('the model talks on: the reply fades back in after the window, nothing cut', async () => {
    const { h, socket } = await started();
    const talking = speak(socket, 1_600).done;
    await h.next('state', (e) => e.state === 'speaking');
    await sleep(200);
    h.session.voiceOnset();
    expect(h.player.isPaused).toBe(true);
    await sleep(DUCK_WINDOW_MS + 100);
    expect(h.player.isPaused).toBe(false);
    await talking;
    expect(h.events.filter((e) => e.type === 'interrupted')).toEqual([]);
  });

  it('a click: the onset taken back resumes the reply at once, not after the window', async () => {
    const { h, socket } = await started();
    const talking = speak(socket, 800).done;
    await h.next('state', (e) => e.state === 'speaking');
    await sleep(200);
    h.session.voiceOnset();
    expect(h.player.isPaused).toBe(true);
    await sleep(80);
    h.session.voiceRetracted();
    expect(h.player.isPaused).toBe(false);
    await talking;
    expect(h.events.filter((e) => e.type === 'interrupted')).toEqual([]);
  });

  it('off (interruption.localVad false): no onsets wanted, and one changes nothing', async () => {
    const { h, socket } = await started({ interruption: { mode: 'immediate', minSpeechMs: 400, localVad: false } });
    const talking = speak(socket, 600).done;
    await h.next('state', (e) => e.state === 'speaking');
    expect(h.session.wantsVoiceOnsets).toBe(false);
    h.session.voiceOnset();
    expect(h.player.isPaused).toBe(false);
    await talking;
  });
});
