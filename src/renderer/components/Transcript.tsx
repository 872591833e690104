import { memo, useLayoutEffect, useRef, useState } from 'react';
import { cutReply, heardFraction } from '../../engine/text/cut';
import { useT } from '../i18n';
import { isTurn } from '../state/reducer';
import type { TranscriptLine, Turn } from '../state/types';
import { ToolActivity } from './tools/ToolActivity';
import { PictureEntry } from './input/PictureEntry';

interface Props {
  turns: readonly TranscriptLine[];
  /** Shown when there are no turns yet. */
  emptyText?: string;
  /** Live transcripts follow the newest line; history does not. */
  follow?: boolean;
}

/** Near enough to the bottom to keep following new text (px). */
const STICK_MARGIN = 32;

export function Transcript({ turns, emptyText, follow = true }: Props) {
  const t = useT();
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
      <div className="transcript-list" ref={listRef} onScroll={onScroll} role="log" aria-live="polite" aria-label={t('transcript.label')}>
        {turns.length === 0 ? <p className="transcript-empty">{emptyText ?? t('transcript.empty')}</p> : turns.map((line) => (isTurn(line) ? <TurnLine key={`${line.speaker}:${line.itemId}`} turn={line} /> : line.kind === 'tool' ? <ToolActivity key={`tool:${line.callId}`} line={line} /> : <PictureEntry key={`picture:${line.itemId}`} line={line} />))}
      </div>
      {behind && follow && (
        <button type="button" className="jump-latest" onClick={jump}>
          {t('transcript.jump')}
        </button>
      )}
    </div>
  );
}

/** Memoised: a delta changes one turn object; the others keep their identity and skip rendering. */
const TurnLine = memo(function TurnLine({ turn }: { turn: Turn }) {
  const t = useT();
  const who = turn.speaker === 'user' ? t('transcript.user') : t('transcript.assistant');
  return (
    <div className={`turn turn-${turn.speaker}${turn.final ? '' : ' turn-live'}${turn.cut ? ' turn-cut' : ''}${turn.typed ? ' turn-typed' : ''}`} data-item-id={turn.itemId}>
      <div className="turn-speaker">
        {who}
        {turn.typed && <span className="turn-typed-mark"> · {t('transcript.typed')}</span>}
      </div>
      <div className="turn-bubble">{turn.cut ? <CutText turn={turn} /> : turn.text || <span className="turn-pending">…</span>}</div>
    </div>
  );
});

/** The same cut the engine's history keeps (engine/text/cut). */
function CutText({ turn }: { turn: Turn }) {
  const t = useT();
  const cut = turn.cut!;
  const { heard, unheard } = cutReply(turn.text, heardFraction(cut.playedMs, cut.receivedMs));
  const played = Math.min(cut.playedMs, cut.receivedMs);
  const title = t(cut.reason === 'barge-in' ? 'transcript.cutBargeIn' : 'transcript.cutUser', { played, received: cut.receivedMs });
  return (
    <>
      {heard && <span className="heard">{heard}</span>}
      <span className="cut-marker" title={title} aria-label={title} role="note">
        {t('transcript.cut')}
      </span>
      {unheard && (
        <span className="unheard" title={t('transcript.notHeard')}>
          {unheard}
        </span>
      )}
    </>
  );
}
