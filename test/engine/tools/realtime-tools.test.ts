import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Assistant, type AssistantOptions } from '../../../src/engine/assistant';
import { NullOutput } from '../../../src/engine/audio/devices/null';
import type { InputDevice } from '../../../src/engine/audio/devices/types';
import type { AssistantEvent, AssistantState } from '../../../src/engine/events';
import { say } from '../../../src/engine/messages';
import { parseSettings, type SettingsInput } from '../../../src/engine/settings';
import { BUILTIN_TOOLS } from '../../../src/engine/tools/builtin';
import { defineTool } from '../../../src/engine/tools/define';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../../src/simulator';
import { receivedOfType } from '../../../harness/replies';
import { MemoryHost } from './memory-host';

/**
 * Tool rounds over real sockets: the Assistant (Toolbox + Realtime session) against the simulator
 * scripted to call tools, every event the simulator sends checked against the protocol's schema.
 */

let sims: RunningSimulator[] = [];
let assistants: Assistant[] = [];
afterEach(async () => {
  for (const assistant of assistants) await assistant.dispose();
  for (const sim of sims) await sim.close();
  sims = [];
  assistants = [];
});

async function simulator(realtime: SimulatorOptions['realtime']): Promise<RunningSimulator> {
  const sim = await startSimulator({ port: 0, replyMs: 400, realtimeFactor: 50, validateOutgoing: true, realtime });
  sims.push(sim);
  return sim;
}

/** Manual turns with a scripted microphone: `turn()` is the user saying something short. */
async function conversation(sim: RunningSimulator, overrides: SettingsInput = {}, options: Partial<AssistantOptions> = {}) {
  let push: ((pcm: Int16Array) => void) | undefined;
  const input: InputDevice = { name: 'script', start: async (onAudio) => void (push = onAudio), stop: async () => {} };
  const host = new MemoryHost();
  const logs: string[] = [];
  const events: AssistantEvent[] = [];
  const assistant = new Assistant({
    settings: parseSettings({ provider: 'local', turnDetection: { mode: 'manual' }, ...overrides }),
    credentials: {},
    input,
    output: new NullOutput(),
    localUrl: sim.url,
    toolHost: host,
    log: (line) => logs.push(line),
    ...options,
  });
  assistants.push(assistant);
  assistant.subscribe((event) => events.push(event));
  const session = sim.nextSession();
  await assistant.start();
  const s = await session;
  await until(() => receivedOfType(s.received, 'session.update').length > 0);
  const speak = () => {
    for (let i = 0; i < 30; i++) push!(new Int16Array(240).fill(3000));
  };
  /** Loud frames, then silence: the server's voice detection hears a turn (its clock is the audio's). */
  const sayAloud = () => {
    for (let i = 0; i < 50; i++) push!(new Int16Array(240).map((_, n) => (n % 2 ? 6000 : -6000)));
    for (let i = 0; i < 120; i++) push!(new Int16Array(240));
  };
  const turn = () => {
    assistant.startTalking();
    speak();
    assistant.stopTalking();
  };
  const states = () => events.flatMap((e) => (e.type === 'state' ? [e.state] : []));
  const finals = () => events.flatMap((e) => (e.type === 'transcript.final' && e.speaker === 'assistant' ? [e.text] : []));
  const sent = () => s.received.map((r) => r.event as { type: string; item?: { type: string } });
  return { assistant, host, logs, events, s, turn, speak, sayAloud, states, finals, sent };
}

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const consentRequests = (events: AssistantEvent[]) => events.filter((e): e is Extract<AssistantEvent, { type: 'consent.request' }> => e.type === 'consent.request');
const results = (events: AssistantEvent[]) => events.filter((e): e is Extract<AssistantEvent, { type: 'tool.result' }> => e.type === 'tool.result');

/** What went into the conversation as tool outputs. */
const outputs = (received: { event: unknown }[]) =>
  receivedOfType<{ item: { type: string; call_id?: string; output?: string } }>(received, 'conversation.item.create')
    .map((e) => e.item)
    .filter((item) => item.type === 'function_call_output');

describe.each(['ga', 'beta'] as const)('a tool round trip (%s)', (dialect) => {
  it('declares the tools, runs the call, sends its output and speaks a reply made of it, thinking all along', async () => {
    const sim = await simulator({ toolCalls: [{ name: 'get_time', arguments: '{}' }] });
    const c = await conversation(sim, { dialect });
    const update = receivedOfType<{ session: { tools: Array<{ type: string; name: string; parameters: unknown }>; tool_choice: string } }>(c.s.received, 'session.update')[0]!;
    expect(update.session.tools.map((t) => t.name)).toEqual(BUILTIN_TOOLS.map((t) => t.name));
    expect(update.session.tools.find((t) => t.name === 'set_timer')).toEqual({
      type: 'function',
      name: 'set_timer',
      description: BUILTIN_TOOLS.find((t) => t.name === 'set_timer')!.description,
      parameters: BUILTIN_TOOLS.find((t) => t.name === 'set_timer')!.parameters,
    });
    expect(update.session).not.toHaveProperty('tool_choice'); // 'auto' is the default: not sent (issue 21)

    c.turn();
    await until(() => c.finals().length === 1);
    await until(() => c.states().at(-1) === 'listening');

    const [output] = outputs(c.s.received);
    const call = [...c.s.items.values()].map((i) => i.item).find((i) => i.type === 'function_call');
    expect(call).toMatchObject({ name: 'get_time' });
    expect(output!.call_id).toBe((call as { call_id: string }).call_id);
    const time = JSON.parse(output!.output!) as { time: string; date: string };
    // The reply uses the output it got.
    expect(c.finals()[0]).toContain(`It is ${time.time} on ${time.date}`);
    // The output first, then one request for the reply.
    const types = c.sent().map((e) => (e.type === 'conversation.item.create' ? `item:${e.item!.type}` : e.type));
    expect(types.slice(types.indexOf('input_audio_buffer.commit'))).toEqual(['input_audio_buffer.commit', 'response.create', 'item:function_call_output', 'response.create']);
    // A response that ends in a function call does not go back to listening: thinking until the reply speaks.
    expect(c.states()).toEqual(['connecting', 'listening', 'user-speaking', 'thinking', 'speaking', 'listening']);
    expect(c.events.filter((e) => e.type === 'tool.call' || e.type === 'tool.result').map((e) => e.type)).toEqual(['tool.call', 'tool.result']);
    expect(c.events.filter((e) => e.type === 'error')).toEqual([]);
    expect(c.s.violations).toEqual([]);
  });
});

describe('consent over a real session', () => {
  it('allowed: the tool runs; "always allow" reaches the front end as new settings', async () => {
    const sim = await simulator({ toolCalls: [{ name: 'open_url', arguments: '{"url":"https://example.com/"}' }] });
    const saved: string[][] = [];
    const c = await conversation(sim, {}, { onSettingsChange: (settings) => saved.push(settings.tools.alwaysAllow) });
    c.turn();
    await until(() => consentRequests(c.events).length === 1);
    expect(c.states().at(-1)).toBe('thinking');
    const [request] = consentRequests(c.events);
    expect(request).toMatchObject({ tool: 'open_url', said: say('tool.open_url.consent', { url: 'https://example.com/' }) });
    expect(c.assistant.answerConsent(request!.id, 'allow-always')).toBe(true);
    await until(() => c.finals().length === 1);
    expect(c.host.opened).toEqual(['https://example.com/']);
    expect(saved).toEqual([['open_url']]);
    expect(c.assistant.answerConsent(request!.id, 'deny')).toBe(false);
  });

  it('denied: nothing runs, the model is told and says so', async () => {
    const sim = await simulator({ toolCalls: [{ name: 'read_clipboard', arguments: '{}' }] });
    const c = await conversation(sim);
    c.host.clipboard = 'private';
    c.assistant.subscribe((e) => e.type === 'consent.request' && c.assistant.answerConsent(e.id, 'deny'));
    c.turn();
    await until(() => c.finals().length === 1);
    expect(JSON.parse(outputs(c.s.received)[0]!.output!)).toMatchObject({ error: 'denied' });
    expect(c.finals()[0]).toContain('did not work: The user did not allow this');
    expect(c.events).toContainEqual(expect.objectContaining({ type: 'consent.settled', answer: 'deny' }));
  });

  it('no answer in time: Deny, settled as timeout, and the conversation goes on', async () => {
    const sim = await simulator({ toolCalls: [{ name: 'read_clipboard', arguments: '{}' }] });
    const c = await conversation(sim, {}, { consentTimeoutMs: 150 });
    c.turn();
    await until(() => c.finals().length === 1);
    expect(c.events).toContainEqual(expect.objectContaining({ type: 'consent.settled', answer: 'timeout' }));
    expect(results(c.events)[0]).toMatchObject({ name: 'read_clipboard', outcome: 'denied' });
    expect(c.finals()[0]).toContain('in time');
    await until(() => c.states().at(-1) === 'listening');
  });
});

/** A tool that answers `{found: 42}` only when `finish()` is called: a barge-in can come while it runs. */
function slowLookup() {
  let resolveRun: (value: { found: number }) => void = () => {};
  const slow = defineTool({
    name: 'slow_lookup',
    description: 'takes a while',
    label: say('tool.get_time.label'),
    schema: z.object({}),
    needsConsent: false,
    timeoutMs: 5_000,
    consent: () => say('tool.get_time.consent'),
    run: () => new Promise<{ found: number }>((resolve) => (resolveRun = resolve)),
  });
  return { slow, finish: () => resolveRun({ found: 42 }) };
}

describe('calls that go wrong', () => {
  it('bad arguments and a throwing tool become outputs the model recovers from', async () => {
    const sim = await simulator({
      toolCalls: [
        { name: 'set_timer', arguments: '{"seconds":"soon"' },
        { name: 'open_url', arguments: '{"url":"https://example.com/"}' },
      ],
    });
    const c = await conversation(sim, { tools: { alwaysAllow: ['open_url'] } });
    c.host.openUrl = async () => {
      throw new Error('no browser here');
    };
    c.turn();
    await until(() => c.finals().length === 1);
    await until(() => c.states().at(-1) === 'listening');
    c.turn();
    await until(() => c.finals().length === 2);
    expect(results(c.events).map((r) => r.outcome)).toEqual(['bad-arguments', 'error']);
    expect(c.finals()[0]).toContain('not valid JSON');
    expect(c.finals()[1]).toContain('The tool failed: no browser here');
    expect(c.events.filter((e) => e.type === 'error')).toEqual([]);
  });

  it('barge-in while a tool runs: usual interruption, the output still goes in, no reply is asked for it', async () => {
    const { slow, finish } = slowLookup();
    const sim = await simulator({ toolCalls: [{ name: 'slow_lookup', arguments: '{}' }] });
    const c = await conversation(sim, {}, { tools: [slow] });
    c.turn();
    await until(() => c.events.some((e) => e.type === 'tool.call'));
    await until(() => c.s.received.some((r) => (r.event as { type: string }).type === 'response.create'));
    expect(c.states().at(-1)).toBe('thinking');
    // The user speaks again before the tool answers (push-to-talk cuts what is under way).
    c.assistant.startTalking();
    expect(c.states().at(-1)).toBe('user-speaking');
    finish();
    await until(() => outputs(c.s.received).length === 1);
    expect(JSON.parse(outputs(c.s.received)[0]!.output!)).toEqual({ found: 42 });
    c.speak();
    c.assistant.stopTalking();
    await until(() => c.finals().length === 1);
    // One response.create for the first turn, one for the second; none for the superseded round.
    const types = c.sent().map((e) => e.type);
    expect(types.filter((t) => t === 'response.create')).toHaveLength(2);
    expect(c.finals()[0]).not.toContain('slow_lookup');
    expect(c.logs.some((l) => l.includes('superseded'))).toBe(true);
  });
});

describe('barge-in by the server\'s voice detection while a tool runs', () => {
  it('speech_started supersedes the round: the output goes in, the server answers the new turn, the client asks for no reply', async () => {
    const { slow, finish } = slowLookup();
    const sim = await simulator({ toolCalls: [{ name: 'slow_lookup', arguments: '{}' }] });
    const c = await conversation(sim, { turnDetection: { mode: 'server_vad' } }, { tools: [slow] });
    c.sayAloud();
    await until(() => c.events.some((e) => e.type === 'tool.call'));
    await until(() => c.states().at(-1) === 'thinking');
    c.sayAloud(); // the user goes on before the tool answers
    await until(() => c.states().includes('user-speaking') && c.states().lastIndexOf('user-speaking') > c.states().indexOf('thinking'));
    finish();
    await until(() => outputs(c.s.received).length === 1);
    await until(() => c.finals().length === 1);
    await until(() => c.states().at(-1) === 'listening');
    // The server made both responses (its VAD); the superseded round asked for none.
    expect(receivedOfType(c.s.received, 'response.create')).toEqual([]);
    expect(c.finals()[0]).toMatch(/You said something/);
    expect(c.events.filter((e) => e.type === 'error')).toEqual([]);
  });
});

describe('MCP over Realtime GA', () => {
  const mcp: SettingsInput['tools'] = { mcpServers: [{ label: 'docs', url: 'https://mcp.example.com/mcp', headerNames: ['Authorization'] }] };
  const secret = 'Bearer sekrit-4711';

  it('declares the server with its header, lists its tools, asks approval through the same prompt, shows the call and speaks its result', async () => {
    const sim = await simulator({ mcpCalls: [{ server: 'docs', name: 'search', arguments: '{"q":"kaiwa"}', output: 'Kaiwa is a voice assistant' }] });
    const c = await conversation(sim, { tools: mcp }, { credentials: { mcpHeaders: { docs: { Authorization: secret } } } });
    const update = receivedOfType<{ session: { tools: Array<Record<string, unknown>> } }>(c.s.received, 'session.update')[0]!;
    expect(update.session.tools.find((t) => t.type === 'mcp')).toEqual({
      type: 'mcp',
      server_label: 'docs',
      server_url: 'https://mcp.example.com/mcp',
      require_approval: 'always',
      headers: { Authorization: secret },
    });
    await until(() => results(c.events).length === 1);
    expect(c.events.filter((e) => e.type === 'tool.call' || e.type === 'tool.result')).toEqual([
      expect.objectContaining({ type: 'tool.call', name: 'list_tools', source: 'mcp', server: 'docs' }),
      expect.objectContaining({ type: 'tool.result', name: 'list_tools', outcome: 'ok', output: '["search"]', source: 'mcp', server: 'docs' }),
    ]);

    c.assistant.subscribe((e) => e.type === 'consent.request' && c.assistant.answerConsent(e.id, 'allow'));
    c.turn();
    await until(() => c.finals().length === 1);
    expect(consentRequests(c.events)[0]).toMatchObject({ tool: 'docs/search', said: say('tool.mcp.consent', { server: 'docs', tool: 'search' }) });
    const approval = receivedOfType<{ item: { type: string; approve?: boolean } }>(c.s.received, 'conversation.item.create').find((e) => e.item.type === 'mcp_approval_response');
    expect(approval!.item.approve).toBe(true);
    expect(results(c.events).at(-1)).toMatchObject({ name: 'search', outcome: 'ok', output: 'Kaiwa is a voice assistant', source: 'mcp', server: 'docs' });
    expect(c.finals()[0]).toContain('Kaiwa is a voice assistant');
    expect(c.s.violations).toEqual([]);
    // The header's value is a secret: never in a log line.
    expect(c.logs.length).toBeGreaterThan(0);
    expect(c.logs.join('\n')).not.toContain('sekrit-4711');
  });

  it('a denied approval: the call does not run and the model says so', async () => {
    const sim = await simulator({ mcpCalls: [{ server: 'docs', name: 'delete_all', arguments: '{}', output: 'gone' }] });
    const c = await conversation(sim, { tools: mcp }, { credentials: { mcpHeaders: { docs: { Authorization: secret } } } });
    c.assistant.subscribe((e) => e.type === 'consent.request' && c.assistant.answerConsent(e.id, 'deny'));
    c.turn();
    await until(() => c.finals().length === 1);
    expect(c.finals()[0]).toContain('did not allow');
    expect([...c.s.items.values()].some((i) => i.item.type === 'mcp_call')).toBe(false);
  });
});

describe.each(['ga', 'beta'] as const)('reminders on Realtime (%s)', (dialect) => {
  it('a timer firing is spoken when the conversation is quiet, as a system item and a reply', async () => {
    const sim = await simulator({ toolCalls: [{ name: 'set_timer', arguments: '{"seconds":1,"label":"tea"}' }] });
    const c = await conversation(sim, { dialect });
    c.turn();
    await until(() => c.finals().length === 1);
    await until(() => c.finals().length === 2, 5_000);
    await until(() => c.states().at(-1) === 'listening');
    const system = receivedOfType<{ item: { type: string; role?: string; content?: Array<{ text: string }> } }>(c.s.received, 'conversation.item.create').find((e) => e.item.role === 'system');
    expect(system!.item.content![0]!.text).toContain('"tea"');
    expect(c.finals()[1]).toContain('Reminder');
    expect(c.host.notes).toEqual([{ title: say('tool.set_timer.fired'), body: 'tea' }]);
    const states: AssistantState[] = c.states();
    expect(states.slice(-3)).toEqual(['thinking', 'speaking', 'listening']);
    expect(c.events.filter((e) => e.type === 'error')).toEqual([]);
    expect(c.s.violations).toEqual([]);
  });
});
