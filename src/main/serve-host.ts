import { startKaiwaServer, TURN_PATH, type KaiwaServer } from '../server';
import type { Credentials, RecordingDecoder, Settings } from '../engine';
import { messageWords, type Translate } from '../shared/i18n';
import type { ServeStatus } from '../shared/ipc';
import { mainSaid, type MainSaid } from './said';

export interface ServeHostOptions {
  /** The bearer token (made on first use by the secret store). */
  token: () => string;
  /** The in-process simulator's URL, for provider 'local'. */
  localUrl: () => Promise<string | undefined>;
  t: () => Translate;
  notice: (said: MainSaid) => void;
  /** Lines for the log; never given the token or the key. */
  log: (line: string) => void;
  /** Keeps the API key out of the lines the server logs. */
  redact: (line: string) => string;
  /** Decodes m4a/AAC recordings (the app's: Chromium's decoders, chromium-decoder.ts). */
  decodeAac?: RecordingDecoder;
}

/** Settings that are the desktop's own: changing them does not change how the endpoint answers. */
const DESKTOP_ONLY: readonly (keyof Settings)[] = ['hotkeys', 'startAtLogin', 'inputDevice', 'outputDevice', 'echoCancellation', 'language'];

/**
 * The voice endpoint inside the desktop app (`kaiwa serve`'s server, src/server): on 127.0.0.1 at
 * `serve.port` while `serve.enabled` is on, answering with the app's assistant settings and API
 * key (which stay in main). Restarted when what it answers with changes; a port in use is a
 * notice and a status, never a crash.
 */
export class ServeHost {
  private server: KaiwaServer | undefined;
  /** What the running server was started with (compared, never logged). */
  private startedWith: { shape: string; apiKey: string | undefined; token: string } | undefined;
  private problem: MainSaid | undefined;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly options: ServeHostOptions) {}

  get status(): ServeStatus {
    return this.server ? { running: true, url: `${this.server.url}${TURN_PATH}` } : { running: false, ...(this.problem ? { problem: messageWords(this.options.t(), this.problem) } : {}) };
  }

  /** Starts, restarts or stops the endpoint to match the settings. */
  apply(settings: Settings, credentials: Credentials): Promise<void> {
    return this.serialise(async () => {
      if (!settings.serve.enabled) {
        this.problem = undefined;
        return this.close();
      }
      const wanted = { shape: shapeOf(settings), apiKey: credentials.apiKey, token: this.options.token() };
      const same = this.startedWith && this.startedWith.shape === wanted.shape && this.startedWith.apiKey === wanted.apiKey && this.startedWith.token === wanted.token;
      if (this.server && same) return;
      await this.close();
      await this.open(settings, credentials, wanted);
    });
  }

  stop(): Promise<void> {
    return this.serialise(() => this.close());
  }

  private async open(settings: Settings, credentials: Credentials, wanted: NonNullable<ServeHost['startedWith']>): Promise<void> {
    const port = settings.serve.port;
    try {
      const localUrl = settings.provider === 'local' && !settings.url ? await this.options.localUrl() : undefined;
      this.server = await startKaiwaServer({
        settings,
        credentials,
        ...(localUrl ? { localUrl } : {}),
        token: wanted.token,
        port,
        log: (line) => this.options.log(this.options.redact(line)),
        ...(this.options.decodeAac ? { decodeAac: this.options.decodeAac } : {}),
      });
      this.startedWith = wanted;
      this.problem = undefined;
      this.options.log(`serve: answering at ${this.server.url}${TURN_PATH}`);
    } catch (error) {
      const inUse = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
      this.problem = inUse ? mainSaid('main.serve.portInUse', { port: String(port) }) : mainSaid('main.serve.failed', { detail: this.options.redact((error as Error).message) });
      this.options.log(`serve: could not start on port ${port}: ${this.options.redact((error as Error).message)}`);
      this.options.notice(this.problem);
    }
  }

  private async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.startedWith = undefined;
    if (server) {
      await server.close().catch(() => undefined);
      this.options.log('serve: stopped');
    }
  }

  private serialise(action: () => Promise<void>): Promise<void> {
    const run = this.chain.then(action, action);
    this.chain = run.catch(() => undefined);
    return run;
  }
}

function shapeOf(settings: Settings): string {
  const rest: Partial<Settings> = { ...settings };
  for (const key of DESKTOP_ONLY) delete rest[key];
  return JSON.stringify(rest);
}
