import { useId, useState } from 'react';
import type { MessageKey } from '../../shared/i18n';
import type { Settings as SettingsValues, UpdateProblem, UpdateStatus } from '../../shared/ipc';
import { useBridge } from '../bridge';
import { useLanguage, useT } from '../i18n';
import { useUpdateStatus } from '../state/useUpdates';
import './updates.css';

type UpdateSettings = SettingsValues['updates'];

interface Props {
  /** The form's draft of the updates settings; saved with the rest of the form. */
  updates: UpdateSettings;
  channels: readonly UpdateSettings['channel'][];
  onChange: (updates: UpdateSettings) => void;
  locked: (path: string) => boolean;
  fieldErrors: (path: string) => string[];
}

const CHANNEL_NAMES: Record<UpdateSettings['channel'], MessageKey> = {
  stable: 'settings.updates.channel.stable',
  beta: 'settings.updates.channel.beta',
};

const PROBLEM_WORDS: Record<UpdateProblem, MessageKey> = {
  network: 'updates.problem.network',
  feed: 'updates.problem.feed',
  hash: 'updates.problem.hash',
  signature: 'updates.problem.signature',
  other: 'updates.problem.other',
};

/** The Updates section of Settings: on or off, the channel, a self-hosted feed, "Check now" and how the last check went. */
export function UpdatesSettings({ updates, channels, onChange, locked, fieldErrors }: Props) {
  const bridge = useBridge();
  const t = useT();
  const status = useUpdateStatus(bridge);
  const [asked, setAsked] = useState(false);
  const channelId = useId();
  const feedId = useId();
  const checking = asked || status?.phase === 'checking';
  const canCheck = status !== null && status.mode !== 'none' && status.enabled && !checking;
  const checkNow = () => {
    setAsked(true);
    bridge.checkForUpdates().finally(() => setAsked(false)).catch(() => undefined);
  };
  const feedErrors = fieldErrors('updates.feed');

  return (
    <fieldset className="settings-section" data-section="updates">
      <legend>{t('settings.section.updates')}</legend>
      {status && (
        <p className="field-note" data-path="updates.version">
          {t('settings.updates.version', { version: status.version })} {status.mode !== 'self' && t(status.mode === 'notify' ? 'settings.updates.mode.notify' : 'settings.updates.mode.none')}
        </p>
      )}
      <label className="check">
        <input type="checkbox" checked={updates.enabled} disabled={locked('updates.enabled')} onChange={(e) => onChange({ ...updates, enabled: e.target.checked })} />
        <span>
          {t('settings.updates.enabled')}
          <span className="field-note">{t('settings.updates.enabled.hint')}</span>
        </span>
      </label>
      <div className="field" data-path="updates.channel">
        <label htmlFor={channelId}>{t('settings.updates.channel')}</label>
        <select id={channelId} value={updates.channel} disabled={locked('updates.channel')} onChange={(e) => onChange({ ...updates, channel: e.target.value as UpdateSettings['channel'] })}>
          {channels.map((c) => (
            <option key={c} value={c}>
              {t(CHANNEL_NAMES[c])}
            </option>
          ))}
        </select>
      </div>
      <div className={`field wide${feedErrors.length ? ' invalid' : ''}`} data-path="updates.feed">
        <label htmlFor={feedId}>{t('settings.updates.feed')}</label>
        <input id={feedId} type="url" value={updates.feed ?? ''} readOnly={locked('updates.feed')} placeholder="https://…" aria-describedby={`${feedId}-note`} onChange={(e) => onChange({ ...updates, feed: e.target.value || undefined })} />
        <span id={`${feedId}-note`} className="field-note">
          {feedErrors.length > 0
            ? feedErrors.map((e) => (
                <span key={e} className="field-error">
                  {e}
                </span>
              ))
            : t('settings.updates.feed.hint')}
        </span>
      </div>
      <div className="updates-check">
        <button type="button" className="secondary" disabled={!canCheck} onClick={checkNow}>
          {checking ? t('settings.updates.checking') : t('settings.updates.checkNow')}
        </button>
        {status && <LastCheck status={status} />}
      </div>
    </fieldset>
  );
}

/** "Last check: …", or "Last check failed: …" with why, in words. */
function LastCheck({ status }: { status: UpdateStatus }) {
  const t = useT();
  const language = useLanguage();
  const last = status.lastCheck;
  if (!last) return <span className="field-note" role="status">{t('settings.updates.neverChecked')}</span>;
  const time = new Date(last.at).toLocaleString(language);
  return last.problem ? (
    <span className="field-note field-error" role="status" data-problem={last.problem}>
      {t('settings.updates.lastCheckFailed', { problem: t(PROBLEM_WORDS[last.problem]), time })}
    </span>
  ) : (
    <span className="field-note" role="status">
      {t('settings.updates.lastCheck', { time })}
    </span>
  );
}
