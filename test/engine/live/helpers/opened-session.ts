import { afterEach } from 'vitest';
import type { AssistantEvent } from '../../../../src/engine/events';
import { pcm16ToBase64 } from '../../../../src/engine/audio/pcm';
import type { ReplayRecord } from '../../../../src/engine/session/replay-record';
import type { SettingsInput } from '../../../../src/engine/settings';
import type { SessionTools } from '../../../../src/engine/tools/types';
import { startScriptedLiveServer, type ScriptedLiveServer, type ScriptedSocket } from './live-server';
import { sessionHarness, voice, type SessionHarness } from './session-harness';

type Tools = (emit: (event: AssistantEvent) => void) => SessionTools;

export interface OpenSession {
  /** A LiveSession opened against a new scripted Live server, the server's side started. */
  (overrides?: SettingsInput, record?: ReplayRecord, tools?: Tools): Promise<{ h: SessionHarness; socket: ScriptedSocket; server: ScriptedLiveServer }>;
  /** The server and the session only, for a test that opens it itself. */
  bare(overrides?: SettingsInput): Promise<{ h: SessionHarness; server: ScriptedLiveServer }>;
}

/** For a test file: LiveSessions against scripted Live servers, both closed after each test. */
export function openedSessions(): OpenSession {
  let server: ScriptedLiveServer | null = null;
  let harness: SessionHarness | null = null;
  afterEach(async () => {
    await harness?.close();
    await server?.close();
    harness = server = null;
  });
  const bare = async (overrides: SettingsInput = {}, record?: ReplayRecord, tools?: Tools) => {
    server = await startScriptedLiveServer();
    harness = await sessionHarness(server.url, overrides, record, tools);
    return { h: harness, server };
  };
  const open = async (overrides: SettingsInput = {}, record?: ReplayRecord, tools?: Tools) => {
    const { h, server } = await bare(overrides, record, tools);
    const opening = h.session.open();
    const socket = await server.connection();
    await socket.start();
    await opening;
    return { h, socket, server };
  };
  return Object.assign(open, { bare: (overrides?: SettingsInput) => bare(overrides) });
}

/** The model speaking at the pace of speech: a voiced chunk every `chunkMs`, and its words. */
export function speak(socket: ScriptedSocket, totalMs: number, chunkMs = 40, words: string[] = []): { stop(): void; done: Promise<void> } {
  let sent = 0;
  let word = 0;
  let timer: NodeJS.Timeout;
  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));
  const chunk = pcm16ToBase64(voice(chunkMs));
  const perWord = Math.max(1, Math.floor(totalMs / chunkMs / Math.max(1, words.length)));
  const step = () => {
    if (sent >= totalMs || socket.socket.readyState !== socket.socket.OPEN) return finish();
    if (word < words.length && (sent / chunkMs) % perWord === 0) {
      socket.send({ type: 'session.output_transcript.delta', event_id: `t${word}`, delta: `${words[word++]} `, start_ms: sent, end_ms: sent + chunkMs });
    }
    socket.send({ type: 'session.output_audio.delta', delta: chunk });
    sent += chunkMs;
    timer = setTimeout(step, chunkMs);
  };
  step();
  return { stop: () => (clearTimeout(timer), finish()), done };
}
