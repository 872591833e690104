import { base64ToPcm16, msToSamples } from '../../engine/audio/pcm';
import type { AudioSource } from '../audio-source';

/**
 * `session.output_audio.fixture.play` as `openai/resources/live/live` documents it: one complete
 * audio fixture, raw mono PCM16 little-endian at 24 kHz whatever the session's format, no container
 * header, at most 30 s; the whole payload is checked before anything is interrupted. (The types do
 * not name the service's error codes for a refused fixture; these are the simulator's.)
 */

export const FIXTURE_MAX_MS = 30_000;

export type FixtureCheck = { ok: true; pcm: Int16Array } | { ok: false; code: string; message: string };

export function checkFixture(audio: string): FixtureCheck {
  let pcm: Int16Array;
  try {
    pcm = base64ToPcm16(audio);
  } catch (err) {
    return { ok: false, code: 'invalid_value', message: `Invalid 'audio': ${(err as Error).message}.` };
  }
  if (pcm.length === 0) return { ok: false, code: 'invalid_value', message: "Invalid 'audio': the fixture is empty." };
  if (hasContainerHeader(pcm)) {
    return { ok: false, code: 'invalid_value', message: "Invalid 'audio': send raw PCM16 without a WAV or other container header." };
  }
  if (pcm.length > msToSamples(FIXTURE_MAX_MS)) {
    return { ok: false, code: 'invalid_value', message: `Invalid 'audio': a fixture is at most ${FIXTURE_MAX_MS / 1000} seconds of 24 kHz PCM16.` };
  }
  return { ok: true, pcm };
}

/** A WAV ('RIFF'...'WAVE'), Ogg ('OggS') or FLAC ('fLaC') file, read as samples. */
function hasContainerHeader(pcm: Int16Array): boolean {
  const bytes = Buffer.from(pcm.buffer, pcm.byteOffset, Math.min(pcm.byteLength, 12));
  const tag = bytes.toString('latin1', 0, 4);
  if (tag === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WAVE') return true;
  return tag === 'OggS' || tag === 'fLaC';
}

/** The fixture's samples as an AudioSource for PacedReply. */
export class FixtureAudio implements AudioSource {
  private position = 0;
  constructor(private readonly pcm: Int16Array) {}

  get totalSamples(): number {
    return this.pcm.length;
  }

  get remaining(): number {
    return this.pcm.length - this.position;
  }

  render(out: Int16Array): number {
    const n = Math.min(out.length, this.remaining);
    out.set(this.pcm.subarray(this.position, this.position + n));
    this.position += n;
    return n;
  }
}
