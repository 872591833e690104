import { useId, useRef, useState } from 'react';
import type { MessageKey } from '../../shared/i18n';
import { useT } from '../i18n';

export interface SecretFieldProps {
  /** The field's classes, its row's class and its data attributes (what styles and tests find it by). */
  className: string;
  rowClassName: string;
  data: Record<`data-${string}`, string>;
  label: string;
  placeholder: string;
  disabled: boolean;
  saveLabel: string;
  clearLabel: string;
  /** A value is stored and may be removed: Clear shows. */
  canClear: boolean;
  /** What the field says of the stored value now. */
  note: string;
  /** Whether the outcome of the last save or clear is said after the note. */
  showMessage: boolean;
  /** Stores the value (null removes it) through main, and says how it went; a rejection says `failedMessage`. */
  save: (value: string | null) => Promise<MessageKey>;
  failedMessage: MessageKey;
}

/**
 * A secret the window writes but never reads back (an API key, an MCP header value): typed into a
 * masked field, handed to main on Save or Enter, and the field emptied; the window only learns
 * whether one is stored.
 */
export function SecretField(props: SecretFieldProps) {
  const t = useT();
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [filled, setFilled] = useState(false);
  const [message, setMessage] = useState<MessageKey | null>(null);

  const store = async (value: string | null) => {
    try {
      const said = await props.save(value);
      if (input.current) input.current.value = '';
      setFilled(false);
      setMessage(said);
    } catch {
      setMessage(props.failedMessage);
    }
  };
  const submit = () => {
    const value = input.current?.value.trim();
    if (value) void store(value);
  };

  return (
    <div className={props.className} {...props.data}>
      <label htmlFor={id}>{props.label}</label>
      <div className={props.rowClassName}>
        <input
          id={id}
          ref={input}
          type="password"
          autoComplete="off"
          spellCheck={false}
          disabled={props.disabled}
          placeholder={props.placeholder}
          onChange={(e) => setFilled(e.target.value.trim().length > 0)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              submit();
            }
          }}
        />
        <button type="button" className="secondary" disabled={!filled || props.disabled} onClick={submit}>
          {props.saveLabel}
        </button>
        {props.canClear && (
          <button type="button" className="secondary danger" onClick={() => void store(null)}>
            {props.clearLabel}
          </button>
        )}
      </div>
      <span className="field-note" role="status">
        {props.note}
        {message && props.showMessage && <span className="key-message"> {t(message)}</span>}
      </span>
    </div>
  );
}
