import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { SessionStartEvent } from 'openai/resources/live/live';
import type { AssistantEvent } from '../../../src/engine/events';
import { say } from '../../../src/engine/messages';
import { LIVE_NO_TOOLS } from '../../../src/engine/session/live/messages';
import { parseSettings, type SettingsInput } from '../../../src/engine/settings';
import { BUILTIN_TOOLS, BUILTIN_TOOL_NAMES } from '../../../src/engine/tools/builtin';
import { defineTool } from '../../../src/engine/tools/define';
import { Toolbox } from '../../../src/engine/tools/toolbox';
import { renewalTimes } from '../../../src/engine/live/keeper';
import type { LiveSimSession, RunningSimulator, SimulatorOptions } from '../../../src/simulator';
import type { ScriptedToolCall } from '../../../src/simulator/live/delegation';
import { MemoryHost } from '../tools/memory-host';
import { sleep, voice, type SessionHarness } from './helpers/session-harness';
import { liveSessionPerTest } from './helpers/simulator-session';

/**
 * Kaiwa's tools in a GPT-Live conversation, end to end: the real Toolbox (built-in tools, consent,
 * timeouts) in a LiveSession, against the simulated service over a socket on 127.0.0.1, which
 * delegates scripted calls to its Responses backend and speaks what comes back.
 */

const start = liveSessionPerTest();

/** A spoken turn: 600 ms of voice, then the silence that ends it for the service. */
const turnAudio = () => {
  const pcm = new Int16Array(24 * 1300);
  pcm.set(voice(600));
  return pcm;
};

interface Run {
  sim: RunningSimulator;
  h: SessionHarness;
  live: LiveSimSession;
  toolbox: Toolbox;
  host: MemoryHost;
}

async function run(
  toolCalls: ScriptedToolCall[],
  {
    settings = {},
    tools = BUILTIN_TOOLS,
    consentTimeoutMs,
    faults,
  }: { settings?: SettingsInput; tools?: typeof BUILTIN_TOOLS; consentTimeoutMs?: number; faults?: SimulatorOptions['faults'] } = {},
): Promise<Run> {
  const host = new MemoryHost();
  let toolbox: Toolbox | undefined;
  const { sim, h } = await start(
    { replyMs: 400, validateOutgoing: true, live: { toolCalls }, ...(faults ? { faults } : {}) },
    {
      settings,
      tools: (emit) =>
        (toolbox = new Toolbox({
          host,
          settings: parseSettings(settings),
          credentials: {},
          emit,
          tools,
          ...(consentTimeoutMs !== undefined ? { consentTimeoutMs } : {}),
        })),
    },
  );
  await h.session.open();
  return { sim, h, live: sim.liveSessions[0]!, toolbox: toolbox!, host };
}

async function waitFor(test: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}

const ofType = <T extends AssistantEvent['type']>(h: SessionHarness, type: T) => h.events.filter((e): e is Extract<AssistantEvent, { type: T }> => e.type === type);

/** What the client sent a simulated session, by type. */
const sentTypes = (live: LiveSimSession) => live.received.map((r) => (r.event as { type: string }).type);

/** The model's line that says something about `text`. */
const modelSays = (h: SessionHarness, text: string, timeoutMs = 6_000) =>
  h.next('transcript.final', (e) => e.speaker === 'assistant' && e.text.includes(text), timeoutMs);

describe('GPT-Live tools (Responses delegation) with the real Toolbox', () => {
  it('a full round trip: tools declared, the backend calls get_time, the Toolbox runs it once, the output goes back and the model speaks it', async () => {
    const { h, live } = await run([{ name: 'get_time', arguments: '{}' }]);
    const startEvent = live.received[0]!.event as SessionStartEvent;
    expect(startEvent.session.delegation).toMatchObject({ type: 'responses', responses: { model: 'gpt-5-mini' } });
    const declared = (startEvent.session.delegation as { responses: { tools: Array<{ type: string; name: string; parameters: unknown }> } }).responses.tools;
    expect(declared.map((t) => t.name)).toEqual(BUILTIN_TOOL_NAMES);
    expect(declared.every((t) => t.type === 'function' && typeof t.parameters === 'object')).toBe(true);

    h.session.sendAudio(turnAudio());
    const result = await h.next('tool.result', undefined, 5_000);
    expect(result).toMatchObject({ name: 'get_time', outcome: 'ok', source: 'function' });
    await modelSays(h, 'get_time tool answered');
    expect(live.delegations.outputs).toEqual([{ callId: result.callId, name: 'get_time', output: result.output }]);
    expect(live.delegations.made).toEqual([expect.objectContaining({ target: 'responses', name: 'get_time', callId: result.callId })]);
    // Once each: the Toolbox emits the call and the result, the session nothing more.
    expect(ofType(h, 'tool.call')).toHaveLength(1);
    expect(ofType(h, 'tool.result')).toHaveLength(1);
    const sent = sentTypes(live);
    expect(sent.filter((t) => t === 'response.item.create')).toHaveLength(1);
    expect(sent.indexOf('response.create')).toBeGreaterThan(sent.indexOf('response.item.create'));
    expect(ofType(h, 'error')).toEqual([]);
    expect(live.violations).toEqual([]);
  });

  it('consent denied: the model is told (a denied function_call_output) and says so', async () => {
    const { h, live, toolbox, host } = await run([{ name: 'read_clipboard', arguments: '{}' }]);
    host.clipboard = 'a private note';
    h.session.sendAudio(turnAudio());
    const ask = await h.next('consent.request', undefined, 5_000);
    expect(ask.tool).toBe('read_clipboard');
    expect(toolbox.answerConsent(ask.id, 'deny')).toBe(true);
    const result = await h.next('tool.result');
    expect(result.outcome).toBe('denied');
    await modelSays(h, 'denied');
    expect(live.delegations.outputs).toHaveLength(1);
    expect(JSON.parse(live.delegations.outputs[0]!.output)).toMatchObject({ error: 'denied' });
    expect(live.delegations.outputs[0]!.output).not.toContain('a private note');
  });

  it('consent not answered in time counts as Deny, and the model is told that', async () => {
    const { h, live } = await run([{ name: 'read_clipboard', arguments: '{}' }], { consentTimeoutMs: 300 });
    h.session.sendAudio(turnAudio());
    await h.next('consent.request', undefined, 5_000);
    const settled = await h.next('consent.settled');
    expect(settled.answer).toBe('timeout');
    const result = await h.next('tool.result');
    expect(result.outcome).toBe('denied');
    await modelSays(h, 'in time');
    expect(live.delegations.outputs[0]!.output).toMatch(/did not answer/);
  });

  it('bad arguments: a clear error the backend can act on, and the conversation goes on', async () => {
    const { h, live } = await run([{ name: 'set_timer', arguments: '{"seconds": "soon"' }]);
    h.session.sendAudio(turnAudio());
    const result = await h.next('tool.result', undefined, 5_000);
    expect(result.outcome).toBe('bad-arguments');
    await modelSays(h, 'bad_arguments');
    expect(JSON.parse(live.delegations.outputs[0]!.output)).toMatchObject({ error: 'bad_arguments' });
    // The next turn is answered as usual.
    await sleep(300);
    h.session.sendAudio(turnAudio());
    await modelSays(h, 'You said');
    expect(ofType(h, 'error')).toEqual([]);
  });

  it('a tool that throws: the failure goes back as the output, the model says it, nothing crashes', async () => {
    const explode = defineTool({
      name: 'explode',
      description: 'Always fails.',
      label: say('tool.get_time.label'),
      schema: z.object({}),
      needsConsent: false,
      consent: () => say('tool.get_time.label'),
      run: async () => {
        throw new Error('the fuse blew');
      },
    });
    const { h, live } = await run([{ name: 'explode', arguments: '{}' }], { tools: [explode] });
    h.session.sendAudio(turnAudio());
    const result = await h.next('tool.result', undefined, 5_000);
    expect(result.outcome).toBe('error');
    await modelSays(h, 'the fuse blew');
    expect(live.delegations.outputs[0]!.output).toContain('the fuse blew');
    expect(ofType(h, 'error')).toEqual([]);
  });

  it('a barge-in and a push-to-interrupt while the tool waits: the usual interruption rules, and the result is still delivered, once', async () => {
    const { h, live, toolbox, host } = await run([{ name: 'read_clipboard', arguments: '{}' }]);
    host.clipboard = 'hello from the clipboard';
    h.session.sendAudio(turnAudio());
    const ask = await h.next('consent.request', undefined, 5_000);
    // The model acknowledges while the work waits (full duplex); the user talks over it.
    await h.next('state', (e) => e.state === 'speaking');
    h.session.sendAudio(turnAudio());
    await modelSays(h, 'You said');
    expect(live.interruptions.length).toBeGreaterThanOrEqual(1);
    // And presses Stop on the answer to that.
    const before = h.events.length;
    h.session.sendAudio(turnAudio());
    await h.next('state', (e) => e.state === 'speaking' && h.events.indexOf(e) >= before);
    expect(h.session.interrupt('user')).toBe(true);
    await h.next('interrupted', (e) => e.reason === 'user');
    // The result comes right after the Stop: the model's answer to it is a new turn, heard (not the stopped turn's rest).
    await sleep(100);
    toolbox.answerConsent(ask.id, 'allow');
    const result = await h.next('tool.result');
    expect(result.outcome).toBe('ok');
    await modelSays(h, 'hello from the clipboard');
    expect(live.delegations.outputs).toHaveLength(1);
    expect(ofType(h, 'tool.call')).toHaveLength(1);
    expect(ofType(h, 'error')).toEqual([]);
  });

  it('a reconnect while the tool runs: not run again, and its result reaches the new session once, as commentary (the old call cannot take it)', async () => {
    const { sim, h, live, toolbox, host } = await run([{ name: 'read_clipboard', arguments: '{}' }]);
    host.clipboard = 'kept across the reconnect';
    h.session.sendAudio(turnAudio());
    const ask = await h.next('consent.request', undefined, 5_000);
    live.drop();
    const next = await sim.nextLiveSession(1);
    await h.next('notice', (e) => e.key === 'notice.reconnected');
    toolbox.answerConsent(ask.id, 'allow');
    await h.next('tool.result');
    await modelSays(h, 'kept across the reconnect');
    expect(next.delegations.commentary).toEqual([{ delegationId: null, content: expect.stringContaining('kept across the reconnect') }]);
    expect(next.delegations.outputs).toEqual([]);
    expect(live.delegations.outputs).toEqual([]);
    expect(sentTypes(next)).not.toContain('response.item.create');
    expect(next.sent.filter((r) => typeof r.event === 'object' && r.event.type === 'error')).toEqual([]);
    expect(ofType(h, 'tool.call')).toHaveLength(1);
    // The new session declared the tools again (the conversation may delegate there too).
    expect((next.received[0]!.event as SessionStartEvent).session.delegation).toMatchObject({ type: 'responses' });
  });

  it('renewal ahead of expiry waits while a tool runs: the result goes back to the session that asked, then the session is renewed, nothing said twice', async () => {
    const { sim, h, live, toolbox, host } = await run([{ name: 'read_clipboard', arguments: '{}' }], {
      faults: (i) => (i === 0 ? { sessionExpiredAfterMs: 16_000 } : undefined),
    });
    const openedAt = Date.now();
    host.clipboard = 'renewal waited';
    h.session.sendAudio(turnAudio());
    const ask = await h.next('consent.request', undefined, 5_000);
    // Past the moment a renewal is due (quiet: the acknowledgement is over), well before it is forced.
    const times = renewalTimes(live.config!.expires_at, openedAt)!;
    expect(times.forceInMs - times.dueInMs).toBeGreaterThan(2_000);
    await sleep(Math.max(0, openedAt + times.dueInMs + 200 - Date.now()));
    expect(sim.liveSessions).toHaveLength(1);
    toolbox.answerConsent(ask.id, 'allow');
    await modelSays(h, 'renewal waited');
    expect(live.delegations.outputs).toEqual([expect.objectContaining({ name: 'read_clipboard', output: expect.stringContaining('renewal waited') })]);
    const next = await sim.nextLiveSession(1);
    await h.next('notice', (e) => e.key === 'notice.sessionRenewed', 5_000);
    await sleep(300);
    expect(next.delegations.commentary).toEqual([]);
    expect(ofType(h, 'tool.call')).toHaveLength(1);
    expect(ofType(h, 'error')).toEqual([]);
  });

  it('a timer set by voice fires later: the reminder is spoken by commentary', async () => {
    const { h, live, host } = await run([{ name: 'set_timer', arguments: '{"seconds":1,"label":"tea"}' }]);
    h.session.sendAudio(turnAudio());
    expect((await h.next('tool.result', undefined, 5_000)).outcome).toBe('ok');
    await modelSays(h, 'tea', 5_000);
    await h.next('transcript.final', (e) => e.speaker === 'assistant' && e.text.includes('has just gone off'), 5_000);
    expect(live.delegations.commentary).toEqual([{ delegationId: null, content: expect.stringContaining('"tea"') }]);
    expect(host.notes).toHaveLength(1);
  });

  it('a tools model the service cannot use: one clear error naming it, no tool runs, the conversation goes on', async () => {
    const { h, live } = await run([{ name: 'get_time', arguments: '{}' }], { settings: { tools: { liveBackendModel: 'no-such-model' } } });
    expect((live.received[0]!.event as SessionStartEvent).session.delegation).toMatchObject({ responses: { model: 'no-such-model' } });
    h.session.sendAudio(turnAudio());
    const error = await h.next('error', undefined, 5_000);
    expect(error).toMatchObject({ code: 'server', fatal: false, key: 'error.liveBackendFailed', params: { model: 'no-such-model' } });
    expect(error.params).toMatchObject({ detail: expect.stringContaining('model_not_found') });
    await modelSays(h, 'could not do that');
    expect(ofType(h, 'tool.call')).toEqual([]);
    expect(h.session.state).not.toBe('error');
  });

  it('a tool turned off mid-session: the backend gets the new list by session.update (the rest of the delegation kept)', async () => {
    const { sim, h, live, toolbox } = await run([]);
    const settings = parseSettings({ provider: 'custom', url: sim.liveUrl, model: 'gpt-live-1', tools: { off: ['read_clipboard'] } });
    toolbox.updateSettings(settings);
    h.session.updateSettings(settings);
    await waitFor(() => live.config?.delegation?.type === 'responses' && !live.config.delegation.responses.tools?.some((t) => t.type === 'function' && t.name === 'read_clipboard'));
    expect(live.config!.delegation).toMatchObject({ type: 'responses', responses: { model: 'gpt-5-mini' } });
    expect(sentTypes(live).filter((t) => t === 'session.update')).toHaveLength(1);
    // The same settings again change nothing.
    h.session.updateSettings(settings);
    await sleep(100);
    expect(sentTypes(live).filter((t) => t === 'session.update')).toHaveLength(1);
    expect(ofType(h, 'error')).toEqual([]);
  });

  it('tools turned on in a session that started without: they come with the next session, and the user is told', async () => {
    const { sim, h, live, toolbox } = await run([], { settings: { tools: { enabled: false } } });
    const on = parseSettings({ provider: 'custom', url: sim.liveUrl, model: 'gpt-live-1' });
    toolbox.updateSettings(on);
    h.session.updateSettings(on);
    await h.next('notice', (e) => e.key === 'notice.liveToolsNextSession');
    expect(sentTypes(live)).not.toContain('session.update');
  });

  it('tools off: no delegation declared (client delegation), and a delegation is answered at once that Kaiwa cannot do it', async () => {
    const { h, live } = await run([{ name: 'get_time', arguments: '{}' }], { settings: { tools: { enabled: false } } });
    expect((live.received[0]!.event as SessionStartEvent).session.delegation).toBeUndefined();
    h.session.sendAudio(turnAudio());
    await modelSays(h, 'no tools turned on');
    const [made] = live.delegations.made;
    expect(made).toMatchObject({ target: 'client' });
    expect(live.delegations.commentary).toEqual([{ delegationId: made!.delegationId, content: LIVE_NO_TOOLS }]);
    expect(ofType(h, 'tool.call')).toEqual([]);
  });
});
