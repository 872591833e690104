import { parseArgs } from 'node:util';
import { startSimulator, type SimulatorOptions } from './index';
import { parseToolCallFlag } from './live/delegation';

/**
 * The simulator on its own: `npm run sim -- --port 8765`. It speaks both protocols on that port:
 *   GPT-Live  ws://127.0.0.1:8765/v1/live/sessions   (Kaiwa: --url ws://127.0.0.1:8765/v1/live/sessions --model gpt-live-1)
 *   Realtime  ws://127.0.0.1:8765/v1/realtime         (Kaiwa: --url ws://127.0.0.1:8765/v1/realtime --model gpt-realtime)
 * `--retire-beta` answers the Realtime beta shape as OpenAI does since 2026-05-12 (error, close 4000).
 * `--tool-call NAME[:json]` (repeatable): the model calls that tool on the next user turn, in order
 * (Realtime: a function call response; GPT-Live: by delegation; only when the session declared the tool).
 */

const USAGE =
  'usage: npm run sim -- [--port 8765] [--host 127.0.0.1] [--dialect ga|beta|auto] [--reply-ms 3000] [--retire-beta] [--tool-call NAME[:json]]...';

function parse(argv: string[]): SimulatorOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string', default: '8765' },
      host: { type: 'string', default: '127.0.0.1' },
      dialect: { type: 'string', default: 'auto' },
      'reply-ms': { type: 'string', default: '3000' },
      'retire-beta': { type: 'boolean', default: false },
      'tool-call': { type: 'string', multiple: true, default: [] },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65535) throw new Error(`--port must be an integer 0-65535, got '${values.port}'`);
  const replyMs = Number(values['reply-ms']);
  if (!(Number.isFinite(replyMs) && replyMs > 0)) throw new Error(`--reply-ms must be a positive number, got '${values['reply-ms']}'`);
  const dialect = values.dialect;
  if (dialect !== 'ga' && dialect !== 'beta' && dialect !== 'auto') throw new Error(`--dialect must be ga, beta or auto, got '${dialect}'`);
  const toolCalls = values['tool-call'].map(parseToolCallFlag);
  return { port, host: values.host, dialect, replyMs, retireBeta: values['retire-beta'], record: false, live: { toolCalls }, realtime: { toolCalls } };
}

async function main(): Promise<void> {
  let options: SimulatorOptions;
  try {
    options = parse(process.argv.slice(2));
  } catch (err) {
    console.error(`kaiwa-sim: ${(err as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  const sim = await startSimulator(options);
  const beta = options.retireBeta ? 'beta shape retired' : `dialect: ${options.dialect}`;
  console.log(`Kaiwa simulator listening (reply: ${options.replyMs} ms)`);
  console.log(`  Realtime  ${sim.url}  (${beta})`);
  console.log(`  GPT-Live  ${sim.liveUrl}  (model in session.start, e.g. gpt-live-1)`);
  const stop = (signal: string) => {
    console.log(`\n${signal}: shutting down`);
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(`kaiwa-sim: ${(err as Error).message}`);
  process.exit(1);
});
