import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Player } from '../../../../src/engine/audio/player';
import type { AssistantEvent } from '../../../../src/engine/events';
import { parseSettings } from '../../../../src/engine/settings';
import { createSession, ReplayRecord, SessionError, type SessionContext } from '../../../../src/engine/session';
import { RealtimeSession } from '../../../../src/engine/session/realtime/realtime-session';
import { startSimulator, type RunningSimulator } from '../../../../src/simulator';
import { receivedOfType } from '../../../../harness/replies';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ port: 0 });
});
afterAll(async () => {
  await sim?.close();
});

function context(overrides: Partial<SessionContext> = {}): SessionContext & { events: AssistantEvent[] } {
  const events: AssistantEvent[] = [];
  return {
    settings: parseSettings({ provider: 'local' }),
    credentials: {},
    localUrl: sim.url,
    player: new Player(),
    record: new ReplayRecord(),
    emit: (e) => events.push(e),
    log: () => {},
    events,
    ...overrides,
  };
}

describe('RealtimeSession', () => {
  it('opens: connecting, then listening, the session configured first; settings changes re-send session.update', async () => {
    const ctx = context();
    const session = createSession(ctx);
    expect(session).toBeInstanceOf(RealtimeSession);
    expect(session.state).toBe('idle');
    session.updateSettings(parseSettings({ provider: 'local', voice: 'ash' })); // not connected: nothing to send
    const server = sim.nextSession();
    await session.open();
    expect(session.state).toBe('listening');
    expect(session.acceptsAudio).toBe(true);
    const s = await server;
    session.updateSettings(parseSettings({ provider: 'local', voice: 'cedar' }));
    await until(() => receivedOfType(s.received, 'session.update').length === 2);
    expect(receivedOfType(s.received, 'session.update').map((u) => (u as { session: { audio: { output: { voice: string } } } }).session.audio.output.voice)).toEqual([
      'ash',
      'cedar',
    ]);
    await session.close();
    await session.close(); // idempotent
    expect(session.state).toBe('idle');
    expect(session.acceptsAudio).toBe(false);
    expect(ctx.events.filter((e) => e.type === 'state').map((e) => (e as { state: string }).state)).toEqual(['connecting', 'listening', 'idle']);
  });

  it('a refused first connection: the fatal error event, state error, and a SessionError', async () => {
    const ctx = context({ settings: parseSettings({ provider: 'openai' }) }); // no key
    const session = createSession(ctx);
    const error = await session.open().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionError);
    expect(error).toMatchObject({ code: 'config' });
    expect(session.state).toBe('error');
    expect(ctx.events).toContainEqual({ type: 'error', code: 'config', fatal: true, key: 'error.settingInvalid', params: { detail: { key: 'endpoint.openaiKeyMissing' } } });
  });
});

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
