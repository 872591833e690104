import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { DeviceInfo, Settings as SettingsValues, SettingsView } from '../../shared/ipc';
import { useBridge } from '../bridge';
import { isEmptyPatch, isOverridden, settingsPatch } from '../state/settingsPatch';
import { HotkeyField } from './HotkeyField';

interface Props {
  view: SettingsView | null;
  onViewChange: (view: SettingsView) => void;
}

const PROVIDER_NAMES: Record<string, string> = {
  local: 'Local simulator (offline)',
  openai: 'OpenAI',
  azure: 'Azure OpenAI',
  custom: 'Custom URL',
};

const TURN_MODE_NAMES: Record<string, string> = {
  server_vad: 'Automatic (voice activity)',
  semantic_vad: 'Automatic (semantic)',
  manual: 'Manual (hold to talk)',
};

const INTERRUPTION_NAMES: Record<string, string> = {
  immediate: 'Stop at once when I speak',
  'pause-then-decide': 'Pause, then stop if I keep talking',
};

type Devices = { inputs: DeviceInfo[]; outputs: DeviceInfo[] };

export function Settings({ view, onViewChange }: Props) {
  const bridge = useBridge();
  const [draft, setDraft] = useState<SettingsValues | null>(view?.settings ?? null);
  const [errors, setErrors] = useState<string[]>([]);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const [devices, setDevices] = useState<Devices | null>(null);
  const [deviceError, setDeviceError] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);

  useEffect(() => {
    if (view) setDraft(view.settings);
  }, [view]);

  // Normally the app has the view already; if main's first answer was lost, ask again.
  const haveView = view !== null;
  useEffect(() => {
    if (haveView) return;
    let live = true;
    bridge.getSettings().then(
      (loaded) => live && onViewChange(loaded),
      () => live && setLoadError('Settings could not be loaded.'),
    );
    return () => {
      live = false;
    };
  }, [bridge, haveView, onViewChange]);

  useEffect(() => {
    let live = true;
    bridge.listDevices().then(
      (list) => live && setDevices(list),
      () => live && setDeviceError('Could not list audio devices.'),
    );
    return () => {
      live = false;
    };
  }, [bridge]);

  if (!view || !draft) {
    return (
      <div className="settings loading" role={loadError ? 'alert' : 'status'}>
        {loadError ?? 'Loading settings…'}
      </div>
    );
  }

  const patch = settingsPatch(view.settings, draft);
  const dirty = !isEmptyPatch(patch);
  const locked = (path: string) => isOverridden(view.envOverrides, path);
  const fieldErrors = (path: string) => errors.filter((e) => e.startsWith(`${path}:`) || e.startsWith(`${path}.`));
  const update = (change: Partial<SettingsValues>) => {
    setDraft({ ...draft, ...change });
    setSaved(false);
  };
  const updateNested = <K extends 'azure' | 'turnDetection' | 'interruption' | 'hotkeys'>(key: K, change: Partial<SettingsValues[K]>) =>
    update({ [key]: { ...draft[key], ...change } } as Partial<SettingsValues>);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!dirty || busy) return;
    setBusy(true);
    try {
      const result = await bridge.updateSettings(patch);
      if (result.ok) {
        setErrors([]);
        setSaved(true);
        onViewChange(result.view);
      } else {
        setErrors(result.errors);
        setSaved(false);
      }
    } catch (error) {
      setErrors([`Saving failed: ${error instanceof Error ? error.message : String(error)}`]);
    } finally {
      setBusy(false);
    }
  };

  const { options } = view;
  const turnMode = draft.turnDetection.mode;

  return (
    <form className="settings" onSubmit={submit} aria-label="Settings" noValidate>
      <Section title="Connection">
        <Field label="Provider" path="provider" locked={locked('provider')} errors={fieldErrors('provider')}>
          {(id, describedBy) => (
            <select id={id} aria-describedby={describedBy} value={draft.provider} disabled={locked('provider')} onChange={(e) => update({ provider: e.target.value as SettingsValues['provider'] })}>
              {options.providers.map((p) => (
                <option key={p} value={p}>
                  {PROVIDER_NAMES[p] ?? p}
                </option>
              ))}
            </select>
          )}
        </Field>
        {draft.provider === 'custom' && (
          <Field label="Server URL" path="url" locked={locked('url')} errors={fieldErrors('url')} hint="A Realtime-compatible ws:// or wss:// address.">
            {(id, describedBy) => (
              <input id={id} aria-describedby={describedBy} type="url" value={draft.url ?? ''} readOnly={locked('url')} placeholder="wss://…" onChange={(e) => update({ url: e.target.value || undefined })} />
            )}
          </Field>
        )}
        {draft.provider === 'azure' && (
          <>
            <Field label="Azure endpoint" path="azure.endpoint" locked={locked('azure.endpoint')} errors={fieldErrors('azure.endpoint')}>
              {(id, describedBy) => (
                <input id={id} aria-describedby={describedBy} type="url" value={draft.azure.endpoint ?? ''} readOnly={locked('azure.endpoint')} placeholder="https://my-resource.openai.azure.com" onChange={(e) => updateNested('azure', { endpoint: e.target.value || undefined })} />
              )}
            </Field>
            <Field label="Deployment" path="azure.deployment" locked={locked('azure.deployment')} errors={fieldErrors('azure.deployment')}>
              {(id, describedBy) => (
                <input id={id} aria-describedby={describedBy} value={draft.azure.deployment ?? ''} readOnly={locked('azure.deployment')} placeholder="gpt-realtime" onChange={(e) => updateNested('azure', { deployment: e.target.value || undefined })} />
              )}
            </Field>
            <Field label="API version" path="azure.apiVersion" locked={locked('azure.apiVersion')} errors={fieldErrors('azure.apiVersion')} hint="Only for the preview endpoint; leave empty for the v1 API.">
              {(id, describedBy) => (
                <input id={id} aria-describedby={describedBy} value={draft.azure.apiVersion ?? ''} readOnly={locked('azure.apiVersion')} placeholder="2024-10-01-preview" onChange={(e) => updateNested('azure', { apiVersion: e.target.value || undefined })} />
              )}
            </Field>
          </>
        )}
        <Field label="Model" path="model" locked={locked('model')} errors={fieldErrors('model')}>
          {(id, describedBy) => <input id={id} aria-describedby={describedBy} value={draft.model} readOnly={locked('model')} onChange={(e) => update({ model: e.target.value })} />}
        </Field>
        <Field label="Protocol" path="dialect" locked={locked('dialect')} errors={fieldErrors('dialect')} hint="GA for current models; beta for preview models and endpoints.">
          {(id, describedBy) => (
            <select id={id} aria-describedby={describedBy} value={draft.dialect} disabled={locked('dialect')} onChange={(e) => update({ dialect: e.target.value as SettingsValues['dialect'] })}>
              {options.dialects.map((d) => (
                <option key={d} value={d}>
                  {d === 'ga' ? 'GA' : d === 'beta' ? 'Beta (preview)' : d}
                </option>
              ))}
            </select>
          )}
        </Field>
        <ApiKeyField view={view} onViewChange={onViewChange} />
      </Section>

      <Section title="Voice">
        <Field label="Voice" path="voice" locked={locked('voice')} errors={fieldErrors('voice')}>
          {(id, describedBy) => (
            <select id={id} aria-describedby={describedBy} value={draft.voice} disabled={locked('voice')} onChange={(e) => update({ voice: e.target.value as SettingsValues['voice'] })}>
              {options.voices.map((v) => (
                <option key={v} value={v}>
                  {v[0]!.toUpperCase() + v.slice(1)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Instructions" path="instructions" locked={locked('instructions')} errors={fieldErrors('instructions')} wide>
          {(id, describedBy) => <textarea id={id} aria-describedby={describedBy} rows={3} value={draft.instructions} readOnly={locked('instructions')} onChange={(e) => update({ instructions: e.target.value })} />}
        </Field>
      </Section>

      <Section title="Turn taking">
        <Field label="Turn detection" path="turnDetection.mode" locked={locked('turnDetection.mode')} errors={fieldErrors('turnDetection.mode')}>
          {(id, describedBy) => (
            <select id={id} aria-describedby={describedBy} value={turnMode} disabled={locked('turnDetection.mode')} onChange={(e) => updateNested('turnDetection', { mode: e.target.value as SettingsValues['turnDetection']['mode'] })}>
              {options.turnDetectionModes.map((m) => (
                <option key={m} value={m}>
                  {TURN_MODE_NAMES[m] ?? m}
                </option>
              ))}
            </select>
          )}
        </Field>
        {turnMode === 'server_vad' && (
          <>
            <Field label="Sensitivity threshold" path="turnDetection.threshold" locked={locked('turnDetection.threshold')} errors={fieldErrors('turnDetection.threshold')} hint="0 to 1: higher needs louder speech.">
              {(id, describedBy) => (
                <input id={id} aria-describedby={describedBy} type="number" min={0} max={1} step={0.05} value={draft.turnDetection.threshold} readOnly={locked('turnDetection.threshold')} onChange={(e) => updateNested('turnDetection', { threshold: e.target.valueAsNumber })} />
              )}
            </Field>
            <Field label="Silence before reply (ms)" path="turnDetection.silenceDurationMs" locked={locked('turnDetection.silenceDurationMs')} errors={fieldErrors('turnDetection.silenceDurationMs')}>
              {(id, describedBy) => (
                <input id={id} aria-describedby={describedBy} type="number" min={100} max={5000} step={50} value={draft.turnDetection.silenceDurationMs} readOnly={locked('turnDetection.silenceDurationMs')} onChange={(e) => updateNested('turnDetection', { silenceDurationMs: e.target.valueAsNumber })} />
              )}
            </Field>
          </>
        )}
        <Field label="When I speak over a reply" path="interruption.mode" locked={locked('interruption.mode')} errors={fieldErrors('interruption.mode')}>
          {(id, describedBy) => (
            <select id={id} aria-describedby={describedBy} value={draft.interruption.mode} disabled={locked('interruption.mode')} onChange={(e) => updateNested('interruption', { mode: e.target.value as SettingsValues['interruption']['mode'] })}>
              {options.interruptionModes.map((m) => (
                <option key={m} value={m}>
                  {INTERRUPTION_NAMES[m] ?? m}
                </option>
              ))}
            </select>
          )}
        </Field>
      </Section>

      <Section title="Audio">
        <DeviceSelect label="Microphone" path="inputDevice" devices={devices?.inputs} value={draft.inputDevice} locked={locked('inputDevice')} errors={fieldErrors('inputDevice')} onChange={(inputDevice) => update({ inputDevice })} />
        <DeviceSelect label="Speaker" path="outputDevice" devices={devices?.outputs} value={draft.outputDevice} locked={locked('outputDevice')} errors={fieldErrors('outputDevice')} onChange={(outputDevice) => update({ outputDevice })} />
        {deviceError && <p className="field-error">{deviceError}</p>}
        <Check label="Echo cancellation" hint="For laptop speakers: keeps Kaiwa from hearing itself. Leave it off with headphones." checked={draft.echoCancellation} locked={locked('echoCancellation')} onChange={(echoCancellation) => update({ echoCancellation })} />
      </Section>

      <Section title="Shortcuts">
        {(['talk', 'interrupt'] as const).map((action) => {
          const status = view.hotkeys.find((h) => h.action === action);
          return (
            <Field key={action} label={action === 'talk' ? 'Talk / quick window' : 'Interrupt'} path={`hotkeys.${action}`} locked={locked(`hotkeys.${action}`)} errors={fieldErrors(`hotkeys.${action}`)} hint={status && !status.registered ? `Not active: ${status.error ?? 'the shortcut could not be registered.'}` : undefined}>
              {(id, describedBy) => <HotkeyField id={id} aria-describedby={describedBy} value={draft.hotkeys[action]} disabled={locked(`hotkeys.${action}`)} onChange={(accelerator) => updateNested('hotkeys', { [action]: accelerator })} />}
            </Field>
          );
        })}
      </Section>

      <Section title="System">
        <Check label="Start Kaiwa when I log in" checked={draft.startAtLogin} locked={locked('startAtLogin')} onChange={(startAtLogin) => update({ startAtLogin })} />
      </Section>

      <div className="settings-actions">
        {errors.length > 0 && (
          <ul className="form-errors" role="alert" aria-label="Settings not saved">
            {errors.map((e) => (
              <li key={e}>{e}</li>
            ))}
          </ul>
        )}
        {saved && !dirty && errors.length === 0 && <span className="saved" role="status">Saved.</span>}
        <button type="button" className="secondary" disabled={!dirty || busy} onClick={() => {
          setDraft(view.settings);
          setErrors([]);
        }}>
          Revert
        </button>
        <button type="submit" className="primary" disabled={!dirty || busy}>
          {busy ? 'Saving…' : 'Save'}
        </button>
      </div>
    </form>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <fieldset className="settings-section">
      <legend>{title}</legend>
      {children}
    </fieldset>
  );
}

interface FieldProps {
  label: string;
  path: string;
  locked: boolean;
  errors: string[];
  hint?: string | undefined;
  wide?: boolean;
  children: (id: string, describedBy: string | undefined) => ReactNode;
}

function Field({ label, path, locked, errors, hint, wide, children }: FieldProps) {
  const id = useId();
  const noteId = `${id}-note`;
  const hasNote = locked || errors.length > 0 || Boolean(hint);
  return (
    <div className={`field${wide ? ' wide' : ''}${errors.length ? ' invalid' : ''}${locked ? ' locked' : ''}`} data-path={path}>
      <label htmlFor={id}>{label}</label>
      {children(id, hasNote ? noteId : undefined)}
      {hasNote && (
        <span id={noteId} className="field-note">
          {locked && <span className="locked-note">Set by an environment variable; read-only here.</span>}
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

function Check({ label, hint, checked, locked, onChange }: { label: string; hint?: string; checked: boolean; locked: boolean; onChange: (checked: boolean) => void }) {
  return (
    <label className="check">
      <input type="checkbox" checked={checked} disabled={locked} onChange={(e) => onChange(e.target.checked)} />
      <span>
        {label}
        {hint && <span className="field-note">{hint}</span>}
        {locked && <span className="locked-note">Set by an environment variable; read-only here.</span>}
      </span>
    </label>
  );
}

interface DeviceSelectProps {
  label: string;
  path: string;
  devices: DeviceInfo[] | undefined;
  value: string | undefined;
  locked: boolean;
  errors: string[];
  onChange: (id: string | undefined) => void;
}

function DeviceSelect({ label, path, devices, value, locked, errors, onChange }: DeviceSelectProps) {
  const known = !value || devices?.some((d) => d.id === value);
  return (
    <Field label={label} path={path} locked={locked} errors={errors}>
      {(id, describedBy) => (
        <select id={id} aria-describedby={describedBy} value={value ?? ''} disabled={locked || !devices} onChange={(e) => onChange(e.target.value || undefined)}>
          <option value="">System default</option>
          {devices?.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
              {d.isDefault ? ' (default)' : ''}
            </option>
          ))}
          {!known && <option value={value}>{value} (not connected)</option>}
        </select>
      )}
    </Field>
  );
}

/** Write-only: the key goes to main and is never read back; the renderer only learns `hasApiKey`. */
function ApiKeyField({ view, onViewChange }: { view: SettingsView; onViewChange: (view: SettingsView) => void }) {
  const bridge = useBridge();
  const input = useRef<HTMLInputElement>(null);
  const [filled, setFilled] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const id = useId();
  const keyLocked = view.envOverrides.includes('apiKey');

  const store = async (key: string | null) => {
    try {
      const { hasApiKey } = await bridge.setApiKey(key);
      if (input.current) input.current.value = '';
      setFilled(false);
      setMessage(key === null ? 'Key removed.' : 'Key saved.');
      onViewChange({ ...view, hasApiKey });
    } catch {
      setMessage('The key could not be stored.');
    }
  };

  return (
    <div className="field api-key" data-path="apiKey">
      <label htmlFor={id}>API key</label>
      <div className="api-key-row">
        <input
          id={id}
          ref={input}
          type="password"
          autoComplete="off"
          spellCheck={false}
          disabled={keyLocked}
          placeholder={view.hasApiKey ? 'Enter a new key to replace it' : 'Paste your key'}
          onChange={(e) => setFilled(e.target.value.trim().length > 0)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              const key = input.current?.value.trim();
              if (key) void store(key);
            }
          }}
        />
        <button type="button" className="secondary" disabled={!filled || keyLocked} onClick={() => {
          const key = input.current?.value.trim();
          if (key) void store(key);
        }}>
          Save key
        </button>
        {view.hasApiKey && !keyLocked && (
          <button type="button" className="secondary danger" onClick={() => void store(null)}>
            Clear
          </button>
        )}
      </div>
      <span className="field-note" role="status">
        {keyLocked ? 'Set by an environment variable; read-only here.' : view.hasApiKey ? 'A key is set.' : view.settings.provider === 'local' ? 'No key set (the local simulator needs none).' : 'No key set.'}
        {message && !keyLocked && <span className="key-message"> {message}</span>}
      </span>
    </div>
  );
}
