import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { AssistantEvent } from '../../../src/engine/events';
import { parseSettings, type SettingsInput } from '../../../src/engine/settings';
import { defineTool } from '../../../src/engine/tools/define';
import { BUILTIN_TOOLS } from '../../../src/engine/tools/builtin';
import { say } from '../../../src/engine/messages';
import { Toolbox, type ToolboxOptions } from '../../../src/engine/tools/toolbox';
import { CONSENT_TIMEOUT_MS, type ToolDefinition } from '../../../src/engine/tools/types';
import { MemoryHost } from './memory-host';

function setup(tools: SettingsInput['tools'] = {}, extra: Partial<ToolboxOptions> = {}) {
  const events: AssistantEvent[] = [];
  const logs: string[] = [];
  const host = new MemoryHost();
  const allowed: string[][] = [];
  const toolbox = new Toolbox({
    host,
    settings: parseSettings({ tools }),
    credentials: {},
    emit: (event) => events.push(event),
    log: (line) => logs.push(line),
    onAlwaysAllow: (names) => allowed.push(names),
    ...extra,
  });
  const requests = () => events.filter((e) => e.type === 'consent.request');
  /** Answers the open consent question (asked already, or as soon as it is). */
  const answerNext = (answer: 'allow' | 'allow-always' | 'deny') =>
    new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        const settled = new Set(events.flatMap((e) => (e.type === 'consent.settled' ? [e.id] : [])));
        const asked = requests().find((e) => !settled.has(e.id));
        if (!asked) return;
        clearInterval(poll);
        toolbox.answerConsent(asked.id, answer);
        resolve();
      }, 1);
    });
  return { toolbox, events, logs, host, allowed, requests, answerNext };
}

let open: Toolbox[] = [];
afterEach(() => {
  for (const toolbox of open) toolbox.close();
  open = [];
  vi.useRealTimers();
});
function track<T extends { toolbox: Toolbox }>(s: T): T {
  open.push(s.toolbox);
  return s;
}

const parsedOutput = (output: string) => JSON.parse(output) as Record<string, unknown>;

describe('Toolbox: what the model is offered', () => {
  it('offers every built-in tool, none when tools are off, and not the ones turned off', () => {
    expect(track(setup()).toolbox.definitions().map((t) => t.name)).toEqual(['get_time', 'read_clipboard', 'write_clipboard', 'open_url', 'notify', 'set_timer']);
    expect(track(setup({ enabled: false })).toolbox.definitions()).toEqual([]);
    expect(track(setup({ off: ['open_url', 'read_clipboard'] })).toolbox.definitions().map((t) => t.name)).toEqual(['get_time', 'write_clipboard', 'notify', 'set_timer']);
  });

  it('derives each JSON Schema from the zod schema that checks the arguments', () => {
    const timer = BUILTIN_TOOLS.find((t) => t.name === 'set_timer')!;
    expect(timer.parameters).toMatchObject({ type: 'object', required: ['seconds', 'label'], properties: { seconds: { type: 'integer', minimum: 1 }, label: { type: 'string' } } });
    expect(timer.parameters).not.toHaveProperty('$schema');
    expect(timer.parse({ seconds: 0, label: 'x' }).ok).toBe(false);
    expect(timer.parse({ seconds: 60, label: 'tea' })).toEqual({ ok: true, value: { seconds: 60, label: 'tea' } });
  });

  it('declares MCP servers with their header values from the secrets, only the headers the settings name', () => {
    const { toolbox } = track(setup({ mcpServers: [{ label: 'docs', url: 'https://mcp.example.com/sse', headerNames: ['Authorization'], allowedTools: ['search'] }] }));
    toolbox.updateSettings(parseSettings({ tools: { mcpServers: [{ label: 'docs', url: 'https://mcp.example.com/sse', headerNames: ['Authorization'], allowedTools: ['search'] }] } }), {
      mcpHeaders: { docs: { Authorization: 'Bearer s3cret', 'X-Other': 'not listed' } },
    });
    expect(toolbox.mcpTools()).toEqual([
      { type: 'mcp', server_label: 'docs', server_url: 'https://mcp.example.com/sse', require_approval: 'always', allowed_tools: ['search'], headers: { Authorization: 'Bearer s3cret' } },
    ]);
    toolbox.updateSettings(parseSettings({ tools: { enabled: false, mcpServers: [{ label: 'docs', url: 'https://mcp.example.com/sse' }] } }));
    expect(toolbox.mcpTools()).toEqual([]);
  });
});

describe('Toolbox: calls', () => {
  it('runs get_time without asking and emits the call and its result', async () => {
    const { toolbox, events, requests } = track(setup());
    const result = await toolbox.call({ callId: 'c1', name: 'get_time', arguments: '{}' });
    expect(result.outcome).toBe('ok');
    const output = parsedOutput(result.output);
    expect(output.timeZone).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
    expect(Math.abs(Date.parse(output.iso as string) - Date.now())).toBeLessThan(5_000);
    expect(output.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(requests()).toEqual([]);
    expect(events.map((e) => e.type)).toEqual(['tool.call', 'tool.result']);
    expect(events[1]).toEqual({ type: 'tool.result', callId: 'c1', name: 'get_time', outcome: 'ok', output: result.output, source: 'function' });
  });

  it('tells the model of an unknown tool, or one turned off, and names the ones it can call', async () => {
    const { toolbox } = track(setup({ off: ['open_url'] }));
    for (const name of ['format_disk', 'open_url']) {
      const result = await toolbox.call({ callId: 'c', name, arguments: '{}' });
      expect(result.outcome).toBe('unknown-tool');
      expect(parsedOutput(result.output)).toMatchObject({ error: 'unknown_tool' });
      expect(parsedOutput(result.output).message).toContain('get_time');
    }
  });

  it('answers arguments that are not JSON, or do not fit, with bad_arguments and what is wrong', async () => {
    const { toolbox, host, requests } = track(setup());
    const notJson = await toolbox.call({ callId: 'c1', name: 'set_timer', arguments: '{"seconds": 5,' });
    expect(notJson.outcome).toBe('bad-arguments');
    expect(parsedOutput(notJson.output).message).toContain('not valid JSON');
    const wrongShape = await toolbox.call({ callId: 'c2', name: 'set_timer', arguments: '{"seconds": "soon"}' });
    expect(wrongShape.outcome).toBe('bad-arguments');
    expect(parsedOutput(wrongShape.output).message).toMatch(/seconds/);
    expect(parsedOutput(wrongShape.output).message).toMatch(/label/);
    const badUrl = await toolbox.call({ callId: 'c3', name: 'open_url', arguments: '{"url":"file:///etc/passwd"}' });
    expect(badUrl.outcome).toBe('bad-arguments');
    expect(parsedOutput(badUrl.output).message).toContain('http');
    // Nothing was asked and nothing ran.
    expect(requests()).toEqual([]);
    expect(host.opened).toEqual([]);
  });

  it('asks before a tool that needs consent, and runs it when allowed', async () => {
    const { toolbox, host, events, answerNext } = track(setup());
    host.clipboard = 'the copied text';
    const [result] = await Promise.all([toolbox.call({ callId: 'c1', name: 'read_clipboard', arguments: '{}' }), answerNext('allow')]);
    expect(result).toMatchObject({ outcome: 'ok' });
    expect(parsedOutput(result.output)).toEqual({ text: 'the copied text' });
    const request = events.find((e) => e.type === 'consent.request');
    expect(request).toMatchObject({ tool: 'read_clipboard', said: say('tool.read_clipboard.consent'), timeoutMs: CONSENT_TIMEOUT_MS });
    expect(events.map((e) => e.type)).toEqual(['tool.call', 'consent.request', 'consent.settled', 'tool.result']);
    expect(events[2]).toEqual({ type: 'consent.settled', id: (request as { id: string }).id, answer: 'allow' });
  });

  it('shows what it would do with these arguments, pretty-printed', async () => {
    const { toolbox, events, answerNext } = track(setup());
    await Promise.all([toolbox.call({ callId: 'c1', name: 'open_url', arguments: '{"url":"https://example.com/a b"}' }), answerNext('deny')]);
    expect(events.find((e) => e.type === 'consent.request')).toMatchObject({
      tool: 'open_url',
      arguments: '{\n  "url": "https://example.com/a b"\n}',
      said: say('tool.open_url.consent', { url: 'https://example.com/a b' }),
    });
  });

  it('does not run a denied tool, and tells the model not to retry', async () => {
    const { toolbox, host, answerNext } = track(setup());
    const [result] = await Promise.all([toolbox.call({ callId: 'c1', name: 'open_url', arguments: '{"url":"https://example.com"}' }), answerNext('deny')]);
    expect(result.outcome).toBe('denied');
    expect(parsedOutput(result.output)).toMatchObject({ error: 'denied' });
    expect(host.opened).toEqual([]);
  });

  it('counts no answer within 30 s as Deny', async () => {
    vi.useFakeTimers();
    const { toolbox, host, events } = track(setup());
    const pending = toolbox.call({ callId: 'c1', name: 'open_url', arguments: '{"url":"https://example.com"}' });
    await vi.advanceTimersByTimeAsync(CONSENT_TIMEOUT_MS - 1);
    expect(events.some((e) => e.type === 'consent.settled')).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const result = await pending;
    expect(result.outcome).toBe('denied');
    expect(parsedOutput(result.output).message).toContain('in time');
    expect(events.find((e) => e.type === 'consent.settled')).toMatchObject({ answer: 'timeout' });
    expect(host.opened).toEqual([]);
    // A late answer changes nothing.
    const id = (events.find((e) => e.type === 'consent.request') as { id: string }).id;
    expect(toolbox.answerConsent(id, 'allow')).toBe(false);
  });

  it('remembers "always allow": the front end learns the new list, the next call asks no more', async () => {
    const { toolbox, host, allowed, requests, answerNext } = track(setup({ alwaysAllow: ['docs/search'] }));
    await Promise.all([toolbox.call({ callId: 'c1', name: 'open_url', arguments: '{"url":"https://example.com/1"}' }), answerNext('allow-always')]);
    expect(allowed).toEqual([['docs/search', 'open_url']]);
    const second = await toolbox.call({ callId: 'c2', name: 'open_url', arguments: '{"url":"https://example.com/2"}' });
    expect(second.outcome).toBe('ok');
    expect(requests()).toHaveLength(1);
    expect(host.opened).toEqual(['https://example.com/1', 'https://example.com/2']);
    // Reset in the settings: it asks again.
    toolbox.updateSettings(parseSettings({}));
    const third = toolbox.call({ callId: 'c3', name: 'open_url', arguments: '{"url":"https://example.com/3"}' });
    await answerNext('deny');
    expect((await third).outcome).toBe('denied');
  });

  it('tells the model of a tool that throws, and of one that runs past its time', async () => {
    const failing = defineTool({
      name: 'failing',
      description: 'fails',
      label: say('tool.get_time.label'),
      schema: z.object({}),
      needsConsent: false,
      consent: () => say('tool.get_time.consent'),
      run: async () => {
        throw new Error('disk on fire');
      },
    });
    let aborted = false;
    const slow: ToolDefinition = {
      ...failing,
      name: 'slow',
      timeoutMs: 50,
      run: (_args, { signal }) =>
        new Promise((resolve) => {
          signal.addEventListener('abort', () => {
            aborted = true;
            resolve('too late');
          });
        }),
    };
    const { toolbox, logs } = track(setup({}, { tools: [failing, slow] }));
    const thrown = await toolbox.call({ callId: 'c1', name: 'failing', arguments: '{}' });
    expect(thrown.outcome).toBe('error');
    expect(parsedOutput(thrown.output)).toEqual({ error: 'tool_failed', message: 'The tool failed: disk on fire' });
    const late = await toolbox.call({ callId: 'c2', name: 'slow', arguments: '' });
    expect(late.outcome).toBe('timeout');
    expect(parsedOutput(late.output).message).toContain('0.05 s');
    expect(aborted).toBe(true);
    expect(logs).toEqual(['tool failing (c1): error', 'tool slow (c2): timeout']);
  });

  it('logs the tool and the outcome, never the arguments or what the tool returned', async () => {
    const { toolbox, host, logs, answerNext } = track(setup());
    host.clipboard = 'private note 4711';
    await Promise.all([toolbox.call({ callId: 'c1', name: 'write_clipboard', arguments: '{"text":"secret words"}' }), answerNext('allow')]);
    await Promise.all([toolbox.call({ callId: 'c2', name: 'read_clipboard', arguments: '{}' }), answerNext('allow')]);
    expect(logs.join('\n')).not.toMatch(/secret words|private|4711/);
    expect(logs).toEqual(['tool write_clipboard (c1): ok', 'tool read_clipboard (c2): ok']);
  });
});

describe('Toolbox: timers and reminders', () => {
  it('speaks through the conversation that runs when the timer fires, and notifies', async () => {
    vi.useFakeTimers();
    const { toolbox, host } = track(setup());
    const first: string[] = [];
    const leaveFirst = toolbox.onRemind((text) => first.push(text));
    const result = await toolbox.call({ callId: 'c1', name: 'set_timer', arguments: '{"seconds":60,"label":"tea"}' });
    expect(parsedOutput(result.output)).toMatchObject({ set: true, seconds: 60, label: 'tea' });
    leaveFirst(); // that session closed; another one runs when it fires
    const second: string[] = [];
    toolbox.onRemind((text) => second.push(text));
    await vi.advanceTimersByTimeAsync(59_999);
    expect(second).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(first).toEqual([]);
    expect(second).toHaveLength(1);
    expect(second[0]).toContain('"tea"');
    expect(host.notes).toEqual([{ title: say('tool.set_timer.fired'), body: 'tea' }]);
  });

  it('keeps a reminder that fired between conversations for the next one', async () => {
    vi.useFakeTimers();
    const { toolbox } = track(setup());
    await toolbox.call({ callId: 'c1', name: 'set_timer', arguments: '{"seconds":1,"label":"stretch"}' });
    await vi.advanceTimersByTimeAsync(1_000);
    const heard: string[] = [];
    toolbox.onRemind((text) => heard.push(text));
    expect(heard).toHaveLength(1);
    expect(heard[0]).toContain('"stretch"');
  });

  it('ends its timers and open questions when closed', async () => {
    vi.useFakeTimers();
    const { toolbox, host, events } = track(setup());
    await toolbox.call({ callId: 'c1', name: 'set_timer', arguments: '{"seconds":1,"label":"x"}' });
    const asked = toolbox.call({ callId: 'c2', name: 'read_clipboard', arguments: '{}' });
    toolbox.close();
    expect((await asked).outcome).toBe('denied');
    expect(events.find((e) => e.type === 'consent.settled')).toMatchObject({ answer: 'deny' });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(host.notes).toEqual([]);
  });
});

describe('Toolbox: MCP approvals', () => {
  it('asks with the same prompt, as server/tool, and remembers "always allow" by that name', async () => {
    const { toolbox, events, allowed, answerNext } = track(setup());
    const request = { id: 'mcpr_1', server: 'docs', name: 'search', arguments: '{"q":"kaiwa"}' };
    const [first] = await Promise.all([toolbox.approveMcp(request), answerNext('allow-always')]);
    expect(first).toBe(true);
    expect(events.find((e) => e.type === 'consent.request')).toMatchObject({ tool: 'docs/search', said: say('tool.mcp.consent', { server: 'docs', tool: 'search' }) });
    expect(allowed).toEqual([['docs/search']]);
    expect(await toolbox.approveMcp({ ...request, id: 'mcpr_2' })).toBe(true);
    const [denied] = await Promise.all([toolbox.approveMcp({ ...request, name: 'delete', id: 'mcpr_3' }), answerNext('deny')]);
    expect(denied).toBe(false);
  });
});
