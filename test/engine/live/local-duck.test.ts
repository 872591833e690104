import { afterEach, describe, expect, it } from 'vitest';
import { pcm16ToBase64 } from '../../../src/engine/audio/pcm';
import { DUCK_WINDOW_MS } from '../../../src/engine/session/local-duck';
import { startScriptedLiveServer, type ScriptedLiveServer, type ScriptedSocket } from './helpers/live-server';
import { sessionHarness, sleep, voice, type SessionHarness } from './helpers/session-harness';

let server: ScriptedLiveServer | null = null;
let harness: SessionHarness | null = null;

afterEach(async () => {
  await harness?.close();
  await server?.close();
  harness = server = null;
});

async function started(overrides = {}): Promise<{ h: SessionHarness; socket: ScriptedSocket }> {
  server = await startScriptedLiveServer();
  harness = await sessionHarness(server.url, overrides);
  const opening = harness.session.open();
  const socket = await server.connection();
  await socket.start();
  await opening;
  return { h: harness, socket };
}

/** The model talking on at the pace of speech for `totalMs`. */
function talkOn(socket: ScriptedSocket, totalMs: number): Promise<void> {
  const chunk = pcm16ToBase64(voice(40));
  return new Promise((resolve) => {
    let sent = 0;
    const step = () => {
      if (sent >= totalMs || socket.socket.readyState !== socket.socket.OPEN) return resolve();
      socket.send({ type: 'session.output_audio.delta', delta: chunk });
      sent += 40;
      setTimeout(step, 40);
    };
    step();
  });
}

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
    const talking = talkOn(socket, 1_600);
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
    const talking = talkOn(socket, 800);
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
    const talking = talkOn(socket, 600);
    await h.next('state', (e) => e.state === 'speaking');
    expect(h.session.wantsVoiceOnsets).toBe(false);
    h.session.voiceOnset();
    expect(h.player.isPaused).toBe(false);
    await talking;
  });
});
