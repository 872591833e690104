/**
 * Soak: one simulated hour of conversation against the simulator in accelerated time, with a
 * barge-in every third turn, two forced disconnects (the simulator drops the TCP connection without
 * a close frame) and one `session_expired`. Prints what must stay at zero (lost transcripts,
 * unhandled rejections) and what must stay small (heap growth).
 *
 * Run through bench/run.ts (`npm run bench`), or alone: `node --expose-gc --import tsx bench/soak.ts`.
 *
 * "Lost transcripts" counts three ways to lose what was said:
 * - a user turn spoken while connected that never got its transcript;
 * - an assistant reply that started (words streamed) but never got a final (from the server, or,
 *   when the connection dropped under it, the words that arrived or were heard);
 * - a history entry missing from what a new session received after a reconnect or renewal.
 */
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { ConversationItem } from 'openai/resources/realtime/realtime';
import { Assistant } from '../src/engine/assistant';
import { parseSettings } from '../src/engine/settings';
import type { AssistantEvent, AssistantState } from '../src/engine/events';
import { englishT, messageWords } from '../src/shared/i18n';
import { NullOutput } from '../src/engine/audio/devices/null';
import { ScriptedMic } from './scripted-mic';
import { startSimulator } from '../src/simulator';

export interface SoakOptions {
  /** Simulated minutes of conversation. Default 60. */
  minutes?: number;
  /** Times real time. Default 40 (an hour in about 90 s). */
  speed?: number;
  /** Progress lines. Default: none. */
  log?: (line: string) => void;
}

export interface SoakResult {
  simulatedMinutes: number;
  wallSeconds: number;
  turns: number;
  utterances: number;
  bargeIns: number;
  reconnects: number;
  renewals: number;
  sessions: number;
  userTurnsCutByDisconnect: number;
  lostUserTranscripts: number;
  lostAssistantTranscripts: number;
  lostInReplay: number;
  lostTranscripts: number;
  heapGrowthMb: number;
  unhandledRejections: number;
  uncaughtExceptions: number;
  errors: string[];
  gc: boolean;
}

function collectGarbage(): (() => void) | undefined {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
}

const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits;

function textOf(item: ConversationItem): string | undefined {
  if (item.type !== 'message') return undefined;
  for (const part of item.content as { type?: string; text?: string }[]) {
    if ((part.type === 'input_text' || part.type === 'output_text') && typeof part.text === 'string') return part.text;
  }
  return undefined;
}

export async function runSoak(options: SoakOptions = {}): Promise<SoakResult> {
  const minutes = options.minutes ?? 60;
  const speed = options.speed ?? 40;
  const log = options.log ?? (() => {});
  const simMs = (ms: number) => ms / speed; // simulated ms -> wall ms
  const sleep = (simulated: number) => new Promise((r) => setTimeout(r, simMs(simulated)));

  let unhandledRejections = 0;
  let uncaughtExceptions = 0;
  const onRejection = (reason: unknown) => {
    unhandledRejections++;
    log(`unhandled rejection: ${String((reason as Error)?.stack ?? reason)}`);
  };
  const onException = (error: Error) => {
    uncaughtExceptions++;
    log(`uncaught exception: ${error.stack ?? error.message}`);
  };
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);

  // Roughly 100 server events a turn: the drops land near 20 and 40 simulated minutes; the third
  // session is told `session_expired` a sixth of the run (10 simulated minutes) after it opens.
  const dropAfter = Math.round(((minutes / 3) * 60_000) / 8_500) * 100;
  const sim = await startSimulator({
    port: 0,
    replyMs: 4000,
    realtimeFactor: speed * 3,
    record: false,
    faults: (i) => (i === 0 || i === 1 ? { dropAfterEvents: dropAfter } : i === 2 ? { sessionExpiredAfterMs: simMs((minutes / 6) * 60_000) } : undefined),
  });
  const mic = new ScriptedMic(speed);
  const speaker = new NullOutput({ speed });
  const assistant = new Assistant({
    // No echo path here (the speaker does not reach the mic), so no echo canceller: this measures the session keeping.
    settings: parseSettings({ provider: 'local', echoCancellation: false, turnDetection: { mode: 'server_vad', silenceDurationMs: 500 } }),
    credentials: {},
    input: mic,
    output: speaker,
    localUrl: sim.url,
    resilience: {
      backoff: { baseMs: 200, maxMs: 2_000 },
      rollover: { afterMs: simMs(55 * 60_000) },
      stableAfterMs: simMs(10_000),
    },
  });

  let state = 'idle' as AssistantState; // widened: listeners change it across awaits
  const waiters = new Set<{ test: (s: AssistantState) => boolean; resolve: (ok: boolean) => void }>();
  const until = (test: (s: AssistantState) => boolean, simulatedTimeout: number) =>
    test(state)
      ? Promise.resolve(true)
      : new Promise<boolean>((resolve) => {
          const waiter = { test, resolve };
          waiters.add(waiter);
          setTimeout(() => waiters.delete(waiter) && resolve(false), simMs(simulatedTimeout));
        });

  const counts = { turns: 0, bargeIns: 0, reconnects: 0, renewals: 0 };
  /**
   * Every utterance, in order. One whose transcript had not come back when the connection dropped
   * or the server expired the session is `cut`: the server lost it with the session (its audio is
   * not re-sent later as if live).
   */
  const utterances: { final: boolean; cut: boolean; atMin: number; bargeIn: boolean }[] = [];
  const errors: string[] = [];
  /** Assistant replies that streamed words, and those that got a final (from the server, or cut at a disconnect). */
  const assistantItems = new Map<string, number>();
  const assistantFinals = new Set<string>();
  /** The record's replay at each session change: what the new session must have received. */
  const replaySnapshots: string[][] = [];
  let wasReconnecting = false;

  const recent: string[] = [];
  assistant.subscribe((event: AssistantEvent) => {
    if (event.type !== 'levels') {
      if (event.type === 'notice' && !event.key.startsWith('notice.rateLimit')) log(`${round(mic.simulatedMs / 60_000, 2)} min: ${messageWords(englishT(), event)}`);
      recent.push(event.type === 'state' ? event.state : event.type === 'transcript.final' ? `final:${event.speaker}` : event.type);
      if (recent.length > 12) recent.shift();
    }
    switch (event.type) {
      case 'state':
        state = event.state;
        if (state === 'reconnecting') {
          if (!wasReconnecting) counts.reconnects++;
          wasReconnecting = true;
          const pending = utterances.filter((u) => !u.final && !u.cut).length;
          for (const u of utterances) if (!u.final) u.cut = true;
          log(`disconnected at ${round(mic.simulatedMs / 60_000)} min (attempt ${event.attempt ?? '?'}): ${pending} utterance(s) without a transcript; recent: ${recent.join(' ')}`);
        } else if (wasReconnecting) {
          wasReconnecting = false;
          replaySnapshots.push(assistant.record.replay().map((t) => t.text));
        }
        for (const w of [...waiters]) {
          if (w.test(state)) {
            waiters.delete(w);
            w.resolve(true);
          }
        }
        break;
      case 'notice':
        if (event.key === 'notice.sessionRenewed') {
          counts.renewals++;
          // session_expired ends the old session whenever the server says so: a turn not yet
          // transcribed went with it, as with a drop.
          for (const u of utterances) if (!u.final) u.cut = true;
          log(`session renewed at ${round(mic.simulatedMs / 60_000, 2)} min; recent: ${recent.join(' ')}`);
          replaySnapshots.push(assistant.record.replay().map((t) => t.text));
        }
        break;
      case 'transcript.delta':
        if (event.speaker === 'assistant' && !assistantItems.has(event.itemId)) assistantItems.set(event.itemId, mic.simulatedMs);
        break;
      case 'transcript.final':
        if (event.speaker === 'user') {
          const u = utterances.find((x) => !x.final && !x.cut) ?? utterances.find((x) => !x.final);
          if (u) u.final = true;
        } else {
          if (!assistantItems.has(event.itemId)) assistantItems.set(event.itemId, mic.simulatedMs);
          assistantFinals.add(event.itemId);
        }
        break;
      case 'interrupted':
        if (event.reason === 'barge-in') counts.bargeIns++;
        break;
      case 'error':
        errors.push(`${event.code}: ${messageWords(englishT(), event)}`);
        break;
      default:
        break;
    }
  });

  const gc = collectGarbage();
  const heap = () => {
    gc?.();
    gc?.();
    return process.memoryUsage().heapUsed;
  };
  const wall0 = performance.now();
  let heapStart = 0;
  let heapEnd = 0;
  try {
    await assistant.start();
    const endMs = minutes * 60_000;
    let turn = 0;
    let lastReport = 0;
    while (mic.simulatedMs < endMs) {
      if (!heapStart && mic.simulatedMs >= 5 * 60_000) heapStart = heap();
      if (mic.simulatedMs - lastReport >= 10 * 60_000) {
        lastReport = mic.simulatedMs;
        log(`${round(mic.simulatedMs / 60_000, 0)} min: ${counts.turns} turns, ${counts.bargeIns} barge-ins, ${counts.reconnects} reconnects`);
      }
      if (!(await until((s) => s === 'listening', 30_000))) {
        if (state === 'error' || state === 'idle') break;
        continue; // stuck: look again (counts nothing)
      }
      await sleep(1200);
      turn++;
      // Speak 1.5-3 s (deterministic spread), then wait for the reply.
      utterances.push({ final: false, cut: false, atMin: round(mic.simulatedMs / 60_000, 2), bargeIn: false });
      mic.speaking = true;
      await sleep(1500 + ((turn * 337) % 1500));
      mic.speaking = false;
      counts.turns++;
      if (turn % 3 === 0) {
        // Barge in one second into the reply.
        if (await until((s) => s === 'speaking', 20_000)) {
          await sleep(1000);
          if (state === 'speaking') {
            utterances.push({ final: false, cut: false, atMin: round(mic.simulatedMs / 60_000, 2), bargeIn: true });
            mic.speaking = true;
            await sleep(1200);
            mic.speaking = false;
          }
        }
      }
    }
    // Let the last turn finish: its transcript back, its reply over.
    for (let waited = 0; waited < 30_000 && utterances.some((u) => !u.final && !u.cut); waited += 250) await sleep(250);
    await until((s) => s === 'listening', 20_000);
    heapEnd = heap();
  } finally {
    await assistant.stop();
    await sim.close();
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  }

  // What a new session received: its text items, in order, as the simulator stored them.
  const received = sim.sessions.slice(1).map((session) => {
    const texts: string[] = [];
    for (const { item } of session.items.values()) {
      const text = textOf(item);
      if (text !== undefined) texts.push(text);
    }
    return texts;
  });
  let lostInReplay = 0;
  replaySnapshots.forEach((expected, i) => {
    const got = received[i] ?? [];
    for (let j = 0; j < expected.length; j++) if (got[j] !== expected[j]) lostInReplay++;
  });
  let lostAssistant = 0;
  for (const [itemId, atMs] of assistantItems) {
    if (assistantFinals.has(itemId)) continue;
    lostAssistant++;
    log(`no final for reply ${itemId}, started at ${round(atMs / 60_000, 2)} min`);
  }
  const lostUser = utterances.filter((u) => !u.final && !u.cut).length;
  utterances.forEach((u, i) => {
    if (!u.final && !u.cut) log(`no transcript for utterance ${i + 1} of ${utterances.length}, at ${u.atMin} min${u.bargeIn ? ' (barge-in)' : ''}; last events: ${recent.join(' ')}`);
  });
  const wallSeconds = (performance.now() - wall0) / 1000;
  return {
    simulatedMinutes: round(mic.simulatedMs / 60_000),
    wallSeconds: round(wallSeconds),
    turns: counts.turns,
    utterances: utterances.length,
    bargeIns: counts.bargeIns,
    reconnects: counts.reconnects,
    renewals: counts.renewals,
    sessions: sim.sessions.length,
    userTurnsCutByDisconnect: utterances.filter((u) => u.cut && !u.final).length,
    lostUserTranscripts: lostUser,
    lostAssistantTranscripts: lostAssistant,
    lostInReplay,
    lostTranscripts: lostUser + lostAssistant + lostInReplay,
    heapGrowthMb: round((heapEnd - heapStart) / 1024 / 1024, 2),
    unhandledRejections,
    uncaughtExceptions,
    errors,
    gc: Boolean(gc),
  };
}

export async function benchSoak(): Promise<{ name: string; value: number | string; unit: string }[]> {
  const r = await runSoak({ log: (line) => process.stderr.write(`  soak: ${line}\n`) });
  return [
    { name: 'simulated conversation', value: r.simulatedMinutes, unit: 'min' },
    { name: 'wall time', value: r.wallSeconds, unit: 's' },
    { name: 'turns (barge-ins)', value: `${r.turns} (${r.bargeIns})`, unit: 'count' },
    { name: 'forced disconnects -> reconnects', value: r.reconnects, unit: 'count' },
    { name: 'session renewals (session_expired, rollover)', value: r.renewals, unit: 'count' },
    { name: 'user turns cut by a drop or expiry (not counted as lost)', value: r.userTurnsCutByDisconnect, unit: 'count' },
    { name: 'lost transcripts (must be 0)', value: r.lostTranscripts, unit: 'count' },
    { name: `heap growth, 5 min -> end${r.gc ? '' : ' (no --expose-gc)'}`, value: r.heapGrowthMb, unit: 'MB' },
    { name: 'unhandled rejections (must be 0)', value: r.unhandledRejections + r.uncaughtExceptions, unit: 'count' },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const minutes = Number(process.env.SOAK_MINUTES ?? 60);
  const speed = Number(process.env.SOAK_SPEED ?? 40);
  const result = await runSoak({ minutes, speed, log: (line) => console.error(line) });
  console.log(JSON.stringify(result, null, 2));
  process.exitCode = result.lostTranscripts === 0 && result.unhandledRejections === 0 && result.uncaughtExceptions === 0 ? 0 : 1;
}
