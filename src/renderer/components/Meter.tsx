import { useEffect, useState } from 'react';
import { meterWords, type MeterReading } from '../../shared/meter-words';
import { useT } from '../i18n';

/** How often the time left is counted down between readings (it is shown in whole minutes). */
const TICK_MS = 5_000;

/** Now, refreshed every `TICK_MS` while `ticking`. */
function useNow(ticking: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!ticking) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), TICK_MS);
    return () => clearInterval(timer);
  }, [ticking]);
  return now;
}

/**
 * The conversation's meter in the status bar: tokens or active minutes, the estimated cost (and
 * the cap), the time left in the current session, and a word when the cap holds the microphone.
 */
export function MeterStatus({ meter }: { meter: MeterReading | null }) {
  const t = useT();
  const now = useNow(meter !== null && !meter.final && meter.sessionExpiresAt !== undefined);
  if (!meter) return null;
  const words = meterWords(t, meter, now);
  return (
    <span className={`status-meter${meter.capReached ? ' cap-reached' : ''}`} role="group" aria-label={t('meter.label')}>
      {words.usage.map((piece) => (
        <span key={piece.text} className="status-usage" title={piece.title}>
          {piece.text}
        </span>
      ))}
      <span className={`status-cost${meter.costUsd === null ? ' unknown' : ''}`} title={words.cost.title}>
        {words.cost.text}
      </span>
      {words.timeLeft && (
        <span className="status-time-left" title={words.timeLeft.title}>
          {words.timeLeft.text}
        </span>
      )}
      {words.capReached && (
        <span className="status-cap" role="status">
          {words.capReached}
        </span>
      )}
    </span>
  );
}
