import type { ShareStatus } from '../../../shared/ipc';
import { fireAndForget, useBridge } from '../../bridge';
import { useT } from '../../i18n';
import './input.css';

/**
 * Shown the whole time a screen or window is shared, in every view and in the quick-talk window:
 * what is shared, and Stop (one click).
 */
export function SharingIndicator({ share, compact = false }: { share: ShareStatus; compact?: boolean }) {
  const bridge = useBridge();
  const t = useT();
  if (!share.sharing) return null;
  const what = share.sourceName ? t('share.indicator.named', { name: share.sourceName }) : t('share.indicator');
  return (
    <div className={`sharing-indicator${compact ? ' compact' : ''}`} role="status" aria-live="polite">
      <span className="sharing-dot" aria-hidden="true" />
      <span className="sharing-words" title={what}>
        {compact ? t('share.indicator') : what}
      </span>
      <button type="button" className="sharing-stop" onClick={() => fireAndForget(bridge.stopSharing())}>
        {t('share.stop')}
      </button>
    </div>
  );
}
