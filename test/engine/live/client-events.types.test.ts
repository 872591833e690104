import { describe, expect, expectTypeOf, it } from 'vitest';
import type { BuiltInVoice, ClientEvent, SessionStartEvent } from 'openai/resources/live/live';
import { liveClientEvents } from '../../../src/engine/live/client-events';
import { liveSessionStart } from '../../../src/engine/session/live/start';
import { JAPANESE_LIVE_VOICES, LIVE_VOICES } from '../../../src/engine/settings';

/**
 * Type-level checks (run by `npm run typecheck`, which covers test/engine): every client event
 * Kaiwa sends on a GPT-Live session is assignable to `ClientEvent` of the `openai` package, and
 * the voice list covers the package's `BuiltInVoice`. The runtime side (each event as sent,
 * validated against JSON Schemas generated from the same types) is the simulator's.
 */
describe('GPT-Live client events against openai/resources/live/live', () => {
  it('each builder returns a ClientEvent member', () => {
    expectTypeOf(liveClientEvents.audio).returns.toExtend<ClientEvent>();
    expectTypeOf(liveClientEvents.mute).returns.toExtend<ClientEvent>();
    expectTypeOf(liveClientEvents.unmute).returns.toExtend<ClientEvent>();
    expectTypeOf(liveClientEvents.fixture).returns.toExtend<ClientEvent>();
    expectTypeOf(liveClientEvents.instructions).returns.toExtend<ClientEvent>();
    expectTypeOf(liveClientEvents.commentary).returns.toExtend<ClientEvent>();
    expectTypeOf(liveClientEvents.thinking).returns.toExtend<ClientEvent>();
    expectTypeOf(liveClientEvents.picture).returns.toExtend<ClientEvent>();
    expectTypeOf(liveClientEvents.functionOutput).returns.toExtend<ClientEvent>();
    expectTypeOf(liveClientEvents.continueResponse).returns.toExtend<ClientEvent>();
    expectTypeOf(liveClientEvents.delegationTools).returns.toExtend<ClientEvent>();
    expectTypeOf(liveClientEvents.close).returns.toExtend<ClientEvent>();
    expectTypeOf(liveSessionStart).returns.toEqualTypeOf<SessionStartEvent>();
    // And the builders cover every type Kaiwa sends, no more.
    type Sent = ReturnType<(typeof liveClientEvents)[keyof typeof liveClientEvents]>['type'] | SessionStartEvent['type'];
    expectTypeOf<Sent>().toEqualTypeOf<
      | 'session.start'
      | 'session.input_audio.append'
      | 'session.input_audio.mute'
      | 'session.input_audio.unmute'
      | 'session.output_audio.fixture.play'
      | 'session.instructions.append'
      | 'session.commentary.append'
      | 'session.thinking.append'
      | 'response.item.create'
      | 'response.create'
      | 'session.update'
      | 'session.close'
    >();
    expect(Object.keys(liveClientEvents)).toHaveLength(12);
  });

  it('LIVE_VOICES covers every BuiltInVoice (and the Japanese voices are among them)', () => {
    expectTypeOf<BuiltInVoice>().toExtend<(typeof LIVE_VOICES)[number]>();
    expectTypeOf<(typeof JAPANESE_LIVE_VOICES)[number]>().toExtend<(typeof LIVE_VOICES)[number]>();
    for (const voice of JAPANESE_LIVE_VOICES) expect(LIVE_VOICES).toContain(voice);
  });
});
