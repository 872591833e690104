import { Assistant, AssistantError, pictureUnsupportedSaid, resolveProtocol, type AssistantEvent, type AssistantState, type Said } from '../engine';
import { startSimulator } from '../simulator';
import type { ConsentAnswer, ConsentRequest } from '../engine';
import { chooseLanguage, createI18n, keyed, languageFromEnv, messageWords, saidWords } from '../shared/i18n';
import { parseFlags, UsageError, usage, type CliFlags } from './args';
import { createDevices, describeAudioDevices, DeviceSetupError, readInputRecording, STDIO } from './devices';
import { ConversationFile } from '../engine/conversation-log/file';
import type { CliIo } from './io';
import { runServe } from './serve';
import { PlainUi, sessionLine, TtyUi, type ConsentKey, type Ui } from './ui';
import { TerminalToolHost } from './tool-host';
import { imageCommandPath, PictureFiles } from './picture-file';
import { kaiwaVersion } from './version';

const STDOUT_PATHS = ['/dev/stdout', '/dev/fd/1', '/proc/self/fd/1'];

/** After the input file ends, the conversation is over once it has been quiet this long. */
const SETTLE_MS = 1_200;

/** Runs the CLI; resolves with the exit code. Failures print one line on stderr, never a stack. */
export async function runCli(io: CliIo): Promise<number> {
  if (io.argv[0] === 'serve') return runServe({ ...io, argv: io.argv.slice(1) });
  let flags: CliFlags;
  try {
    flags = parseFlags(io.argv, io.env);
  } catch (error) {
    // The flags did not parse, so neither did --language: the environment's language speaks.
    if (error instanceof UsageError) return fail(io, error.describe(createI18n(chooseLanguage('system', languageFromEnv(io.env))).t), 2);
    throw error;
  }
  const i18n = createI18n(chooseLanguage(flags.settings.language, languageFromEnv(io.env)));
  const t = i18n.t;
  if (flags.help) {
    io.stdout.write(usage(i18n.t));
    return 0;
  }
  if (flags.version) {
    io.stdout.write(`${t('cli.version', { version: kaiwaVersion() })}\n`);
    return 0;
  }
  if (flags.listDevices) {
    try {
      io.stdout.write(`${(await describeAudioDevices(t)).join('\n')}\n`);
      return 0;
    } catch (error) {
      return fail(io, t('cli.failed.device', { detail: (error as Error).message }), 1);
    }
  }

  const cleanups: Array<() => Promise<void> | void> = [];
  const cleanup = async () => {
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch {
        // Best effort: the process is ending.
      }
    }
    cleanups.length = 0;
  };

  try {
    // Everything that can be wrong with the command line is found before a device is opened.
    const inputAudio = flags.input ? await readInputRecording(flags.input, io.stdin) : undefined;
    // `--output /dev/stdout` is `--output -`: the stream, with every line for people on stderr.
    if (flags.output && STDOUT_PATHS.includes(flags.output)) flags = { ...flags, output: STDIO };
    const audioOnStdout = flags.output === STDIO;
    const lines = audioOnStdout ? io.stderr : io.stdout;
    // `--transcript FILE.jsonl`: the conversation in the format of the desktop app's history.
    let log: ConversationFile | undefined;
    if (flags.transcript) {
      try {
        log = ConversationFile.open(flags.transcript, { mode: 'truncate' });
      } catch (error) {
        throw new DeviceSetupError(keyed('cli.device.transcriptUnwritable', { path: flags.transcript, detail: (error as Error).message }));
      }
      const opened = log;
      cleanups.push(() => opened.close());
    }
    const devices = await createDevices({ ...flags, ...(inputAudio ? { inputAudio } : {}), stdout: io.stdout });

    let localUrl = flags.localUrl;
    if (flags.startSimulator) {
      const toolCalls = flags.toolCalls;
      const simulator = await startSimulator({
        port: 0,
        dialect: flags.settings.dialect,
        ...(toolCalls.length > 0 ? { realtime: { toolCalls }, live: { toolCalls } } : {}),
      });
      cleanups.push(() => simulator.close());
      localUrl = simulator.url;
    }

    // Tools act from this process: the clipboard, browser and notifications of this machine.
    let showLine: (line: string) => void = (line) => lines.write(`${line}\n`);
    const toolHost = new TerminalToolHost({
      env: io.env,
      words: (words) => (typeof words === 'string' ? words : saidWords(t, words)),
      line: (title, body) => showLine(t('cli.notification', { title, body })),
    });
    const assistant = new Assistant({
      settings: flags.settings,
      credentials: flags.credentials,
      input: devices.input,
      output: devices.output,
      ...(localUrl ? { localUrl } : {}),
      toolHost,
      // "Always allow" lasts for this run: the terminal keeps no settings file.
    });
    cleanups.push(() => assistant.dispose());
    const pictureFiles = new PictureFiles(assistant, t, (line) => showLine(line));

    let quit!: (code: number) => void;
    const finished = new Promise<number>((resolve) => (quit = resolve));
    const manual = flags.settings.turnDetection.mode === 'manual';

    // A reader of our output that goes away (`| head`) ends the run cleanly, never with a stack.
    // Left attached: lines written while the run winds down may still meet the closed pipe.
    io.stdout.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') quit(0);
    });
    io.stderr.on('error', () => {});
    void devices.outputClosed?.then(() => quit(0));

    const ui: Ui =
      !audioOnStdout && io.stdout.isTTY && io.stdin.isTTY && flags.input !== STDIO
        ? new TtyUi(t, io.stdout, io.stdin, {
            interrupt: () => assistant.interrupt(),
            toggleTalk: () => (talking ? assistant.stopTalking() : assistant.startTalking()),
            quit: () => quit(0),
            type: (line) => {
              const path = imageCommandPath(line, io.env.HOME);
              if (path === undefined) assistant.sendText(line);
              else void pictureFiles.show(path);
            },
          }, manual, resolveProtocol(flags.settings))
        : new PlainUi(t, lines);
    cleanups.push(() => ui.close());
    showLine = (line) => ui.info(line);
    // Consent is asked on the terminal when someone is there to answer (a TTY, not a recording).
    const canAsk = !flags.input;
    const askConsent = (request: ConsentRequest) => {
      const what = saidWords(t, request.said);
      const asked = canAsk && ui.ask(request.id, t('cli.consent.ask', { what }), (key) => assistant.answerConsent(request.id, CONSENT_KEYS[key]));
      if (asked) return;
      ui.info(t('cli.consent.cannotAsk', { what }));
      assistant.answerConsent(request.id, 'deny');
    };
    let talking = false;
    let fatal = null as Said | null; // set by the listener

    const states = new StateWatch();
    assistant.subscribe((event: AssistantEvent) => {
      if (event.type === 'state') {
        states.set(event.state);
        talking = manual && event.state === 'user-speaking';
      }
      log?.record(event);
      if (event.type === 'consent.request') return askConsent(event);
      if (event.type === 'consent.settled') {
        ui.settled(event.id);
        ui.info(t(SETTLED[event.answer]));
        return;
      }
      if (event.type === 'notice') {
        const aboutPicture = pictureFiles.noticeLine(event);
        if (aboutPicture) return ui.info(aboutPicture);
      }
      if (event.type === 'error' && event.fatal) {
        // Shown once, on stderr, when the run ends.
        fatal = event;
        quit(1);
        return;
      }
      ui.show(event);
    });

    // A requested shutdown is clean (WAV finalised, socket closed) and exits 128 + the signal number.
    cleanups.push(io.onSignal((signal) => quit(signal === 'SIGINT' ? 130 : 143)));
    ui.info(sessionLine(t, flags.settings));
    for (const note of devices.notes) ui.info(messageWords(t, note));

    /** `--image`: shown before the first turn is committed (the engine sees to it), one line for each that cannot be. */
    const showPictures = async (paths: string[]) => {
      if (paths.length === 0) return;
      const unsupported = pictureUnsupportedSaid(flags.settings);
      if (unsupported) return ui.info(saidWords(t, unsupported));
      await Promise.all(paths.map((path) => pictureFiles.show(path)));
    };

    try {
      await assistant.start();
    } catch (error) {
      if (error instanceof AssistantError) {
        await cleanup();
        return fail(io, saidWords(t, error.said), 1);
      }
      throw error;
    }

    if (flags.durationMs) {
      const timer = setTimeout(() => quit(0), flags.durationMs);
      cleanups.push(() => clearTimeout(timer));
    }
    const pictures = showPictures(flags.images);
    if (flags.texts.length > 0) {
      void (async () => {
        await pictures;
        for (const text of flags.texts) {
          const replies = states.replies;
          if (assistant.sendText(text)) await states.replyAfter(replies);
        }
        // Like the end of --input: with --output the run is a script, and it is done.
        if (flags.output) quit(0);
      })();
    }
    if (devices.inputFinished) {
      if (manual) assistant.startTalking();
      void devices.inputFinished.then(async () => {
        if (manual) assistant.stopTalking();
        await states.quietFor(SETTLE_MS);
        quit(0);
      });
    }

    const code = await finished;
    await cleanup();
    if (fatal) return fail(io, saidWords(t, fatal), 1);
    return code;
  } catch (error) {
    await cleanup();
    if (error instanceof AssistantError) return fail(io, saidWords(t, error.said), 1);
    if (error instanceof DeviceSetupError) return fail(io, error.describe(t), 1);
    return fail(io, t('cli.failed.unexpected', { detail: (error as Error).message }), 1);
  }
}

const CONSENT_KEYS: Record<ConsentKey, ConsentAnswer> = { y: 'allow', n: 'deny', a: 'allow-always' };
const SETTLED = {
  allow: 'cli.consent.allowed',
  'allow-always': 'cli.consent.allowedAlways',
  deny: 'cli.consent.denied',
  timeout: 'cli.consent.timedOut',
} as const satisfies Record<ConsentAnswer | 'timeout', string>;

function fail(io: CliIo, message: string, code: number): number {
  io.stderr.write(`kaiwa: ${message.split('\n')[0]}\n`);
  return code;
}

/** A typed turn whose reply has not begun by then is given up on (the next one goes, or the run ends). */
const REPLY_START_MS = 15_000;

/** Tracks the assistant's state to tell when a conversation has gone quiet. */
class StateWatch {
  private state: AssistantState = 'idle';
  private since = performance.now();
  private waiters: Array<() => void> = [];
  /** Replies begun so far (the model thinking or speaking after listening). */
  replies = 0;

  set(state: AssistantState): void {
    if (state === this.state) return;
    if ((state === 'thinking' || state === 'speaking') && this.state !== 'thinking' && this.state !== 'speaking') this.replies++;
    this.state = state;
    this.since = performance.now();
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** Resolves once the assistant has been listening (nothing said, nothing coming) for `ms`. */
  async quietFor(ms: number): Promise<void> {
    for (;;) {
      if (this.state === 'listening' || this.state === 'idle' || this.state === 'error') {
        const left = ms - (performance.now() - this.since);
        if (left <= 0) return;
        const changed = await this.changeOr(left);
        if (!changed) return;
      } else {
        await this.changeOr(Number.POSITIVE_INFINITY);
      }
    }
  }

  /** Resolves once a reply begun after `replies` were counted has ended and the conversation is quiet. */
  async replyAfter(replies: number): Promise<void> {
    const deadline = performance.now() + REPLY_START_MS;
    while (this.replies === replies) {
      const left = deadline - performance.now();
      if (left <= 0 || !(await this.changeOr(left))) return;
    }
    await this.quietFor(SETTLE_MS);
  }

  private changeOr(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = Number.isFinite(ms)
        ? setTimeout(() => {
            this.waiters = this.waiters.filter((w) => w !== wake);
            resolve(false);
          }, ms)
        : undefined;
      this.waiters.push(wake);
    });
  }
}
