/** `audio-type` (MIT) ships no types: the container a recording's first bytes name ('m4a', 'mp3', 'flac', 'opus', 'oga'...), or undefined. */
declare module 'audio-type' {
  export default function audioType(bytes: Uint8Array | ArrayBuffer): string | undefined;
}
