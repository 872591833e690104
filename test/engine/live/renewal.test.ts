import { describe, expect, it } from 'vitest';
import { sleep } from './helpers/session-harness';
import { liveSessionPerTest } from './helpers/simulator-session';

const start = liveSessionPerTest();

describe('GPT-Live renewal ahead of expiry, against the simulator', () => {
  it('renews before expires_at at a quiet moment: the next session starts first, the old one is closed by Kaiwa (not expired) with its final seconds', async () => {
    // The first session lives 3 s (expires_at says 2-3 s); the server would close it as expired then.
    const { sim, h } = await start({ port: 0, replyMs: 500, faults: (i) => (i === 0 ? { sessionExpiredAfterMs: 3_000 } : undefined) });
    await h.session.open();
    const first = sim.liveSessions[0]!;
    const second = await sim.nextLiveSession(1);
    await sleep(200);
    expect(first.state).toBe('closed');
    const closed = first.sent.map((r) => r.event as { type: string; reason?: string }).find((e) => e.type === 'session.closed');
    expect(closed?.reason).toBe('close_requested');
    expect(second.state).toBe('started');
    const firstId = first.config!.id;
    const finals = h.events.filter((e) => e.type === 'session.usage' && e.final);
    expect(finals.map((e) => e.type === 'session.usage' && e.sessionId)).toContain(firstId);
    expect(h.events.filter((e) => e.type === 'state').map((e) => e.type === 'state' && e.state)).not.toContain('reconnecting');
    expect(h.events.filter((e) => e.type === 'error')).toEqual([]);
    expect(h.session.state).toBe('listening');
  });
});
