import { base64ToPcm16 } from '../src/engine/audio/pcm';

/** What a simulator session recorded as sent: wire objects (or raw text for injected faults). */
type Sent = ReadonlyArray<{ event: unknown }>;

/** Reply audio per item id, in order, rebuilt from the audio deltas a simulator session sent (GA or beta names). */
export function replyAudio(sent: Sent): Map<string, Int16Array> {
  const chunks = new Map<string, Int16Array[]>();
  for (const { event } of sent) {
    if (typeof event !== 'object' || event === null) continue;
    const e = event as { type?: string; item_id?: string; delta?: string };
    if ((e.type === 'response.output_audio.delta' || e.type === 'response.audio.delta') && e.item_id && e.delta) {
      const list = chunks.get(e.item_id) ?? [];
      list.push(base64ToPcm16(e.delta));
      chunks.set(e.item_id, list);
    }
  }
  const out = new Map<string, Int16Array>();
  for (const [id, list] of chunks) {
    const total = list.reduce((n, c) => n + c.length, 0);
    const pcm = new Int16Array(total);
    let at = 0;
    for (const c of list) {
      pcm.set(c, at);
      at += c.length;
    }
    out.set(id, pcm);
  }
  return out;
}

/** Client events of a given type a simulator session received. */
export function receivedOfType<T = Record<string, unknown>>(received: ReadonlyArray<{ event: unknown }>, type: string): T[] {
  return received
    .map((r) => r.event)
    .filter((e): e is T => typeof e === 'object' && e !== null && (e as { type?: unknown }).type === type);
}

/**
 * Finds `reply` in `recording`: where it starts and how many of its samples were played verbatim
 * from there. The start is found from the first non-zero sample of each.
 */
export function locateReply(recording: Int16Array, reply: Int16Array, from = 0): { start: number; played: number } | null {
  const firstReply = reply.findIndex((v) => v !== 0);
  if (firstReply < 0) return null;
  let firstRec = -1;
  for (let i = from; i < recording.length; i++) {
    if (recording[i] !== 0) {
      firstRec = i;
      break;
    }
  }
  if (firstRec < 0) return null;
  const start = firstRec - firstReply;
  if (start < 0) return null;
  let played = 0;
  while (played < reply.length && start + played < recording.length && recording[start + played] === reply[played]) played++;
  return { start, played };
}

/**
 * How much of `reply` the recording played in order from where it starts, letting silence the
 * output inserted (an underrun on a loaded machine: the player ran dry and wrote zeros) sit between
 * samples. Anything else out of place ends the count: a skipped, altered or repeated sample.
 */
export function playedThroughUnderruns(recording: Int16Array, reply: Int16Array, from = 0): number {
  const located = locateReply(recording, reply, from);
  if (!located) return 0;
  let played = 0;
  for (let i = located.start; i < recording.length && played < reply.length; i++) {
    if (recording[i] === reply[played]) played++;
    else if (recording[i] !== 0) break;
  }
  return played;
}

/** True when every sample in [from, to) is zero. */
export function silentBetween(recording: Int16Array, from: number, to: number): boolean {
  for (let i = Math.max(0, from); i < Math.min(to, recording.length); i++) if (recording[i] !== 0) return false;
  return true;
}
