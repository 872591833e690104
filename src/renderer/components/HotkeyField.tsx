import { useState, type KeyboardEvent } from 'react';
import { useT } from '../i18n';
import { acceleratorFromKey, displayAccelerator, isMacPlatform } from '../state/accelerator';

interface Props {
  id: string;
  value: string;
  onChange: (accelerator: string) => void;
  disabled?: boolean;
  'aria-describedby'?: string;
}

/** A key-capture field: focus it, press the shortcut, get an Electron accelerator string. */
export function HotkeyField({ id, value, onChange, disabled, ...aria }: Props) {
  const [capturing, setCapturing] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const t = useT();
  const isMac = isMacPlatform();

  const onKeyDown = (event: KeyboardEvent<HTMLButtonElement>) => {
    if (!capturing) return;
    if (event.key === 'Tab' && !event.ctrlKey && !event.altKey && !event.metaKey) return; // keep keyboard navigation
    event.preventDefault();
    event.stopPropagation();
    const result = acceleratorFromKey(event, isMac);
    if (result.kind === 'pending') return;
    if (result.kind === 'cancel') {
      setCapturing(false);
      setProblem(null);
    } else if (result.kind === 'invalid') {
      setProblem(t(result.reason, { key: result.key }));
    } else {
      onChange(result.accelerator);
      setCapturing(false);
      setProblem(null);
    }
  };

  return (
    <span className="hotkey-field">
      <button
        id={id}
        type="button"
        className={`hotkey-capture${capturing ? ' capturing' : ''}`}
        disabled={disabled}
        onClick={() => setCapturing(true)}
        onKeyDown={onKeyDown}
        onBlur={() => {
          setCapturing(false);
          setProblem(null);
        }}
        aria-describedby={aria['aria-describedby']}
        data-accelerator={value}
      >
        {capturing ? t('hotkey.capture') : <kbd>{displayAccelerator(value, isMac)}</kbd>}
      </button>
      {problem && <span className="field-error">{problem}</span>}
    </span>
  );
}
