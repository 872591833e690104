import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { FvadModule } from '@echogarden/fvad-wasm';

/** WebRTC's VAD works on 10, 20 or 30 ms at 8/16/32/48 kHz: Kaiwa feeds it 10 ms at 16 kHz. */
export const VAD_SAMPLE_RATE = 16_000;
export const VAD_FRAME_SAMPLES = VAD_SAMPLE_RATE / 100;

/**
 * How aggressively it calls a frame unvoiced: 0 (most voice kept) .. 3. Modes 2 and 3 measured
 * the same on speech and echo here (bench/vad.ts); 3 rejects more steady noise (fans, hum).
 */
export type VadMode = 0 | 1 | 2 | 3;

export class VadError extends Error {
  override name = 'VadError';
}

/**
 * WebRTC's voice activity detector (libfvad, compiled to WebAssembly by `@echogarden/fvad-wasm`):
 * one instance per stream, since it keeps noise statistics from frame to frame. A 10 ms frame
 * costs ~6 µs here (bench/vad.ts).
 */
export class WebRtcVad {
  private readonly handle: number;
  private readonly buffer: number;
  private destroyed = false;

  private constructor(
    private readonly wasm: FvadModule,
    private readonly mode: VadMode,
  ) {
    this.handle = wasm._fvad_new();
    if (!this.handle) throw new VadError('WebRTC VAD: out of memory');
    this.buffer = wasm._malloc(VAD_FRAME_SAMPLES * 2);
    this.configure();
  }

  static async create(mode: VadMode = 3): Promise<WebRtcVad> {
    return new WebRtcVad(await loadModule(), mode);
  }

  /** Whether a 10 ms frame of 16 kHz PCM16 is voiced. */
  isVoiced(frame: Int16Array): boolean {
    if (this.destroyed) throw new VadError('WebRTC VAD: used after destroy()');
    if (frame.length !== VAD_FRAME_SAMPLES) throw new VadError(`WebRTC VAD: a frame is ${VAD_FRAME_SAMPLES} samples, not ${frame.length}`);
    // HEAP16 is re-read each time: the WebAssembly memory may have grown and replaced it.
    this.wasm.HEAP16.set(frame, this.buffer >> 1);
    return this.wasm._fvad_process(this.handle, this.buffer, VAD_FRAME_SAMPLES) === 1;
  }

  /** Forgets the noise statistics (a new stream). */
  reset(): void {
    if (this.destroyed) return;
    this.wasm._fvad_reset(this.handle);
    this.configure();
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.wasm._free(this.buffer);
    this.wasm._fvad_free(this.handle);
  }

  private configure(): void {
    if (this.wasm._fvad_set_mode(this.handle, this.mode) !== 0 || this.wasm._fvad_set_sample_rate(this.handle, VAD_SAMPLE_RATE) !== 0) {
      throw new VadError('WebRTC VAD: the mode or sample rate was refused');
    }
  }
}

let loading: Promise<FvadModule> | null = null;

/**
 * One compiled module for the process. The .wasm is read by its package path and handed over,
 * rather than left to the glue code's `import.meta.url`, which a bundle (electron-vite) rewrites.
 */
function loadModule(): Promise<FvadModule> {
  loading ??= (async () => {
    try {
      const require = createRequire(import.meta.url);
      const wasmBinary = await readFile(require.resolve('@echogarden/fvad-wasm/fvad.wasm'));
      const { default: createFvad } = await import('@echogarden/fvad-wasm');
      return await createFvad({ wasmBinary });
    } catch (error) {
      loading = null;
      throw new VadError(`WebRTC VAD did not load: ${(error as Error).message.split('\n')[0]}`);
    }
  })();
  return loading;
}
