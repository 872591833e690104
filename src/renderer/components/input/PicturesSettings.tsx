import type { MessageKey } from '../../../shared/i18n';
import type { Settings as SettingsValues, SettingsView } from '../../../shared/ipc';
import { useT } from '../../i18n';
import './input.css';
import { HotkeyField } from '../HotkeyField';
import { Check, Field, Section } from '../SettingsFields';

type Pictures = SettingsValues['pictures'];

interface Props {
  view: SettingsView;
  /** The form's draft (its `pictures` and `hotkeys.look` are shown here); saved with the rest of the form. */
  draft: SettingsValues;
  onChange: (change: Partial<SettingsValues>) => void;
  locked: (path: string) => boolean;
  fieldErrors: (path: string) => string[];
}

const FORMAT_NAMES: Record<Pictures['format'], MessageKey> = {
  jpeg: 'pictures.settings.format.jpeg',
  webp: 'pictures.settings.format.webp',
};

const TARGET_NAMES: Record<Pictures['lookTarget'], MessageKey> = {
  window: 'pictures.settings.lookTarget.window',
  screen: 'pictures.settings.lookTarget.screen',
};

/** Settings › Pictures: how big pictures go, in which format, whether originals are kept, and "look at this". */
export function PicturesSettings({ view, draft, onChange, locked, fieldErrors }: Props) {
  const t = useT();
  const { pictures } = draft;
  const set = (change: Partial<Pictures>) => onChange({ pictures: { ...pictures, ...change } });
  const lookStatus = view.hotkeys.find((h) => h.action === 'look');
  const lookHint =
    lookStatus && !lookStatus.registered
      ? t('settings.hotkey.inactive', { reason: lookStatus.error ?? '' })
      : t('pictures.settings.look.hint');
  return (
    <Section title={t('pictures.settings.section')}>
      {!view.picturesSupported && <p className="field-note picture-unsupported-note">{t('pictures.unsupported')}</p>}
      <Field label={t('pictures.settings.maxSide')} path="pictures.maxSide" locked={locked('pictures.maxSide')} errors={fieldErrors('pictures.maxSide')} hint={t('pictures.settings.maxSide.hint')}>
        {(id, describedBy) => (
          <input id={id} aria-describedby={describedBy} type="number" min={256} max={2048} step={64} value={pictures.maxSide} readOnly={locked('pictures.maxSide')} onChange={(e) => set({ maxSide: e.target.valueAsNumber })} />
        )}
      </Field>
      <Field label={t('pictures.settings.format')} path="pictures.format" locked={locked('pictures.format')} errors={fieldErrors('pictures.format')} hint={t('pictures.settings.format.hint')}>
        {(id, describedBy) => (
          <select id={id} aria-describedby={describedBy} value={pictures.format} disabled={locked('pictures.format')} onChange={(e) => set({ format: e.target.value as Pictures['format'] })}>
            {(Object.keys(FORMAT_NAMES) as Pictures['format'][]).map((f) => (
              <option key={f} value={f}>
                {t(FORMAT_NAMES[f])}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t('pictures.settings.lookTarget')} path="pictures.lookTarget" locked={locked('pictures.lookTarget')} errors={fieldErrors('pictures.lookTarget')}>
        {(id, describedBy) => (
          <select id={id} aria-describedby={describedBy} value={pictures.lookTarget} disabled={locked('pictures.lookTarget')} onChange={(e) => set({ lookTarget: e.target.value as Pictures['lookTarget'] })}>
            {(Object.keys(TARGET_NAMES) as Pictures['lookTarget'][]).map((target) => (
              <option key={target} value={target}>
                {t(TARGET_NAMES[target])}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t('pictures.settings.look')} path="hotkeys.look" locked={locked('hotkeys.look')} errors={fieldErrors('hotkeys.look')} hint={lookHint}>
        {(id, describedBy) => <HotkeyField id={id} aria-describedby={describedBy} value={draft.hotkeys.look} disabled={locked('hotkeys.look')} onChange={(look) => onChange({ hotkeys: { ...draft.hotkeys, look } })} />}
      </Field>
      <Check label={t('pictures.settings.keepOriginals')} hint={t('pictures.settings.keepOriginals.hint')} checked={pictures.keepOriginals} locked={locked('pictures.keepOriginals')} onChange={(keepOriginals) => set({ keepOriginals })} />
    </Section>
  );
}
