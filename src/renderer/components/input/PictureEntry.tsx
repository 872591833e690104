import { memo } from 'react';
import type { MessageKey } from '../../../shared/i18n';
import type { PictureSummary } from '../../../shared/ipc';
import { useT } from '../../i18n';
import './input.css';
import type { PictureLine } from '../../state/types';

const SOURCE_KEYS: Record<PictureSummary['source'], MessageKey> = {
  file: 'pictures.source.file',
  screen: 'pictures.source.screen',
  window: 'pictures.source.window',
  paste: 'pictures.source.paste',
  drop: 'pictures.source.drop',
  endpoint: 'pictures.source.endpoint',
};

/** A picture the conversation was shown: its small thumbnail (all the window ever holds of it), where it came from, its size. */
export const PictureEntry = memo(function PictureEntry({ line }: { line: PictureLine }) {
  const t = useT();
  const { picture } = line;
  const label = t('pictures.shown', { source: t(SOURCE_KEYS[picture.source]), width: picture.width, height: picture.height });
  return (
    <figure className="picture-line" data-item-id={line.itemId}>
      <img className="picture-thumb" src={picture.thumbnail} alt={label} />
      <figcaption>
        {label}
        {picture.name && <span className="picture-name"> · {picture.name}</span>}
      </figcaption>
    </figure>
  );
});
