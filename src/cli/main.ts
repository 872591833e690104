// Entry of `npm run cli -- [flags]` and of the `kaiwa` bin.
import { runCli } from './app';

const code = await runCli({
  argv: process.argv.slice(2),
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  onSignal: (handler) => {
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
    return () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    };
  },
}).catch((error: unknown) => {
  process.stderr.write(`kaiwa: unexpected failure: ${(error as Error)?.message ?? String(error)}\n`);
  return 1;
});
process.exit(code);
