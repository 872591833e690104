// Entry of `npm run cli -- [flags]` and of the `kaiwa` bin.
import { chooseLanguage, createI18n, languageFromEnv } from '../shared/i18n';
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
  // Whatever went wrong, it went wrong before --language could be trusted: the environment's language speaks.
  const t = createI18n(chooseLanguage('system', languageFromEnv(process.env))).t;
  process.stderr.write(`kaiwa: ${t('cli.failed.unexpected', { detail: (error as Error)?.message ?? String(error) })}\n`);
  return 1;
});
process.exit(code);
