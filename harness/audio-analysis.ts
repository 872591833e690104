/**
 * Finding a known reply inside a monitor recording that went through the real output path
 * (resampled to the device rate and back, with possible underflow gaps).
 */

/**
 * Where in `reply` the audio heard at `monitor[end - 1]` came from: the best normalised
 * cross-correlation of the `W` samples (default 40 ms) before `end` against `reply` offsets in
 * [from, to). The reply's voice repeats its tune every few seconds, so callers pass a window
 * around a prior.
 */
export function replyPositionAt(monitor: Int16Array, end: number, reply: Int16Array, from: number, to: number, W = 960): { position: number; score: number } {
  const snippet = monitor.subarray(Math.max(0, end - W), end);
  const n = snippet.length;
  let snippetEnergy = 0;
  for (let i = 0; i < n; i++) snippetEnergy += snippet[i]! * snippet[i]!;
  let best = { position: -1, score: -Infinity };
  for (let offset = Math.max(0, from); offset + n <= Math.min(reply.length, to + n); offset++) {
    let dot = 0;
    let energy = 0;
    for (let i = 0; i < n; i++) {
      const r = reply[offset + i]!;
      dot += r * snippet[i]!;
      energy += r * r;
    }
    const score = energy > 0 && snippetEnergy > 0 ? dot / Math.sqrt(energy * snippetEnergy) : -1;
    if (score > best.score) best = { position: offset + n, score };
  }
  return best;
}
