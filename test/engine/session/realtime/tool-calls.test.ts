import type { RealtimeClientEvent, RealtimeServerEvent } from 'openai/resources/realtime/realtime';
import { describe, expect, it } from 'vitest';
import type { AssistantEvent } from '../../../../src/engine/events';
import { parseSettings } from '../../../../src/engine/settings';
import { RealtimeToolCalls } from '../../../../src/engine/session/realtime/tool-calls';
import { Toolbox } from '../../../../src/engine/tools/toolbox';
import { MemoryHost } from '../../tools/memory-host';

function setup() {
  const sent: RealtimeClientEvent[] = [];
  const events: AssistantEvent[] = [];
  const toolbox = new Toolbox({ host: new MemoryHost(), settings: parseSettings({}), credentials: {}, emit: (e) => events.push(e) });
  const calls = new RealtimeToolCalls({ tools: toolbox, send: (e) => sent.push(e), emit: (e) => events.push(e), log: () => {}, changed: () => {} });
  return { sent, events, calls };
}

const created = (id: string) => ({ type: 'response.created', event_id: 'e', response: { id, status: 'in_progress', output: [] } }) as unknown as RealtimeServerEvent;
const done = (id: string, status: string, output: unknown[]) => ({ type: 'response.done', event_id: 'e', response: { id, status, output } }) as unknown as RealtimeServerEvent;
const call = (status: string) => ({ type: 'function_call', id: 'item_1', call_id: 'call_1', name: 'get_time', arguments: '{}', status });

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('RealtimeToolCalls', () => {
  it('runs a finished call once, though the item comes twice, and asks for one reply', async () => {
    const { sent, events, calls } = setup();
    calls.handle(created('r1'));
    calls.handle({ type: 'response.output_item.done', event_id: 'e', response_id: 'r1', output_index: 0, item: call('completed') } as unknown as RealtimeServerEvent);
    calls.handle(done('r1', 'completed', [call('completed')]));
    await settle();
    expect(events.filter((e) => e.type === 'tool.call')).toHaveLength(1);
    expect(sent.map((e) => e.type)).toEqual(['conversation.item.create', 'response.create']);
    expect(calls.busy).toBe(true); // until the reply's response.created
    calls.handle(created('r2'));
    expect(calls.busy).toBe(false);
  });

  it('does not run a call a cut-short response left incomplete', async () => {
    const { sent, events, calls } = setup();
    calls.handle(created('r1'));
    calls.handle(done('r1', 'cancelled', [{ ...call('incomplete'), arguments: '{"partial' }]));
    await settle();
    expect(events).toEqual([]);
    expect(sent).toEqual([]);
    expect(calls.busy).toBe(false);
  });

  it('a call of a response cut by an interruption, completing after the cut, still answers but asks for no reply', async () => {
    const { sent, calls } = setup();
    calls.handle(created('r1'));
    expect(calls.supersede()).toBe(false); // nothing was under way yet
    calls.handle(done('r1', 'cancelled', [call('completed')]));
    await settle();
    expect(sent.map((e) => e.type)).toEqual(['conversation.item.create']);
    expect(calls.busy).toBe(false);
  });
});
