import { useCallback, useState, type DragEvent } from 'react';
import { MAX_PICTURE_UPLOAD_BYTES, type PictureUpload } from '../../../shared/ipc';
import { useBridge } from '../../bridge';
import { useT } from '../../i18n';

/** At most this many files from one drop or paste (a folder's worth dropped by mistake is not a conversation). */
const MAX_FILES = 4;

export interface PictureInput {
  /** A file is dragged over the area. */
  dragging: boolean;
  /** Why the last drop or paste could not be handed over, in words; null when it could. */
  problem: string | null;
  /** Handlers for the area that takes drops. */
  dropTarget: {
    onDragEnter: (event: DragEvent) => void;
    onDragOver: (event: DragEvent) => void;
    onDragLeave: (event: DragEvent) => void;
    onDrop: (event: DragEvent) => void;
  };
  /** A paste: true when it held files (they are handed over; the text field keeps nothing). */
  paste: (data: DataTransfer) => boolean;
}

const hasFiles = (data: DataTransfer | null) => data !== null && Array.from(data.types).includes('Files');

/**
 * Dropped and pasted pictures go to main as bytes (`showPicture`). Which bytes are a picture is the
 * engine's call: a file that is not one gets its clear notice from there; only what is too large to
 * carry is refused here, before it is read.
 */
export function usePictureInput(): PictureInput {
  const bridge = useBridge();
  const t = useT();
  const [dragging, setDragging] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const hand = useCallback(
    async (files: readonly File[], source: PictureUpload['source']) => {
      setProblem(null);
      for (const file of files.slice(0, MAX_FILES)) {
        if (file.size > MAX_PICTURE_UPLOAD_BYTES) {
          setProblem(t('pictures.tooLarge', { name: file.name, megabytes: Math.round(MAX_PICTURE_UPLOAD_BYTES / 2 ** 20) }));
          continue;
        }
        try {
          const data = new Uint8Array(await file.arrayBuffer());
          await bridge.showPicture({ data, source, ...(file.name ? { name: file.name } : {}) });
        } catch {
          setProblem(t('pictures.failed', { name: file.name }));
        }
      }
    },
    [bridge, t],
  );

  const onDragOver = (event: DragEvent) => {
    if (!hasFiles(event.dataTransfer)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    setDragging(true);
  };
  const dropTarget = {
    onDragEnter: onDragOver,
    onDragOver,
    onDragLeave: (event: DragEvent) => {
      // Leaving for a child of the area is not leaving the area.
      if (event.currentTarget.contains(event.relatedTarget as Node | null)) return;
      setDragging(false);
    },
    onDrop: (event: DragEvent) => {
      setDragging(false);
      if (!hasFiles(event.dataTransfer)) return;
      event.preventDefault();
      void hand(Array.from(event.dataTransfer.files), 'drop');
    },
  };
  const paste = (data: DataTransfer) => {
    const files = Array.from(data.files);
    if (files.length === 0) return false;
    void hand(files, 'paste');
    return true;
  };
  return { dragging, problem, dropTarget, paste };
}
