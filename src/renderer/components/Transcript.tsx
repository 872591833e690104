import { memo, useLayoutEffect, useRef, useState } from 'react';
import type { Turn } from '../state/reducer';
import { splitAtPlayed } from '../state/cut';

interface Props {
  turns: readonly Turn[];
  /** Shown when there are no turns yet. */
  emptyText?: string;
  /** Live transcripts follow the newest line; history does not. */
  follow?: boolean;
}

/** Near enough to the bottom to keep following new text (px). */
const STICK_MARGIN = 32;

export function Transcript({ turns, emptyText = 'Your conversation will appear here.', follow = true }: Props) {
  const listRef = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const [behind, setBehind] = useState(false);

  useLayoutEffect(() => {
    const list = listRef.current;
    if (!list || !follow) return;
    if (stick.current) list.scrollTop = list.scrollHeight;
    else setBehind(true);
  }, [turns, follow]);

  const onScroll = () => {
    const list = listRef.current;
    if (!list) return;
    stick.current = list.scrollHeight - list.scrollTop - list.clientHeight < STICK_MARGIN;
    if (stick.current) setBehind(false);
  };

  const jump = () => {
    const list = listRef.current;
    if (!list) return;
    list.scrollTop = list.scrollHeight;
    stick.current = true;
    setBehind(false);
  };

  return (
    <div className="transcript">
      <div className="transcript-list" ref={listRef} onScroll={onScroll} role="log" aria-live="polite" aria-label="Transcript">
        {turns.length === 0 ? <p className="transcript-empty">{emptyText}</p> : turns.map((turn) => <TurnLine key={`${turn.speaker}:${turn.itemId}`} turn={turn} />)}
      </div>
      {behind && follow && (
        <button type="button" className="jump-latest" onClick={jump}>
          Jump to latest ↓
        </button>
      )}
    </div>
  );
}

/** Memoised: a delta changes one turn object; the others keep their identity and skip rendering. */
const TurnLine = memo(function TurnLine({ turn }: { turn: Turn }) {
  const who = turn.speaker === 'user' ? 'You' : 'Kaiwa';
  return (
    <div className={`turn turn-${turn.speaker}${turn.final ? '' : ' turn-live'}${turn.cut ? ' turn-cut' : ''}`} data-item-id={turn.itemId}>
      <div className="turn-speaker">{who}</div>
      <div className="turn-bubble">{turn.cut ? <CutText turn={turn} /> : turn.text || <span className="turn-pending">…</span>}</div>
    </div>
  );
});

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function CutText({ turn }: { turn: Turn }) {
  const cut = turn.cut!;
  const { heard, unheard } = splitAtPlayed(turn.text, cut.playedMs, cut.receivedMs);
  const why = cut.reason === 'barge-in' ? 'You spoke over the reply' : 'You interrupted the reply';
  const title = `${why}: you heard ${seconds(Math.min(cut.playedMs, cut.receivedMs))} of ${seconds(cut.receivedMs)}.`;
  return (
    <>
      {heard && <span className="heard">{heard}</span>}
      <span className="cut-marker" title={title} aria-label={title} role="note">
        cut
      </span>
      {unheard && (
        <span className="unheard" title="Not heard">
          {unheard}
        </span>
      )}
    </>
  );
}
