import { runKaiwa } from './app';

// Never the API key: the controller redacts it from everything it logs.
const log = (line: string): void => console.log(`[kaiwa] ${line}`);

runKaiwa({ argv: process.argv, env: process.env, log }).catch((error: unknown) => {
  log(`failed to start: ${(error as Error).stack ?? String(error)}`);
  process.exitCode = 1;
});
