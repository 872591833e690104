import { describe, expect, it } from 'vitest';
import type { AssistantEvent } from '../../../src/engine/events';
import { parseSettings } from '../../../src/engine/settings';
import { Toolbox } from '../../../src/engine/tools/toolbox';
import { MemoryHost } from '../tools/memory-host';
import { openedSessions } from './helpers/opened-session';
import { sleep } from './helpers/session-harness';

/**
 * The delegation wire, frame by frame, against a scripted Live server (what the simulator never
 * sends): a repeated function-call event, the arguments events that carry no call id, a malformed
 * envelope, and what goes back. End-to-end behaviour is in tools.test.ts.
 */

const open = openedSessions();
const settings = parseSettings({});
const started = () => open({}, undefined, (emit: (event: AssistantEvent) => void) => new Toolbox({ host: new MemoryHost(), settings, credentials: {}, emit }));

const functionCall = (callId: string, args = '{}') => ({
  type: 'response.event',
  event_id: `ev_${callId}`,
  delegation_id: 'deleg_1',
  event: {
    type: 'response.output_item.done',
    output_index: 0,
    sequence_number: 4,
    item: { type: 'function_call', id: 'fc_1', call_id: callId, name: 'get_time', arguments: args, status: 'completed' },
  },
});

describe('GPT-Live delegation frames', () => {
  it('runs a call id once however often its complete item arrives; the arguments events alone run nothing', async () => {
    const { h, socket } = await started();
    socket.send({ type: 'session.delegation.created', event_id: 'd', offset_ms: 10, delegation: { id: 'deleg_1', type: 'delegation', target: 'responses', response_id: 'resp_1' } });
    socket.send({ type: 'response.event', event_id: 'a', delegation_id: 'deleg_1', event: { type: 'response.function_call_arguments.done', item_id: 'fc_1', output_index: 0, sequence_number: 3, arguments: '{}' } });
    socket.send(functionCall('call_1'));
    socket.send(functionCall('call_1'));
    const output = await socket.next('response.item.create');
    expect(output.item).toMatchObject({ type: 'function_call_output', call_id: 'call_1' });
    expect(JSON.parse((output.item as { output: string }).output)).toHaveProperty('timeZone');
    await socket.next('response.create');
    await sleep(200);
    expect(socket.frames.filter((f) => f.type === 'response.item.create')).toHaveLength(1);
    expect(socket.frames.filter((f) => f.type === 'response.create')).toHaveLength(1);
    expect(h.events.filter((e) => e.type === 'tool.call')).toHaveLength(1);
  });

  it('a client delegation is answered at once with commentary for its id (the session declared no tools)', async () => {
    const { h: harness, server } = await open.bare();
    const opening = harness.session.open();
    const socket = await server.connection();
    const start = await socket.start();
    await opening;
    expect(start.session.delegation).toBeUndefined();
    socket.send({ type: 'session.delegation.created', event_id: 'd', offset_ms: 10, delegation: { id: 'deleg_9', type: 'delegation', target: 'client' } });
    const answer = await socket.next('session.commentary.append');
    expect(answer).toMatchObject({ delegation_id: 'deleg_9' });
    expect(socket.frames.filter((f) => f.type.startsWith('response.'))).toEqual([]);
  });

  it('a malformed delegation envelope is one protocol error; a backend error event is one clear error; the session goes on', async () => {
    const { h, socket } = await started();
    const malformed: Record<string, unknown> = { type: 'session.delegation.created', event_id: 'd', offset_ms: 10, delegation: 'deleg_1' };
    socket.send(malformed);
    expect(await h.next('error')).toMatchObject({ code: 'protocol', fatal: false });
    socket.send({ type: 'response.event', event_id: 'e', delegation_id: 'deleg_1', event: { type: 'error', code: 'rate_limit_exceeded', message: 'Slow down.', param: null, sequence_number: 1 } });
    const backend = await h.next('error', (e) => e.key === 'error.liveBackendFailed');
    expect(backend).toMatchObject({ code: 'server', fatal: false, params: { model: 'gpt-5-mini', detail: 'Slow down. (rate_limit_exceeded)' } });
    socket.send(functionCall('call_2'));
    await socket.next('response.item.create');
    expect(h.session.state).toBe('listening');
  });
});
