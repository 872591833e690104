/** What the terminal front end runs against: arguments, environment, the three streams and the signals (tests pass their own). */
export interface CliIo {
  argv: string[];
  env: Record<string, string | undefined>;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  /** Registers a shutdown request (SIGINT/SIGTERM); returns an unregister function. */
  onSignal: (handler: (signal: 'SIGINT' | 'SIGTERM') => void) => () => void;
}
