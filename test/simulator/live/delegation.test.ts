import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../harness/cli';
import { parseToolCallFlag } from '../../../src/simulator/live/delegation';
import { concat, silence, tone } from '../signals';
import { joined, LiveTestClient, type LiveEvent } from './client';
import { useLiveSimulator } from './helpers';

const { start, open, sim } = useLiveSimulator();

/** A 600 ms spoken turn: speech-loud tone, then enough silence to end the turn. */
const turn = () => concat(tone(600, -20), silence(700));

const TIME_TOOL = { type: 'function' as const, name: 'get_time', description: 'The current time.', parameters: { type: 'object', properties: {} } };
const responses = (tools = [TIME_TOOL]) => ({ type: 'responses' as const, responses: { model: 'gpt-5-mini', tools } });

/** The nested Responses events of the response.event envelopes received so far. */
function nested(received: { event: LiveEvent }[]): Array<Record<string, unknown>> {
  return received.filter((r) => r.event.type === 'response.event').map((r) => r.event.event as Record<string, unknown>);
}

describe('GPT-Live delegation in the simulator', () => {
  it('parses --tool-call NAME[:json] (arguments default to {})', () => {
    expect(parseToolCallFlag('get_time')).toEqual({ name: 'get_time', arguments: '{}' });
    expect(parseToolCallFlag('open_url:{"url":"https://example.com/a:b"}')).toEqual({ name: 'open_url', arguments: '{"url":"https://example.com/a:b"}' });
    expect(() => parseToolCallFlag(':{}')).toThrow(/tool name/);
  });

  it('Responses delegation: the backend calls the declared function (the Responses stream in response.event), takes the output, and the model speaks it', async () => {
    await start({ replyMs: 300, validateOutgoing: true, live: { toolCalls: [{ name: 'get_time', arguments: '{"zone":"UTC"}' }] } });
    const client = await open();
    await client.start({ delegation: responses() });
    client.appendAudio(turn());
    const created = await client.next('session.delegation.created');
    const delegation = created.delegation as { id: string; target: string; response_id?: string };
    expect(delegation.target).toBe('responses');
    expect(delegation.response_id).toMatch(/^resp_/);
    const done = await client.next((e) => e.type === 'response.event' && (e.event as { type: string }).type === 'response.output_item.done');
    expect(done.delegation_id).toBe(delegation.id);
    const item = (done.event as { item: { type: string; call_id: string; name: string; arguments: string; status: string } }).item;
    expect(item).toMatchObject({ type: 'function_call', name: 'get_time', arguments: '{"zone":"UTC"}', status: 'completed' });
    expect(nested(client.received).map((e) => e.type)).toEqual([
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
    ]);
    // The model acknowledges while the work runs (full duplex).
    await client.next('session.output_transcript.delta');
    const mark = client.received.length;
    client.send({ type: 'response.item.create', item: { type: 'function_call_output', call_id: item.call_id, output: '{"time":"12:00"}' } });
    client.send({ type: 'response.create' });
    await client.next((e) => e.type === 'session.output_transcript.delta' && String(e.delta).includes('12:00'));
    await new Promise((r) => setTimeout(r, 500));
    const said = joined(client.received.slice(mark).map((r) => r.event).filter((e) => e.type === 'session.output_transcript.delta'));
    expect(said).toContain('The get_time tool answered {"time":"12:00"}');
    expect(sim().liveSessions[0]!.delegations.outputs).toEqual([{ callId: item.call_id, name: 'get_time', output: '{"time":"12:00"}' }]);
    expect(client.received.filter((r) => r.event.type === 'error')).toEqual([]);
  });

  it('refuses what the service refuses: an output for a call it does not wait on, response.create with nothing to continue, a delegation id on commentary', async () => {
    await start({ replyMs: 300, live: { toolCalls: [{ name: 'get_time', arguments: '{}' }] } });
    const client = await open();
    await client.start({ delegation: responses() });
    client.send({ type: 'response.item.create', item: { type: 'function_call_output', call_id: 'call_elsewhere', output: '{}' }, event_id: 'e1' });
    expect((await client.next('error')).error).toMatchObject({ param: 'item.call_id', client_event_id: 'e1' });
    client.send({ type: 'response.create', event_id: 'e2' });
    expect((await client.next('error')).error).toMatchObject({ client_event_id: 'e2' });
    client.send({ type: 'session.commentary.append', delegation_id: 'deleg_x', content: 'hi', event_id: 'e3' });
    expect((await client.next('error')).error).toMatchObject({ param: 'delegation_id', client_event_id: 'e3' });
    // General commentary (a reminder) is taken and spoken.
    client.send({ type: 'session.commentary.append', delegation_id: null, content: 'Your tea is ready.' });
    await client.next('session.commentary.appended');
    await client.next((e) => e.type === 'session.output_transcript.delta' && String(e.delta).includes('tea'));
  });

  it('client delegation: a delegation with no task text; response.* is refused; commentary for the id is spoken', async () => {
    await start({ replyMs: 300, live: { toolCalls: [{ name: 'get_time', arguments: '{}' }] } });
    const client = await open();
    const started = await client.start();
    expect((started.session as { delegation: { type: string } }).delegation.type).toBe('client');
    client.appendAudio(turn());
    const created = await client.next('session.delegation.created');
    const delegation = created.delegation as { id: string; target: string };
    expect(delegation.target).toBe('client');
    client.send({ type: 'response.create', event_id: 'r1' });
    const refused = await client.next('error');
    expect((refused.error as { message: string }).message).toMatch(/requires Responses delegation/);
    client.send({ type: 'session.commentary.append', delegation_id: delegation.id, content: 'It is noon.' });
    await client.next('session.commentary.appended');
    await client.next((e) => e.type === 'session.output_transcript.delta' && String(e.delta).includes('noon'));
  });

  it('does not call a tool the session did not declare: the model answers as usual', async () => {
    await start({ replyMs: 300, live: { toolCalls: [{ name: 'read_clipboard', arguments: '{}' }] } });
    const client = await open();
    await client.start({ delegation: responses() });
    client.appendAudio(turn());
    await client.next('session.output_transcript.delta');
    await new Promise((r) => setTimeout(r, 400));
    expect(joined(client.received.map((r) => r.event).filter((e) => e.type === 'session.output_transcript.delta'))).toMatch(/^You said/);
    expect(client.received.filter((r) => r.event.type === 'session.delegation.created')).toEqual([]);
  });

  it('npm run sim -- --tool-call get_time:{...}: the standalone simulator delegates that call', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/simulator/main.ts', '--port', '0', '--reply-ms', '300', '--tool-call', 'get_time:{"zone":"Asia/Tokyo"}'], {
      cwd: REPO_ROOT,
      stdio: 'pipe',
    });
    try {
      let out = '';
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.setEncoding('utf8').on('data', (d: string) => {
          out += d;
          const match = /ws:\/\/\S+\/v1\/live\/sessions/.exec(out);
          if (match) resolve(match[0]);
        });
        child.once('close', () => reject(new Error('the simulator exited early')));
      });
      const client = await LiveTestClient.connect(url);
      await client.start({ delegation: responses() });
      client.appendAudio(turn());
      const done = await client.next((e) => e.type === 'response.event' && (e.event as { type: string }).type === 'response.output_item.done');
      expect((done.event as { item: { name: string; arguments: string } }).item).toMatchObject({ name: 'get_time', arguments: '{"zone":"Asia/Tokyo"}' });
      client.ws.close();
    } finally {
      const exited = new Promise((resolve) => child.once('close', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });
});
