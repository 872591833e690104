import fc from 'fast-check';
import { once } from 'node:events';
import { isDeepStrictEqual } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { TurnStateMachine } from '../../../src/engine/session/realtime/state-machine';
import { Player } from '../../../src/engine/audio/player';
import { parseSettings } from '../../../src/engine/settings';
import type { AssistantEvent } from '../../../src/engine/events';
import { RealtimeConnection } from '../../../src/engine/realtime/connection';
import { betaDialect, gaDialect, type DecodeResult, type Dialect } from '../../../src/engine/realtime/dialects';
import { specExamples } from './helpers/examples';
import { startWsServer, type WsServer } from './helpers/servers';
import { localEndpoint } from './helpers/resilience';

/**
 * Fuzzing the inbound side of the engine: whatever a server (or, for the simulator, a client)
 * sends, decoding never throws and gives exactly one verdict; a bad frame is reported exactly once
 * by the connection; what decodes cleanly never makes the conversation throw.
 */

const RUNS = 1500;
const dialects: Dialect[] = [gaDialect, betaDialect];
const examples = {
  ga: { server: specExamples('ga').filter((e) => e.side === 'server'), client: specExamples('ga').filter((e) => e.side === 'client') },
  beta: { server: specExamples('beta').filter((e) => e.side === 'server'), client: specExamples('beta').filter((e) => e.side === 'client') },
};

function verdict(result: DecodeResult<unknown>): 'ok' | 'bad' | 'unknown' {
  expect(typeof result).toBe('object');
  if (result.ok === true) {
    expect(typeof (result.event as { type?: unknown }).type).toBe('string');
    return 'ok';
  }
  if (result.ok === false) {
    expect(typeof result.error).toBe('string');
    expect(result.error.length).toBeGreaterThan(0);
    expect(result.error.length).toBeLessThanOrEqual(300);
    if (result.raw !== undefined) expect(String(result.raw).length).toBeLessThanOrEqual(200);
    return 'bad';
  }
  expect(result.ok).toBe('unknown');
  expect(typeof result.type).toBe('string');
  return 'unknown';
}

function stringify(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined; // BigInt and friends
  }
}

function decodeBoth(dialect: Dialect, side: 'server' | 'client', wire: unknown): DecodeResult<unknown> {
  return side === 'server' ? dialect.decodeServer(wire) : dialect.decodeClient(wire);
}

/** A spec example changed the way a broken server or proxy changes a frame. */
type Mutation =
  | { kind: 'drop'; key: number }
  | { kind: 'replace'; key: number; value: unknown }
  | { kind: 'truncate'; at: number }
  | { kind: 'garble'; at: number; ch: string }
  | { kind: 'retype'; type: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('drop' as const), key: fc.nat() }),
  fc.record({ kind: fc.constant('replace' as const), key: fc.nat(), value: fc.oneof(fc.jsonValue(), fc.constant(undefined)) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('garble' as const), at: fc.nat(), ch: fc.constantFrom('"', '{', '}', ',', ':', '\\', '\u0000', ']') }),
  fc.record({ kind: fc.constant('retype' as const), type: fc.oneof(fc.string(), fc.constantFrom('response.done', 'error', 'session.created', 'response.audio.delta', 'response.output_audio.delta')) }),
);

function mutate(event: Record<string, unknown>, m: Mutation): { wire: string | Record<string, unknown>; broken: 'json' | 'type' | 'maybe' } {
  const keys = Object.keys(event);
  const text = JSON.stringify(event);
  switch (m.kind) {
    case 'drop': {
      const key = keys[m.key % keys.length]!;
      const { [key]: _dropped, ...rest } = event;
      return { wire: rest, broken: key === 'type' ? 'type' : 'maybe' };
    }
    case 'replace': {
      const key = keys[m.key % keys.length]!;
      return { wire: { ...event, [key]: m.value }, broken: key === 'type' && typeof m.value !== 'string' ? 'type' : 'maybe' };
    }
    case 'truncate':
      // Any proper prefix of a serialised object lacks its closing brace: never valid JSON.
      return { wire: text.slice(0, m.at % text.length), broken: 'json' };
    case 'garble': {
      const at = m.at % text.length;
      return { wire: text.slice(0, at) + m.ch + text.slice(at), broken: 'maybe' };
    }
    case 'retype':
      return { wire: { ...event, type: m.type }, broken: 'maybe' };
  }
}

describe('fuzz: dialect decoders', () => {
  for (const dialect of dialects) {
    for (const side of ['server', 'client'] as const) {
      describe(`${dialect.name} decode${side === 'server' ? 'Server' : 'Client'}`, () => {
        it('arbitrary strings: never throws; text that is not JSON is bad, once', () => {
          fc.assert(
            fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.json()), (text) => {
              const v = verdict(decodeBoth(dialect, side, text));
              let json = true;
              try {
                JSON.parse(text);
              } catch {
                json = false;
              }
              if (!json) expect(v).toBe('bad');
            }),
            { numRuns: RUNS },
          );
        });

        it('arbitrary values: anything but an object with a string type is bad; text and object agree', () => {
          fc.assert(
            fc.property(fc.oneof(fc.jsonValue(), fc.anything(), fc.dictionary(fc.string(), fc.jsonValue())), (value) => {
              const v = verdict(decodeBoth(dialect, side, value));
              const isEvent = typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { type?: unknown }).type === 'string';
              if (!isEvent) expect(v).toBe('bad');
              const text = stringify(value);
              if (isEvent && text !== undefined && isDeepStrictEqual(JSON.parse(text), value)) {
                // The same event as text gets the same verdict (what a socket delivers).
                expect(verdict(decodeBoth(dialect, side, text))).toBe(v);
              }
            }),
            { numRuns: RUNS },
          );
        });

        const pool = examples[dialect.name][side];
        it(`mutated spec examples (${pool.length}): never throws; truncated or untyped is bad`, () => {
          expect(pool.length).toBeGreaterThan(5);
          fc.assert(
            fc.property(fc.constantFrom(...pool), mutation, (example, m) => {
              const { wire, broken } = mutate(structuredClone(example.event), m);
              const v = verdict(decodeBoth(dialect, side, wire));
              if (broken !== 'maybe') expect(v).toBe('bad');
            }),
            { numRuns: RUNS },
          );
        });
      });
    }
  }

  it('fields the engine reads, broken, are always reported', () => {
    const cases: [Dialect, Record<string, unknown>][] = [
      [gaDialect, { type: 'response.output_audio.delta', response_id: 'r', item_id: 'i', delta: 7 }],
      [betaDialect, { type: 'response.audio.delta', response_id: 'r', item_id: 'i' }],
      [gaDialect, { type: 'response.done', response: 'done' }],
      [gaDialect, { type: 'error', error: null }],
      [betaDialect, { type: 'input_audio_buffer.speech_started', item_id: 'i', audio_start_ms: '12' }],
      [gaDialect, { type: 'conversation.item.truncated', item_id: 'i', audio_end_ms: Infinity }],
    ];
    for (const [dialect, event] of cases) {
      expect(dialect.decodeServer(event).ok, JSON.stringify(event)).toBe(false);
      expect(dialect.decodeServer(JSON.stringify(event)).ok, JSON.stringify(event)).toBe(false);
    }
  });
});

describe('fuzz: decoded server events never make the conversation throw', () => {
  it('mutated GA and beta server examples, decoded, then handled', () => {
    const errors: AssistantEvent[] = [];
    const conversation = new TurnStateMachine({
      settings: parseSettings({}),
      send: () => {},
      player: new Player(),
      emit: (e) => {
        if (e.type === 'error') errors.push(e);
      },
    });
    conversation.connecting();
    conversation.connected();
    const pool = [...examples.ga.server.map((e) => [gaDialect, e.event] as const), ...examples.beta.server.map((e) => [betaDialect, e.event] as const)];
    let handled = 0;
    fc.assert(
      fc.property(fc.constantFrom(...pool), fc.array(mutation, { maxLength: 3 }), ([dialect, event], ms) => {
        let wire: string | Record<string, unknown> = structuredClone(event);
        for (const m of ms) {
          if (typeof wire === 'string') break;
          wire = mutate(wire, m).wire;
        }
        const result = dialect.decodeServer(wire);
        if (result.ok !== true) return;
        handled++;
        expect(() => conversation.handleServerEvent(result.event)).not.toThrow();
      }),
      { numRuns: RUNS * 2 },
    );
    expect(handled).toBeGreaterThan(RUNS / 2);
  });
});

describe('fuzz: a connection reports every bad frame exactly once', () => {
  let server: WsServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('random frames from a server: one protocol-error per bad frame, one event per good one, nothing thrown', async () => {
    server = await startWsServer();
    const frames = fc.sample(
      fc.oneof(
        fc.string(),
        fc.json(),
        fc.constantFrom(...examples.ga.server).map((e) => JSON.stringify(e.event)),
        fc.tuple(fc.constantFrom(...examples.ga.server), mutation).map(([e, m]) => {
          const { wire } = mutate(structuredClone(e.event), m);
          return typeof wire === 'string' ? wire : JSON.stringify(wire) ?? 'null';
        }),
      ),
      { numRuns: 600, seed: 6 },
    );
    const expected = { ok: 0, bad: 0, unknown: 0 };
    for (const f of frames) expected[verdict(gaDialect.decodeServer(f))]++;
    expect(expected.bad).toBeGreaterThan(50);
    expect(expected.ok).toBeGreaterThan(50);

    const connection = new RealtimeConnection(localEndpoint(`ws://127.0.0.1:${server.port}/v1/realtime`));
    const got = { events: 0, errors: 0 };
    connection.on('event', () => got.events++);
    connection.on('protocol-error', () => got.errors++);
    const accepted = server.nextConnection();
    await connection.connect();
    const { socket } = await accepted;
    for (const f of frames) socket.send(f);
    socket.send(Buffer.from([0xde, 0xad]), { binary: true });
    socket.send(JSON.stringify({ type: 'session.updated', event_id: 'last', session: {} }));
    await new Promise<void>((resolve) => {
      connection.on('event', (e) => ((e as { event_id?: string }).event_id === 'last' ? resolve() : undefined));
    });
    expect(got).toEqual({ events: expected.ok + 1, errors: expected.bad + 1 });
    const closed = once(connection, 'close');
    connection.close();
    await closed;
  });
});
