/**
 * `@echogarden/fvad-wasm` (BSD-3-Clause) ships no types: an Emscripten factory for libfvad, the
 * standalone build of WebRTC's voice activity detector. Only what Kaiwa calls is declared.
 */
declare module '@echogarden/fvad-wasm' {
  export interface FvadModule {
    HEAP16: Int16Array;
    _malloc(bytes: number): number;
    _free(pointer: number): void;
    _fvad_new(): number;
    _fvad_free(handle: number): void;
    _fvad_reset(handle: number): void;
    /** 0 (quality) .. 3 (very aggressive); 0 on success. */
    _fvad_set_mode(handle: number, mode: number): number;
    /** 8000, 16000, 32000 or 48000; 0 on success. */
    _fvad_set_sample_rate(handle: number, rate: number): number;
    /** 1 voiced, 0 not, -1 for a frame that is not 10, 20 or 30 ms. */
    _fvad_process(handle: number, frame: number, length: number): number;
  }
  export default function createFvad(options?: { wasmBinary?: Uint8Array }): Promise<FvadModule>;
}
