// Entry of `npm run cli -- [flags]` and of the `kaiwa` bin.
import { runCli } from './app';

const code = await runCli({
  argv: process.argv.slice(2),
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  onSignal: (handler) => {
    const onInt = () => handler('SIGINT');
    const onTerm = () => handler('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    return () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    };
  },
}).catch((error: unknown) => {
  process.stderr.write(`kaiwa: unexpected failure: ${(error as Error)?.message ?? String(error)}\n`);
  return 1;
});
process.exit(code);
