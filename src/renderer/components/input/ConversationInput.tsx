import type { Kaiwa } from '../../state/useKaiwa';
import { useT } from '../../i18n';
import { ShareButton } from './ShareButton';
import { TypeBox } from './TypeBox';
import type { PictureInput } from './usePictureInput';
import './input.css';

/**
 * Under the transcript: the text field, and (in the main window) the Share button. Pictures are
 * available when main says the conversation's protocol takes them (`picturesSupported`).
 */
export function ConversationInput({ kaiwa, pictures, compact = false }: { kaiwa: Kaiwa; pictures: PictureInput; compact?: boolean }) {
  return (
    <div className={compact ? 'quick-type' : 'input-row'}>
      <TypeBox pictures={pictures} compact={compact} />
      {!compact && <ShareButton share={kaiwa.share} picturesSupported={kaiwa.settings?.picturesSupported ?? true} />}
    </div>
  );
}

/** Over the conversation while a file is dragged over it. */
export function DropOverlay() {
  const t = useT();
  return (
    <div className="drop-overlay" aria-hidden="true">
      {t('pictures.drop')}
    </div>
  );
}
