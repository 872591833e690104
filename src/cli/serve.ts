import { resolveProtocol } from '../engine';
import { TURN_PATH, startKaiwaServer } from '../server';
import { startSimulator } from '../simulator';
import { chooseLanguage, createI18n, languageFromEnv } from '../shared/i18n';
import { parseFlags, UsageError } from './args';
import type { CliIo } from './io';
import { serveToken } from './serve-token';

/**
 * `kaiwa serve [--port N] [setting flags]`: the voice endpoint on 127.0.0.1 until Ctrl+C. Prints
 * the URL and the bearer token; the settings flags choose the model and protocol as for a run.
 */
export async function runServe(io: CliIo): Promise<number> {
  const argv = io.argv.map((arg) => (arg === '--port' ? '--serve-port' : arg.startsWith('--port=') ? `--serve-port=${arg.slice(7)}` : arg));
  const fallback = createI18n(chooseLanguage('system', languageFromEnv(io.env))).t;
  let flags;
  try {
    flags = parseFlags(argv, io.env);
  } catch (error) {
    if (error instanceof UsageError) return fail(io, error.describe(fallback), 2);
    throw error;
  }
  const t = createI18n(chooseLanguage(flags.settings.language, languageFromEnv(io.env))).t;
  const port = flags.settings.serve.port;
  let token: string;
  try {
    token = await serveToken(io.env);
  } catch (error) {
    return fail(io, t('cli.failed.internal', { detail: (error as Error).message }), 1);
  }

  // Listening for Ctrl+C/SIGTERM before anything starts: a script that reads the printed token and
  // stops the server at once must find it stopping cleanly, not killed by the signal's default.
  let unlisten = () => {};
  const stopRequested = new Promise<'SIGINT' | 'SIGTERM'>((resolve) => {
    unlisten = io.onSignal((received) => {
      unlisten();
      resolve(received);
    });
  });
  const simulator = flags.startSimulator ? await startSimulator({ port: 0, dialect: flags.settings.dialect }) : null;
  const localUrl = simulator?.url ?? flags.localUrl;
  let server;
  try {
    server = await startKaiwaServer({
      settings: flags.settings,
      credentials: flags.credentials,
      ...(localUrl ? { localUrl } : {}),
      token,
      port,
      log: (line) => io.stderr.write(`${line}\n`),
    });
  } catch (error) {
    unlisten();
    await simulator?.close();
    const code = (error as NodeJS.ErrnoException).code;
    return fail(io, code === 'EADDRINUSE' ? t('cli.serve.portInUse', { port: String(port) }) : t('cli.failed.internal', { detail: (error as Error).message }), 1);
  }
  const url = `${server.url}${TURN_PATH}`;
  io.stdout.on('error', () => {});
  io.stdout.write(`${t('cli.serve.listening', { url, protocol: resolveProtocol(flags.settings) })}\n`);
  io.stdout.write(`${t('cli.serve.token', { token })}\n`);
  io.stdout.write(`${t('cli.serve.example', { url })}\n`);

  const signal = await stopRequested;
  await server.close();
  await simulator?.close();
  return signal === 'SIGINT' ? 130 : 143;
}

function fail(io: CliIo, message: string, code: number): number {
  io.stderr.write(`kaiwa: ${message.split('\n')[0]}\n`);
  return code;
}
