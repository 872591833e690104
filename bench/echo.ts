/**
 * Echo cancellation figures, on and off: echo return loss enhancement (dB) and false barge-ins per
 * minute of played speech.
 *
 * Synthetic path (always): the reply is played into a simulated room (speaker -> mic at -6 dB,
 * low-passed, 15 ms acoustic delay, 100 ms output latency, device callbacks in 40 ms bursts), the
 * mic goes through the echo canceller, and the simulator's own VAD (server_vad defaults) counts
 * how often the echo would have been taken for the user starting to speak.
 *
 * Run through bench/run.ts (`npm run bench`), or alone: `npx tsx bench/echo.ts`.
 */
import { pathToFileURL } from 'node:url';
import { createEchoCanceller } from '../src/engine/audio/echo-canceller';
import { EnergyVad } from '../src/simulator/vad';
import { renderReply } from '../src/simulator/voice';
import { echoSignals, erleDb, runEchoPath, type EchoPathResult } from '../harness/echo-path';
import { tempDir } from '../harness/temp';

const PLAYED_MS = 60_000;
/** ERLE is measured after the canceller has had this long to converge. */
const CONVERGED_AFTER_MS = 2_000;

function falseBargeIns(result: EchoPathResult): number {
  const vad = new EnergyVad({ threshold: 0.5, prefixPaddingMs: 300, silenceDurationMs: 500 });
  return vad.push(result.out).filter((e) => e.type === 'start').length;
}

async function run(enabled: boolean, reference: Int16Array): Promise<EchoPathResult> {
  const canceller = await createEchoCanceller(enabled);
  try {
    return runEchoPath(canceller, { reference, outputLatencyMs: 100 });
  } finally {
    canceller.destroy();
  }
}

export async function benchEcho(): Promise<Record<string, number>> {
  const dir = await tempDir('kaiwa-bench-echo-');
  try {
    const speech = (await echoSignals(dir.path)).reply;
    const reply = renderReply(PLAYED_MS, 7);
    const rows: Record<string, number> = {};
    for (const enabled of [true, false]) {
      const label = enabled ? 'on' : 'off';
      const spoken = await run(enabled, speech);
      rows[`synthetic ERLE, espeak speech, AEC ${label} (dB)`] = round(erleDb(spoken, CONVERGED_AFTER_MS, speech.length / 24));
      const t0 = performance.now();
      const played = await run(enabled, reply);
      const ms = performance.now() - t0;
      rows[`synthetic ERLE, simulator voice, AEC ${label} (dB)`] = round(erleDb(played, CONVERGED_AFTER_MS, PLAYED_MS));
      rows[`synthetic false barge-ins, AEC ${label} (per min of played speech)`] = round((falseBargeIns(played) * 60_000) / PLAYED_MS);
      if (enabled) rows['AEC3 cost, render + capture (µs per 10 ms frame)'] = round((ms * 1000) / (PLAYED_MS / 10));
    }
    return rows;
  } finally {
    await dir.cleanup();
  }
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.table(await benchEcho());
}
