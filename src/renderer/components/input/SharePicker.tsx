import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { ShareSource } from '../../../shared/ipc';
import { useBridge } from '../../bridge';
import { useT } from '../../i18n';
import './input.css';

interface Props {
  onClose: () => void;
}

/**
 * What to share: the screens and windows main lists (Kaiwa's own never among them), each a button
 * with its thumbnail. Nothing is captured until one is chosen. Esc or Cancel closes it; focus
 * starts on the first choice and goes back to the Share button when it closes.
 */
export function SharePicker({ onClose }: Props) {
  const bridge = useBridge();
  const t = useT();
  const [sources, setSources] = useState<ShareSource[] | null>(null);
  const [failed, setFailed] = useState(false);
  const first = useRef<HTMLButtonElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    let live = true;
    bridge.listShareSources().then(
      (list) => live && setSources(list),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, [bridge]);
  useEffect(() => {
    (first.current ?? cancel.current)?.focus();
  }, [sources]);

  const choose = async (source: ShareSource) => {
    onClose();
    try {
      await bridge.startSharing(source.id);
    } catch {
      // Main logged why; the indicator shows that nothing is shared.
    }
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape') return;
    event.stopPropagation(); // Esc closes the picker; it does not also interrupt a reply
    onClose();
  };
  const groups = (['screen', 'window'] as const).map((kind) => ({ kind, items: sources?.filter((s) => s.kind === kind) ?? [] }));

  return (
    <div className="share-picker-backdrop">
      <div className="share-picker" role="dialog" aria-modal="true" aria-labelledby="share-picker-title" onKeyDown={onKeyDown}>
        <h2 id="share-picker-title">{t('share.picker.title')}</h2>
        <p className="share-picker-note">{t('share.picker.note')}</p>
        {failed && <p className="field-error" role="alert">{t('share.picker.failed')}</p>}
        {sources === null && !failed && <p className="muted" role="status">{t('share.picker.loading')}</p>}
        {sources?.length === 0 && <p className="muted">{t('share.picker.none')}</p>}
        {groups.map(({ kind, items }, groupIndex) =>
          items.length === 0 ? null : (
            <section key={kind} className="share-group" aria-label={t(kind === 'screen' ? 'share.picker.screens' : 'share.picker.windows')}>
              <h3>{t(kind === 'screen' ? 'share.picker.screens' : 'share.picker.windows')}</h3>
              <ul className="share-sources">
                {items.map((source, index) => (
                  <li key={source.id}>
                    <button
                      type="button"
                      className="share-source"
                      ref={index === 0 && (groupIndex === 0 || groups[0]!.items.length === 0) ? first : undefined}
                      onClick={() => void choose(source)}
                    >
                      {source.thumbnail ? <img src={source.thumbnail} alt="" /> : <span className="share-source-blank" aria-hidden="true" />}
                      <span className="share-source-name">{source.name || t(kind === 'screen' ? 'share.picker.unnamedScreen' : 'share.picker.unnamedWindow')}</span>
                    </button>
                  </li>
                ))}
              </ul>
            </section>
          ),
        )}
        <div className="share-picker-actions">
          <button type="button" className="secondary" ref={cancel} onClick={onClose}>
            {t('share.picker.cancel')}
          </button>
        </div>
      </div>
    </div>
  );
}
