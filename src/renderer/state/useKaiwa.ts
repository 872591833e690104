import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import type { AssistantEvent, KaiwaBridge, SettingsView, ShareStatus } from '../../shared/ipc';
import { LevelStore } from './levelStore';
import { initialUiState, uiReducer, type UiAction } from './reducer';
import type { UiState } from './types';

export interface Kaiwa {
  ui: UiState;
  dispatch: (action: UiAction) => void;
  /** Levels for the pulse; mutated in place, never a React state. */
  levels: LevelStore;
  muted: boolean;
  setMuted: (muted: boolean) => void;
  /** Null until main answers `getSettings`. */
  settings: SettingsView | null;
  setSettings: (view: SettingsView) => void;
  /** Whether a screen or window is shared now (main says so the whole time). */
  share: ShareStatus;
}

/** Subscribes to the bridge once and keeps the conversation's UI state. */
export function useKaiwa(bridge: KaiwaBridge): Kaiwa {
  const [ui, dispatch] = useReducer(uiReducer, initialUiState);
  const levels = useRef(new LevelStore()).current;
  const [muted, setMutedState] = useState(false);
  const [settings, setSettings] = useState<SettingsView | null>(null);
  const [share, setShare] = useState<ShareStatus>({ sharing: false });

  useEffect(() => {
    let live = true;
    let sawState = false;
    const unsubscribe = bridge.onEvents((batch: AssistantEvent[]) => {
      let others: AssistantEvent[] | null = null;
      for (const event of batch) {
        if (event.type === 'levels') levels.set(event);
        else if (event.type === 'muted') setMutedState(event.muted);
        else (others ??= []).push(event);
        if (event.type === 'state') sawState = true;
      }
      if (others) dispatch({ type: 'events', events: others });
    });
    const unsubscribeSettings = bridge.onSettingsChanged((view) => setSettings(view));
    const unsubscribeShare = bridge.onShareStatus((status) => setShare(status));
    bridge.getState().then(
      ({ state, muted }) => {
        if (!live) return;
        // Events that arrived meanwhile are newer than this answer.
        if (!sawState) dispatch({ type: 'events', events: [{ type: 'state', state }] });
        setMutedState(muted);
      },
      () => undefined,
    );
    bridge.getSettings().then((view) => live && setSettings(view), () => undefined);
    return () => {
      live = false;
      unsubscribe();
      unsubscribeSettings();
      unsubscribeShare();
    };
  }, [bridge, levels]);

  const setMuted = useCallback(
    (next: boolean) => {
      setMutedState(next);
      bridge.setMuted(next).catch(() => setMutedState(!next));
    },
    [bridge],
  );

  return { ui, dispatch, levels, muted, setMuted, settings, setSettings, share };
}
