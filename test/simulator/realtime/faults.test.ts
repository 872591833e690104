import { describe, expect, it, vi } from 'vitest';
import { audioDeltaType } from './client';
import { useSimulator } from './helpers';

const { start, connect, sim } = useSimulator();

describe('fault injection', () => {
  it('dropAfterEvents: the connection dies without a close frame after N events', async () => {
    await start({ replyMs: 3000, faults: { dropAfterEvents: 8 } });
    const client = await connect();
    client.send({ type: 'response.create' });
    const { code } = await client.closed;
    expect(code).toBe(1006);
    expect(client.received).toHaveLength(8);
    expect(sim().sessions[0]!.sent).toHaveLength(8);
  });

  it('malformedAtEvent and unknownEventAtEvent: a non-JSON frame and an unknown type, then business as usual', async () => {
    await start({ replyMs: 200, faults: { unknownEventAtEvent: 2, malformedAtEvent: 3 } });
    const client = await connect();
    client.send({ type: 'response.create' });
    await client.next('response.done');
    expect(client.types().slice(0, 3)).toEqual(['session.created', 'simulator.unknown_event', 'response.created']);
    expect(client.malformed).toHaveLength(1);
    expect(() => JSON.parse(client.malformed[0]!)).toThrow();
    // The malformed frame replaced the third event (output_item.added).
    expect(client.all('response.output_item.added')).toHaveLength(0);
    expect(client.all(audioDeltaType('ga')).length).toBeGreaterThan(0);
  });

  it('sessionExpiredAfterMs: the session_expired error, then the server closes', async () => {
    await start({ faults: (i) => (i === 0 ? { sessionExpiredAfterMs: 50 } : undefined) });
    const client = await connect();
    const error = await client.next('error');
    expect(error.error).toMatchObject({ code: 'session_expired', type: 'invalid_request_error' });
    const { code } = await client.closed;
    expect(code).toBe(1000);
    // The plan applied to the first connection only.
    const second = await connect();
    second.send({ type: 'input_audio_buffer.clear' });
    await second.next('input_audio_buffer.cleared');
    expect(second.all('error')).toHaveLength(0);
  });

  it('delayMs: every event arrives late, in order', async () => {
    await start({ replyMs: 200, faults: { delayMs: 150 } });
    const client = await connect();
    const sentAt = performance.now();
    client.send({ type: 'input_audio_buffer.clear' });
    await client.next('input_audio_buffer.cleared');
    expect(performance.now() - sentAt).toBeGreaterThanOrEqual(145);
    client.send({ type: 'response.create' });
    await client.next('response.done');
    const session = sim().sessions[0]!;
    // The server records an event when it schedules it; with the delay, what follows response.done
    // (rate_limits.updated) may still be on its way: everything arrives, in the order sent.
    await vi.waitFor(() => expect(client.types()).toEqual(session.sent.map((r) => (r.event as { type: string }).type)), { timeout: 2_000 });
  });
});
