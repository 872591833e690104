import { createContext, useContext, type ReactNode } from 'react';
import type { KaiwaBridge } from '../shared/ipc';

/**
 * The one way components reach main: the preload's `window.kaiwa`, passed down by context so tests
 * can hand in a scripted bridge.
 */
const BridgeContext = createContext<KaiwaBridge | null>(null);

export function BridgeProvider({ bridge, children }: { bridge: KaiwaBridge; children: ReactNode }) {
  return <BridgeContext.Provider value={bridge}>{children}</BridgeContext.Provider>;
}

export function useBridge(): KaiwaBridge {
  const bridge = useContext(BridgeContext);
  if (!bridge) throw new Error('useBridge outside BridgeProvider');
  return bridge;
}

/** Runs a bridge call whose failure has nowhere better to go than the console (main logs it too). */
export function fireAndForget(call: Promise<unknown>): void {
  call.catch((error: unknown) => console.error('[kaiwa]', error instanceof Error ? error.message : error));
}
