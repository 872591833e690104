import { describe, expect, it } from 'vitest';
import { base64ToPcm16 } from '../../../src/engine/audio/pcm';
import { cutReply, heardFraction } from '../../../src/engine/text/cut';
import { sleep, voice } from './helpers/session-harness';
import { liveSessionPerTest } from './helpers/simulator-session';

/**
 * Push-to-interrupt end to end against the simulator's GPT-Live endpoint, which plays audio
 * fixtures as the openai types document them: the stop fixture must really stop the model.
 */

const start = liveSessionPerTest();

interface Sent {
  at: number;
  event: { type: string; delta?: string; client_event_id?: string };
}

describe('push-to-interrupt on GPT-Live against the simulator', () => {
  it("stops the simulated model's reply (nothing more of it reaches the socket after the stop fixture) and the note with the heard words arrives after the fixture played", async () => {
    const { sim, h } = await start({ port: 0, replyMs: 6_000 });
    const next = sim.nextLiveSession();
    await h.session.open();
    const session = await next;
    // The user's turn: 600 ms of voice, then the silence that ends it, as 40 ms batches.
    const turn = voice(600);
    for (let i = 0; i < turn.length; i += 960) h.session.sendAudio(turn.subarray(i, i + 960));
    for (let i = 0; i < 20; i++) h.session.sendAudio(new Int16Array(960));
    await h.next('state', (e) => e.state === 'speaking', 5_000);
    await sleep(1_200);
    expect(session.speaking).toBe(true);

    expect(h.session.interrupt('user')).toBe(true);
    const cut = await h.next('interrupted');
    const spoken = await h.next('transcript.final', (e) => e.speaker === 'assistant' && e.itemId === cut.itemId);
    const heard = cutReply(spoken.text, heardFraction(cut.playedMs, cut.receivedMs)).heard;
    expect(heard.split(' ').length).toBeGreaterThanOrEqual(2);

    // The note comes once the fixture has played (instructions are refused while one is active).
    const deadline = Date.now() + 3_000;
    while (session.appendedInstructions.length === 0 && Date.now() < deadline) await sleep(20);
    expect(session.appendedInstructions).toHaveLength(1);
    expect(session.appendedInstructions[0]).toContain(`"${heard}"`);
    expect(session.speaking).toBe(false);
    expect(session.fixtures).toHaveLength(1);
    expect(session.fixtures[0]!.interruptedSpokenMs).toBeGreaterThan(1_000);

    await sleep(1_000);
    const sent = session.sent.map((r) => r as Sent);
    const playing = sent.findIndex((r) => r.event.type === 'session.output_audio.fixture.playing');
    const played = sent.findIndex((r) => r.event.type === 'session.output_audio.fixture.played');
    expect(playing).toBeGreaterThan(0);
    expect(played).toBeGreaterThan(playing);
    expect(sent[playing]!.event.client_event_id).toMatch(/^kaiwa-stop-/);
    // After the fixture was accepted, only the fixture itself went out: 40 ms of silence, no words.
    const after = sent.slice(playing + 1);
    const audio = after.filter((r) => r.event.type === 'session.output_audio.delta').map((r) => base64ToPcm16(r.event.delta!));
    expect(audio.reduce((n, pcm) => n + pcm.length, 0)).toBe(960);
    expect(audio.every((pcm) => pcm.every((s) => s === 0))).toBe(true);
    expect(after.filter((r) => r.event.type === 'session.output_transcript.delta')).toEqual([]);
    expect(sent.filter((r) => r.event.type === 'error')).toEqual([]);
    // What Kaiwa sent, in order: the fixture, then the note.
    const commands = session.received.map((r) => (r.event as { type: string }).type).filter((t) => t !== 'session.input_audio.append');
    expect(commands).toEqual(['session.start', 'session.output_audio.fixture.play', 'session.instructions.append']);
    expect(h.session.state).toBe('listening');
    expect(h.events.filter((e) => e.type === 'error')).toEqual([]);
  });
});
