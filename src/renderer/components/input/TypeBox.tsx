import { useId, useState, type ClipboardEvent, type FormEvent, type KeyboardEvent } from 'react';
import { useBridge } from '../../bridge';
import { useT } from '../../i18n';
import type { PictureInput } from './usePictureInput';

interface Props {
  /** Drop and paste of pictures (the conversation area's hook). */
  pictures: PictureInput;
  /** The quick-talk window: one short line. */
  compact?: boolean;
}

/**
 * The Enter that ends an IME composition (Japanese kana-kanji conversion) confirms the words; it
 * must not send them. Chromium marks that keydown `isComposing` with keyCode 229; Safari sends
 * compositionend first but keeps keyCode 229.
 */
export function endsComposition(event: Pick<KeyboardEvent, 'nativeEvent' | 'keyCode'>): boolean {
  return event.nativeEvent.isComposing || event.keyCode === 229;
}

/**
 * Typed words, under the transcript: Enter sends (Shift+Enter is a new line), a turn of the
 * running conversation that the model answers aloud; a playing reply is interrupted first (main
 * and the engine do that). Text stays in the field until main accepts it.
 */
export function TypeBox({ pictures, compact = false }: Props) {
  const bridge = useBridge();
  const t = useT();
  const id = useId();
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const [failed, setFailed] = useState(false);
  const empty = text.trim() === '';

  const send = async () => {
    if (empty || sending) return;
    setSending(true);
    setFailed(false);
    try {
      // Not accepted: the engine said why in a notice; the words stay for another try.
      const { accepted } = await bridge.sendText(text.trim());
      if (accepted) setText('');
    } catch {
      setFailed(true);
    } finally {
      setSending(false);
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key !== 'Enter' || event.shiftKey || endsComposition(event)) return;
    event.preventDefault();
    void send();
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void send();
  };
  const onPaste = (event: ClipboardEvent<HTMLTextAreaElement>) => {
    if (pictures.paste(event.clipboardData)) event.preventDefault();
  };
  const problem = failed ? t('typing.failed') : pictures.problem;

  return (
    <form className={`type-box${compact ? ' compact' : ''}`} onSubmit={onSubmit} aria-label={t('typing.form')}>
      <label htmlFor={id} className="visually-hidden">
        {t('typing.label')}
      </label>
      <textarea
        id={id}
        className="type-field"
        rows={1}
        value={text}
        placeholder={t(compact ? 'typing.placeholderShort' : 'typing.placeholder')}
        enterKeyHint="send"
        aria-describedby={problem ? `${id}-problem` : undefined}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
        onPaste={onPaste}
      />
      <button type="submit" className="type-send" disabled={empty || sending}>
        {t('typing.send')}
      </button>
      {problem && (
        <p id={`${id}-problem`} className="type-problem" role="alert">
          {problem}
        </p>
      )}
    </form>
  );
}
