import { useId, type ReactNode } from 'react';
import { useT } from '../i18n';

/** The settings form's building blocks: a section, a labelled field with its note, a checkbox. */

export function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <fieldset className="settings-section">
      <legend>{title}</legend>
      {children}
    </fieldset>
  );
}

export interface FieldProps {
  label: string;
  path: string;
  locked: boolean;
  errors: string[];
  hint?: string | undefined;
  wide?: boolean;
  children: (id: string, describedBy: string | undefined) => ReactNode;
}

export function Field({ label, path, locked, errors, hint, wide, children }: FieldProps) {
  const t = useT();
  const id = useId();
  const noteId = `${id}-note`;
  const hasNote = locked || errors.length > 0 || Boolean(hint);
  return (
    <div className={`field${wide ? ' wide' : ''}${errors.length ? ' invalid' : ''}${locked ? ' locked' : ''}`} data-path={path}>
      <label htmlFor={id}>{label}</label>
      {children(id, hasNote ? noteId : undefined)}
      {hasNote && (
        <span id={noteId} className="field-note">
          {locked && <span className="locked-note">{t('settings.envLocked')}</span>}
          {errors.map((e) => (
            <span key={e} className="field-error">
              {e}
            </span>
          ))}
          {!locked && errors.length === 0 && hint}
        </span>
      )}
    </div>
  );
}

export function Check({ label, hint, checked, locked, onChange }: { label: string; hint?: string; checked: boolean; locked: boolean; onChange: (checked: boolean) => void }) {
  const t = useT();
  return (
    <label className="check">
      <input type="checkbox" checked={checked} disabled={locked} onChange={(e) => onChange(e.target.checked)} />
      <span>
        {label}
        {hint && <span className="field-note">{hint}</span>}
        {locked && <span className="locked-note">{t('settings.envLocked')}</span>}
      </span>
    </label>
  );
}
