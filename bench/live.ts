/**
 * GPT-Live figures, next to the Realtime ones of bench/engine.ts: push-to-interrupt -> silence,
 * voice barge-in -> silence, and mic -> socket (a voiced frame captured to its append arriving at
 * the server). Against the simulator's GPT-Live endpoint at real time (40 ms output chunks, full
 * duplex: it stops within one VAD onset when it hears speech).
 * Run through bench/run.ts (`npm run bench -- live`), or alone: `node --import tsx bench/live.ts`.
 */
import { pathToFileURL } from 'node:url';
import { Assistant } from '../src/engine/assistant';
import { parseSettings } from '../src/engine/settings';
import type { InputDevice } from '../src/engine/audio/devices/types';
import { base64ToPcm16 } from '../src/engine/audio/pcm';
import { startSimulator, type RunningSimulator } from '../src/simulator';
import { ScriptedMic } from './scripted-mic';
import { TapSpeaker, quantile, round, sleep, watchStates, type BenchRow } from './engine';

const settings = parseSettings({ provider: 'local', model: 'gpt-live-1' });

/** The scripted mic, noting when it delivers its first voiced frame after `mark()`. */
class MarkedMic implements InputDevice {
  readonly name = 'marked mic';
  readonly mic = new ScriptedMic(1);
  private marking = false;
  firstVoicedAt = 0;

  mark(): void {
    this.marking = true;
    this.firstVoicedAt = 0;
  }
  start(onAudio: (pcm: Int16Array) => void): Promise<void> {
    return this.mic.start((pcm) => {
      if (this.marking && pcm.some((s) => s !== 0)) {
        this.marking = false;
        this.firstVoicedAt = performance.now();
      }
      onAudio(pcm);
    });
  }
  stop(): Promise<void> {
    return this.mic.stop();
  }
}

async function run(sim: RunningSimulator, trials: number) {
  const input = new MarkedMic();
  const speaker = new TapSpeaker(1, false);
  const assistant = new Assistant({ settings, credentials: {}, input, output: speaker, localUrl: sim.url });
  const states = watchStates(assistant);
  const session = sim.nextLiveSession();
  await assistant.start();
  const live = await session;
  const button = { outputMs: [] as number[], wallMs: [] as number[] };
  const voice = { outputMs: [] as number[], wallMs: [] as number[] };
  const micToSocket: number[] = [];
  const say = async (ms: number) => {
    input.mark();
    const from = live.received.length;
    input.mic.speaking = true;
    await sleep(ms);
    input.mic.speaking = false;
    const append = live.received.slice(from).find((r) => {
      const e = r.event as { type?: string; audio?: string };
      return e.type === 'session.input_audio.append' && typeof e.audio === 'string' && base64ToPcm16(e.audio).some((s) => s !== 0);
    });
    if (append && input.firstVoicedAt) micToSocket.push(append.at - input.firstVoicedAt);
  };
  try {
    await say(400);
    for (let t = 0; t < trials; t++) {
      // Push-to-interrupt: the button during a reply.
      await states.until('speaking');
      await sleep(200 + ((t * 53) % 500));
      let position = speaker.positionMs();
      let silent = speaker.nextSilentFrame();
      let t0 = performance.now();
      assistant.interrupt();
      let cut = await silent;
      button.outputMs.push(cut.positionMs - position);
      button.wallMs.push(cut.at - t0);
      // Wait out the rest of the cut reply (dropped), then a new turn.
      await states.until('listening');
      await sleep(2_000);
      await say(400);
      // Voice barge-in: the user speaks over the reply; the model yields, Kaiwa goes silent.
      await states.until('speaking');
      await sleep(200 + ((t * 37) % 500));
      position = speaker.positionMs();
      silent = speaker.nextSilentFrame();
      t0 = performance.now();
      const speaking = say(400);
      cut = await silent;
      voice.outputMs.push(cut.positionMs - position);
      voice.wallMs.push(cut.at - t0);
      await speaking;
    }
  } finally {
    await assistant.stop();
  }
  return { button, voice, micToSocket };
}

export async function benchLive(): Promise<BenchRow[]> {
  const sim = await startSimulator({ port: 0, replyMs: 2_500, record: true, live: { chunkMs: 40 } });
  let r: Awaited<ReturnType<typeof run>>;
  try {
    r = await run(sim, 8);
  } finally {
    await sim.close();
  }
  const q = (values: number[], p: number) => (values.length ? round(quantile(values, p)) : 'n/a');
  return [
    { name: 'GPT-Live interrupt() -> silence, output time, median', value: q(r.button.outputMs, 0.5), unit: 'ms' },
    { name: 'GPT-Live interrupt() -> silence, output time, p95', value: q(r.button.outputMs, 0.95), unit: 'ms' },
    { name: 'GPT-Live interrupt() -> silent frame pulled, wall, median', value: q(r.button.wallMs, 0.5), unit: 'ms' },
    { name: 'GPT-Live voice onset -> silence, output time, median', value: q(r.voice.outputMs, 0.5), unit: 'ms' },
    { name: 'GPT-Live voice onset -> silence, output time, p95', value: q(r.voice.outputMs, 0.95), unit: 'ms' },
    { name: 'GPT-Live voice onset -> silent frame pulled, wall, median', value: q(r.voice.wallMs, 0.5), unit: 'ms' },
    { name: 'GPT-Live mic voiced frame -> append at the server, median', value: q(r.micToSocket, 0.5), unit: 'ms' },
    { name: 'GPT-Live mic voiced frame -> append at the server, p95', value: q(r.micToSocket, 0.95), unit: 'ms' },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.table(await benchLive());
}
