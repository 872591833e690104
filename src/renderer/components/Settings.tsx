import { useEffect, useId, useState, type FormEvent } from 'react';
import { keyed, messageWords, type MessageKey } from '../../shared/i18n';
import type { DeviceInfo, HotkeyStatus, Protocol, Settings as SettingsValues, SettingsProblem, SettingsView } from '../../shared/ipc';
import { useBridge } from '../bridge';
import { useLanguage, useT } from '../i18n';
import { isEmptyPatch, isOverridden, settingsPatch } from '../state/settingsPatch';
import { AzureSignIn } from './AzureSignIn';
import { HotkeyField } from './HotkeyField';
import { Check, Field, Section } from './SettingsFields';
import { PicturesSettings } from './input/PicturesSettings';
import { SecretField } from './SecretField';
import { ToolsSettings } from './tools/ToolsSettings';
import { UpdatesSettings } from './UpdatesSettings';
import { toolSettingsProblems } from '../state/toolSettings';

interface Props {
  view: SettingsView | null;
  onViewChange: (view: SettingsView) => void;
}

// The names of the choices main offers (SettingsOptions); a choice without a name shows as itself.
const PROVIDER_NAMES: Record<string, MessageKey> = {
  local: 'settings.provider.local',
  openai: 'settings.provider.openai',
  azure: 'settings.provider.azure',
  custom: 'settings.provider.custom',
};

const AZURE_AUTH_NAMES: Record<string, MessageKey> = {
  key: 'settings.azureAuth.key',
  entra: 'settings.azureAuth.entra',
};

const PROTOCOL_NAMES: Record<string, MessageKey> = {
  auto: 'settings.protocol.auto',
  realtime: 'settings.protocol.realtime',
  live: 'settings.protocol.live',
};

const DIALECT_NAMES: Record<string, MessageKey> = {
  ga: 'settings.dialect.ga',
  beta: 'settings.dialect.beta',
};

const LANGUAGE_NAMES: Record<string, MessageKey> = {
  system: 'settings.language.system',
  en: 'settings.language.en',
  ja: 'settings.language.ja',
};

const TURN_MODE_NAMES: Record<string, MessageKey> = {
  server_vad: 'settings.turnDetection.server_vad',
  semantic_vad: 'settings.turnDetection.semantic_vad',
  manual: 'settings.turnDetection.manual',
};

const EAGERNESS_NAMES: Record<SettingsValues['turnDetection']['eagerness'], MessageKey> = {
  auto: 'settings.eagerness.auto',
  low: 'settings.eagerness.low',
  medium: 'settings.eagerness.medium',
  high: 'settings.eagerness.high',
};

const NOISE_REDUCTION_NAMES: Record<SettingsValues['noiseReduction'], MessageKey> = {
  off: 'settings.noiseReduction.off',
  near_field: 'settings.noiseReduction.near_field',
  far_field: 'settings.noiseReduction.far_field',
};

const INTERRUPTION_NAMES: Record<string, MessageKey> = {
  immediate: 'settings.interruption.immediate',
  'pause-then-decide': 'settings.interruption.pause-then-decide',
};

/** Languages offered for transcription (ISO-639-1); the setting takes any code, these are the usual ones. */
const TRANSCRIPTION_LANGUAGES = ['ja', 'en', 'zh', 'ko', 'th', 'es', 'fr', 'de', 'it', 'pt'] as const;

/**
 * The voices to offer: the chosen protocol's ('auto' resolves as main last resolved it). With
 * GPT-Live and Japanese (Kaiwa's language or the language the user speaks), the Japanese voices
 * come first, in a group of their own.
 */
function voiceGroups(view: SettingsView, draft: SettingsValues, uiLanguage: string): { japanese: readonly string[]; others: readonly string[] } {
  const protocol: Protocol = draft.protocol === 'auto' ? view.protocol : draft.protocol;
  const voices = view.options.voicesByProtocol[protocol];
  const wantsJapanese = protocol === 'live' && (uiLanguage === 'ja' || draft.transcriptionLanguage === 'ja');
  if (!wantsJapanese) return { japanese: [], others: voices };
  const japanese = voices.filter((v) => view.options.japaneseVoices.includes(v));
  return { japanese, others: voices.filter((v) => !japanese.includes(v)) };
}

const voiceName = (voice: string) => voice[0]!.toUpperCase() + voice.slice(1);

type Devices = { inputs: DeviceInfo[]; outputs: DeviceInfo[] };

export function Settings({ view, onViewChange }: Props) {
  const bridge = useBridge();
  const t = useT();
  const uiLanguage = useLanguage();
  const [draft, setDraft] = useState<SettingsValues | null>(view?.settings ?? null);
  // What main refused, by key (put into words as shown, so a change of language follows), or why saving failed.
  const [problems, setProblems] = useState<SettingsProblem[]>([]);
  const [failure, setFailure] = useState<string | null>(null);
  const setErrors = (refused: SettingsProblem[], failed: string | null = null) => {
    setProblems(refused);
    setFailure(failed);
  };
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const [devices, setDevices] = useState<Devices | null>(null);
  const [deviceError, setDeviceError] = useState(false);
  const [loadError, setLoadError] = useState(false);

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
      () => live && setLoadError(true),
    );
    return () => {
      live = false;
    };
  }, [bridge, haveView, onViewChange]);

  useEffect(() => {
    let live = true;
    bridge.listDevices().then(
      (list) => live && setDevices(list),
      () => live && setDeviceError(true),
    );
    return () => {
      live = false;
    };
  }, [bridge]);

  if (!view || !draft) {
    return (
      <div className="settings loading" role={loadError ? 'alert' : 'status'}>
        {loadError ? t('settings.loadFailed') : t('settings.loading')}
      </div>
    );
  }

  const patch = settingsPatch(view.settings, draft);
  const dirty = !isEmptyPatch(patch);
  // Problems the form sees itself (ToolsSettings shows them under their fields): nothing to send yet.
  const blocked = toolSettingsProblems(draft.tools).length > 0;
  const locked = (path: string) => isOverridden(view.envOverrides, path);
  // The setting is named in the field's note too: Japanese words for a problem follow the name they are about.
  const problemWords = (p: SettingsProblem) => messageWords(t, keyed('setting.issue', { field: p.path, problem: p.said }));
  const errors = [...problems.map(problemWords), ...(failure === null ? [] : [failure])];
  const fieldErrors = (path: string) => problems.filter((p) => p.path === path || p.path.startsWith(`${path}.`)).map(problemWords);
  const update = (change: Partial<SettingsValues>) => {
    setDraft({ ...draft, ...change });
    setSaved(false);
  };
  const updateNested = <K extends 'azure' | 'turnDetection' | 'interruption' | 'hotkeys' | 'serve'>(key: K, change: Partial<SettingsValues[K]>) =>
    update({ [key]: { ...draft[key], ...change } } as Partial<SettingsValues>);
  const inactiveHint = (status: HotkeyStatus) => (status.error ? t('settings.hotkey.inactive', { reason: status.error }) : t('settings.hotkey.inactiveUnknown'));
  /** Hold or tap, as main applies it now (hold-to-talk needs manual turns on Realtime, and a hook that runs). */
  const talkHint = (status: HotkeyStatus | undefined) => {
    if (status?.hold) return t('settings.hotkey.talk.hold');
    if (status?.holdError) return t('settings.hotkey.talk.holdUnavailable', { reason: status.holdError });
    if (draft.hotkeys.holdToTalk && (view.protocol !== 'realtime' || draft.turnDetection.mode !== 'manual')) return t('settings.hotkey.talk.holdNeedsManual');
    return t('settings.hotkey.talk.toggle');
  };
  const mediaHint = () => {
    const status = view.hotkeys.find((h) => h.action === 'media');
    return status && !status.registered ? inactiveHint(status) : t('settings.hotkey.mediaKey.hint');
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!dirty || busy || blocked) return;
    setBusy(true);
    try {
      const result = await bridge.updateSettings(patch);
      if (result.ok) {
        setErrors([]);
        setSaved(true);
        onViewChange(result.view);
      } else {
        setErrors(result.problems);
        setSaved(false);
      }
    } catch (error) {
      setErrors([], t('settings.saveFailed', { reason: error instanceof Error ? error.message : String(error) }));
    } finally {
      setBusy(false);
    }
  };

  const { options } = view;
  const turnMode = draft.turnDetection.mode;
  // GPT-Live has no server-side noise reduction or speaking speed: those fields say so instead of pretending.
  const onlyRealtime = (draft.protocol === 'auto' ? view.protocol : draft.protocol) === 'live' ? t('settings.realtimeOnly') : undefined;
  const voices = voiceGroups(view, draft, uiLanguage);
  const voiceOptions = (list: readonly string[]) =>
    list.map((v) => (
      <option key={v} value={v}>
        {voiceName(v)}
      </option>
    ));
  const offered = [...voices.japanese, ...voices.others];

  return (
    <form className="settings" onSubmit={submit} aria-label={t('settings.form')} noValidate>
      <Section title={t('settings.section.connection')}>
        <Field label={t('settings.provider')} path="provider" locked={locked('provider')} errors={fieldErrors('provider')}>
          {(id, describedBy) => (
            <select id={id} aria-describedby={describedBy} value={draft.provider} disabled={locked('provider')} onChange={(e) => update({ provider: e.target.value as SettingsValues['provider'] })}>
              {options.providers.map((p) => (
                <option key={p} value={p}>
                  {PROVIDER_NAMES[p] ? t(PROVIDER_NAMES[p]) : p}
                </option>
              ))}
            </select>
          )}
        </Field>
        {draft.provider === 'custom' && (
          <Field label={t('settings.url')} path="url" locked={locked('url')} errors={fieldErrors('url')} hint={t('settings.url.hint')}>
            {(id, describedBy) => (
              <input id={id} aria-describedby={describedBy} type="url" value={draft.url ?? ''} readOnly={locked('url')} placeholder="wss://…" onChange={(e) => update({ url: e.target.value || undefined })} />
            )}
          </Field>
        )}
        {draft.provider === 'azure' && (
          <>
            <Field label={t('settings.azureEndpoint')} path="azure.endpoint" locked={locked('azure.endpoint')} errors={fieldErrors('azure.endpoint')}>
              {(id, describedBy) => (
                <input id={id} aria-describedby={describedBy} type="url" value={draft.azure.endpoint ?? ''} readOnly={locked('azure.endpoint')} placeholder="https://my-resource.openai.azure.com" onChange={(e) => updateNested('azure', { endpoint: e.target.value || undefined })} />
              )}
            </Field>
            <Field label={t('settings.azureDeployment')} path="azure.deployment" locked={locked('azure.deployment')} errors={fieldErrors('azure.deployment')}>
              {(id, describedBy) => (
                <input id={id} aria-describedby={describedBy} value={draft.azure.deployment ?? ''} readOnly={locked('azure.deployment')} placeholder="gpt-realtime" onChange={(e) => updateNested('azure', { deployment: e.target.value || undefined })} />
              )}
            </Field>
            <Field label={t('settings.azureApiVersion')} path="azure.apiVersion" locked={locked('azure.apiVersion')} errors={fieldErrors('azure.apiVersion')} hint={t('settings.azureApiVersion.hint')}>
              {(id, describedBy) => (
                <input id={id} aria-describedby={describedBy} value={draft.azure.apiVersion ?? ''} readOnly={locked('azure.apiVersion')} placeholder="2024-10-01-preview" onChange={(e) => updateNested('azure', { apiVersion: e.target.value || undefined })} />
              )}
            </Field>
            <Field label={t('settings.azureAuth')} path="azure.auth" locked={locked('azure.auth')} errors={fieldErrors('azure.auth')} hint={t('settings.azureAuth.hint')}>
              {(id, describedBy) => (
                <select id={id} aria-describedby={describedBy} value={draft.azure.auth} disabled={locked('azure.auth')} onChange={(e) => updateNested('azure', { auth: e.target.value as SettingsValues['azure']['auth'] })}>
                  {options.azureAuths.map((a) => (
                    <option key={a} value={a}>
                      {AZURE_AUTH_NAMES[a] ? t(AZURE_AUTH_NAMES[a]) : a}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            {draft.azure.auth === 'entra' && <AzureSignIn view={view} azure={draft.azure} onChange={(change) => updateNested('azure', change)} onViewChange={onViewChange} locked={locked} fieldErrors={fieldErrors} />}
          </>
        )}
        <Field label={t('settings.model')} path="model" locked={locked('model')} errors={fieldErrors('model')}>
          {(id, describedBy) => <input id={id} aria-describedby={describedBy} value={draft.model} readOnly={locked('model')} onChange={(e) => update({ model: e.target.value })} />}
        </Field>
        <Field label={t('settings.protocol')} path="protocol" locked={locked('protocol')} errors={fieldErrors('protocol')} hint={t('settings.protocol.hint')}>
          {(id, describedBy) => (
            <select id={id} aria-describedby={describedBy} value={draft.protocol} disabled={locked('protocol')} onChange={(e) => update({ protocol: e.target.value as SettingsValues['protocol'] })}>
              {options.protocols.map((p) => (
                <option key={p} value={p}>
                  {PROTOCOL_NAMES[p] ? t(PROTOCOL_NAMES[p]) : p}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('settings.dialect')} path="dialect" locked={locked('dialect')} errors={fieldErrors('dialect')} hint={t('settings.dialect.hint')}>
          {(id, describedBy) => (
            <select id={id} aria-describedby={describedBy} value={draft.dialect} disabled={locked('dialect')} onChange={(e) => update({ dialect: e.target.value as SettingsValues['dialect'] })}>
              {options.dialects.map((d) => (
                <option key={d} value={d}>
                  {DIALECT_NAMES[d] ? t(DIALECT_NAMES[d]) : d}
                </option>
              ))}
            </select>
          )}
        </Field>
        <ApiKeyField view={view} onViewChange={onViewChange} />
      </Section>

      <Section title={t('settings.section.language')}>
        <Field label={t('settings.language')} path="language" locked={locked('language')} errors={fieldErrors('language')} hint={t('settings.language.hint')}>
          {(id, describedBy) => (
            <select id={id} aria-describedby={describedBy} value={draft.language} disabled={locked('language')} onChange={(e) => update({ language: e.target.value as SettingsValues['language'] })}>
              {options.languages.map((l) => (
                <option key={l} value={l} lang={l === 'system' ? undefined : l}>
                  {LANGUAGE_NAMES[l] ? t(LANGUAGE_NAMES[l]) : l}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('settings.transcriptionLanguage')} path="transcriptionLanguage" locked={locked('transcriptionLanguage')} errors={fieldErrors('transcriptionLanguage')} hint={t('settings.transcriptionLanguage.hint')}>
          {(id, describedBy) => (
            <select id={id} aria-describedby={describedBy} value={draft.transcriptionLanguage ?? ''} disabled={locked('transcriptionLanguage')} onChange={(e) => update({ transcriptionLanguage: e.target.value || undefined })}>
              <option value="">{t('settings.transcriptionLanguage.detect')}</option>
              {[...new Set([...TRANSCRIPTION_LANGUAGES, ...(draft.transcriptionLanguage ? [draft.transcriptionLanguage] : [])])].map((code) => (
                <option key={code} value={code}>
                  {languageName(uiLanguage, code)}
                </option>
              ))}
            </select>
          )}
        </Field>
      </Section>

      <Section title={t('settings.section.voice')}>
        <Field label={t('settings.voice')} path="voice" locked={locked('voice')} errors={fieldErrors('voice')}>
          {(id, describedBy) => (
            <select id={id} aria-describedby={describedBy} value={draft.voice} disabled={locked('voice')} onChange={(e) => update({ voice: e.target.value as SettingsValues['voice'] })}>
              {voices.japanese.length > 0 ? (
                <>
                  <optgroup label={t('settings.voice.japanese')}>{voiceOptions(voices.japanese)}</optgroup>
                  <optgroup label={t('settings.voice.others')}>{voiceOptions(voices.others)}</optgroup>
                </>
              ) : (
                voiceOptions(voices.others)
              )}
              {!offered.includes(draft.voice) && <option value={draft.voice}>{voiceName(draft.voice)}</option>}
            </select>
          )}
        </Field>
        <Field label={t('settings.instructions')} path="instructions" locked={locked('instructions')} errors={fieldErrors('instructions')} hint={t('settings.instructions.hint')} wide>
          {(id, describedBy) => <textarea id={id} aria-describedby={describedBy} rows={3} value={draft.instructions} readOnly={locked('instructions')} onChange={(e) => update({ instructions: e.target.value })} />}
        </Field>
      </Section>

      <Section title={t('settings.section.turns')}>
        <Field label={t('settings.turnDetection')} path="turnDetection.mode" locked={locked('turnDetection.mode')} errors={fieldErrors('turnDetection.mode')}>
          {(id, describedBy) => (
            <select id={id} aria-describedby={describedBy} value={turnMode} disabled={locked('turnDetection.mode')} onChange={(e) => updateNested('turnDetection', { mode: e.target.value as SettingsValues['turnDetection']['mode'] })}>
              {options.turnDetectionModes.map((m) => (
                <option key={m} value={m}>
                  {TURN_MODE_NAMES[m] ? t(TURN_MODE_NAMES[m]) : m}
                </option>
              ))}
            </select>
          )}
        </Field>
        {turnMode === 'server_vad' && (
          <>
            <Field label={t('settings.threshold')} path="turnDetection.threshold" locked={locked('turnDetection.threshold')} errors={fieldErrors('turnDetection.threshold')} hint={t('settings.threshold.hint')}>
              {(id, describedBy) => (
                <input id={id} aria-describedby={describedBy} type="number" min={0} max={1} step={0.05} value={draft.turnDetection.threshold} readOnly={locked('turnDetection.threshold')} onChange={(e) => updateNested('turnDetection', { threshold: e.target.valueAsNumber })} />
              )}
            </Field>
            <Field label={t('settings.silence')} path="turnDetection.silenceDurationMs" locked={locked('turnDetection.silenceDurationMs')} errors={fieldErrors('turnDetection.silenceDurationMs')}>
              {(id, describedBy) => (
                <input id={id} aria-describedby={describedBy} type="number" min={100} max={5000} step={50} value={draft.turnDetection.silenceDurationMs} readOnly={locked('turnDetection.silenceDurationMs')} onChange={(e) => updateNested('turnDetection', { silenceDurationMs: e.target.valueAsNumber })} />
              )}
            </Field>
          </>
        )}
        {turnMode === 'semantic_vad' && (
          <Field label={t('settings.eagerness')} path="turnDetection.eagerness" locked={locked('turnDetection.eagerness')} errors={fieldErrors('turnDetection.eagerness')} hint={t('settings.eagerness.hint')}>
            {(id, describedBy) => (
              <select id={id} aria-describedby={describedBy} value={draft.turnDetection.eagerness} disabled={locked('turnDetection.eagerness')} onChange={(e) => updateNested('turnDetection', { eagerness: e.target.value as SettingsValues['turnDetection']['eagerness'] })}>
                {(Object.keys(EAGERNESS_NAMES) as SettingsValues['turnDetection']['eagerness'][]).map((e) => (
                  <option key={e} value={e}>
                    {t(EAGERNESS_NAMES[e])}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        <Field label={t('settings.interruption')} path="interruption.mode" locked={locked('interruption.mode')} errors={fieldErrors('interruption.mode')}>
          {(id, describedBy) => (
            <select id={id} aria-describedby={describedBy} value={draft.interruption.mode} disabled={locked('interruption.mode')} onChange={(e) => updateNested('interruption', { mode: e.target.value as SettingsValues['interruption']['mode'] })}>
              {options.interruptionModes.map((m) => (
                <option key={m} value={m}>
                  {INTERRUPTION_NAMES[m] ? t(INTERRUPTION_NAMES[m]) : m}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Check label={t('settings.localVad')} hint={t('settings.localVad.hint')} checked={draft.interruption.localVad} locked={locked('interruption.localVad')} onChange={(localVad) => updateNested('interruption', { localVad })} />
      </Section>

      <Section title={t('settings.section.audio')}>
        <DeviceSelect label={t('settings.microphone')} path="inputDevice" devices={devices?.inputs} value={draft.inputDevice} locked={locked('inputDevice')} errors={fieldErrors('inputDevice')} onChange={(inputDevice) => update({ inputDevice })} />
        <DeviceSelect label={t('settings.speaker')} path="outputDevice" devices={devices?.outputs} value={draft.outputDevice} locked={locked('outputDevice')} errors={fieldErrors('outputDevice')} onChange={(outputDevice) => update({ outputDevice })} />
        {deviceError && <p className="field-error">{t('settings.device.listFailed')}</p>}
        <Check label={t('settings.echoCancellation')} hint={t('settings.echoCancellation.hint')} checked={draft.echoCancellation} locked={locked('echoCancellation')} onChange={(echoCancellation) => update({ echoCancellation })} />
        <Field label={t('settings.noiseReduction')} path="noiseReduction" locked={locked('noiseReduction')} errors={fieldErrors('noiseReduction')} hint={onlyRealtime ?? t('settings.noiseReduction.hint')}>
          {(id, describedBy) => (
            <select id={id} aria-describedby={describedBy} value={draft.noiseReduction} disabled={locked('noiseReduction')} onChange={(e) => update({ noiseReduction: e.target.value as SettingsValues['noiseReduction'] })}>
              {options.noiseReductions.map((n) => (
                <option key={n} value={n}>
                  {t(NOISE_REDUCTION_NAMES[n])}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('settings.speed')} path="speed" locked={locked('speed')} errors={fieldErrors('speed')} hint={onlyRealtime ?? t('settings.speed.hint')}>
          {(id, describedBy) => (
            <input id={id} aria-describedby={describedBy} type="number" min={0.25} max={1.5} step={0.05} value={draft.speed} readOnly={locked('speed')} onChange={(e) => update({ speed: e.target.valueAsNumber })} />
          )}
        </Field>
        <Field label={t('settings.spendingCap')} path="spendingCapUsd" locked={locked('spendingCapUsd')} errors={fieldErrors('spendingCapUsd')} hint={t('settings.spendingCap.hint')}>
          {(id, describedBy) => (
            <input id={id} aria-describedby={describedBy} type="number" min={0.01} max={10000} step={0.5} placeholder={t('settings.spendingCap.none')} value={draft.spendingCapUsd ?? ''} readOnly={locked('spendingCapUsd')} onChange={(e) => update({ spendingCapUsd: Number.isFinite(e.target.valueAsNumber) ? e.target.valueAsNumber : undefined })} />
          )}
        </Field>
      </Section>

      <Section title={t('settings.section.shortcuts')}>
        {(['talk', 'interrupt'] as const).map((action) => {
          const status = view.hotkeys.find((h) => h.action === action);
          const inactive = status && !status.registered ? inactiveHint(status) : undefined;
          return (
            <Field key={action} label={action === 'talk' ? t('settings.hotkey.talk') : t('settings.hotkey.interrupt')} path={`hotkeys.${action}`} locked={locked(`hotkeys.${action}`)} errors={fieldErrors(`hotkeys.${action}`)} hint={inactive ?? (action === 'talk' ? talkHint(status) : undefined)}>
              {(id, describedBy) => <HotkeyField id={id} aria-describedby={describedBy} value={draft.hotkeys[action]} disabled={locked(`hotkeys.${action}`)} onChange={(accelerator) => updateNested('hotkeys', { [action]: accelerator })} />}
            </Field>
          );
        })}
        <Check label={t('settings.hotkey.holdToTalk')} hint={t('settings.hotkey.holdToTalk.hint')} checked={draft.hotkeys.holdToTalk} locked={locked('hotkeys.holdToTalk')} onChange={(holdToTalk) => updateNested('hotkeys', { holdToTalk })} />
        <Check label={t('settings.hotkey.mediaKey')} hint={mediaHint()} checked={draft.hotkeys.mediaKey} locked={locked('hotkeys.mediaKey')} onChange={(mediaKey) => updateNested('hotkeys', { mediaKey })} />
      </Section>

      <PicturesSettings view={view} draft={draft} onChange={update} locked={locked} fieldErrors={fieldErrors} />

      <Section title={t('settings.section.system')}>
        <Check label={t('settings.startAtLogin')} checked={draft.startAtLogin} locked={locked('startAtLogin')} onChange={(startAtLogin) => update({ startAtLogin })} />
      </Section>

      <Section title={t('settings.section.serve')}>
        <Check label={t('settings.serve.enabled')} hint={t('settings.serve.enabled.hint')} checked={draft.serve.enabled} locked={locked('serve.enabled')} onChange={(enabled) => updateNested('serve', { enabled })} />
        <Field label={t('settings.serve.port')} path="serve.port" locked={locked('serve.port')} errors={fieldErrors('serve.port')}>
          {(id, describedBy) => (
            <input id={id} aria-describedby={describedBy} type="number" min={1024} max={65535} step={1} value={draft.serve.port} readOnly={locked('serve.port')} onChange={(e) => updateNested('serve', { port: e.target.valueAsNumber })} />
          )}
        </Field>
        {view.settings.serve.enabled && <ServeEndpoint view={view} />}
      </Section>

      <ToolsSettings view={view} tools={draft.tools} onChange={(tools) => update({ tools })} locked={locked} fieldErrors={fieldErrors} onViewChange={onViewChange} />

      <UpdatesSettings updates={draft.updates} channels={options.updateChannels} onChange={(updates) => update({ updates })} locked={locked} fieldErrors={fieldErrors} />

      <div className="settings-actions">
        {errors.length > 0 && (
          <ul className="form-errors" role="alert" aria-label={t('settings.errors')}>
            {errors.map((e) => (
              <li key={e}>{e}</li>
            ))}
          </ul>
        )}
        {saved && !dirty && errors.length === 0 && <span className="saved" role="status">{t('settings.saved')}</span>}
        <button type="button" className="secondary" disabled={!dirty || busy} onClick={() => {
          setDraft(view.settings);
          setErrors([]);
        }}>
          {t('settings.revert')}
        </button>
        <button type="submit" className="primary" disabled={!dirty || busy || blocked}>
          {busy ? t('settings.saving') : t('settings.save')}
        </button>
      </div>
    </form>
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
  const t = useT();
  const known = !value || devices?.some((d) => d.id === value);
  return (
    <Field label={label} path={path} locked={locked} errors={errors}>
      {(id, describedBy) => (
        <select id={id} aria-describedby={describedBy} value={value ?? ''} disabled={locked || !devices} onChange={(e) => onChange(e.target.value || undefined)}>
          <option value="">{t('settings.device.default')}</option>
          {devices?.map((d) => (
            <option key={d.id} value={d.id}>
              {d.isDefault ? t('settings.device.isDefault', { name: d.name }) : d.name}
            </option>
          ))}
          {!known && <option value={value}>{t('settings.device.missing', { name: value })}</option>}
        </select>
      )}
    </Field>
  );
}

/** Write-only: the key goes to main and is never read back; the renderer only learns `hasApiKey`. */
function ApiKeyField({ view, onViewChange }: { view: SettingsView; onViewChange: (view: SettingsView) => void }) {
  const bridge = useBridge();
  const t = useT();
  const keyLocked = view.envOverrides.includes('apiKey');
  return (
    <SecretField
      className="field api-key"
      rowClassName="api-key-row"
      data={{ 'data-path': 'apiKey' }}
      label={t('settings.apiKey')}
      placeholder={view.hasApiKey ? t('settings.apiKey.placeholderReplace') : t('settings.apiKey.placeholder')}
      disabled={keyLocked}
      saveLabel={t('settings.apiKey.save')}
      clearLabel={t('settings.apiKey.clear')}
      canClear={view.hasApiKey && !keyLocked}
      note={keyLocked ? t('settings.envLocked') : view.hasApiKey ? t('settings.apiKey.set') : view.settings.provider === 'local' ? t('settings.apiKey.noneLocal') : t('settings.apiKey.none')}
      showMessage={!keyLocked}
      failedMessage="settings.apiKey.storeFailed"
      save={async (key) => {
        const { hasApiKey } = await bridge.setApiKey(key);
        onViewChange({ ...view, hasApiKey });
        return key === null ? 'settings.apiKey.removed' : 'settings.apiKey.saved';
      }}
    />
  );
}

/**
 * Where the endpoint answers, and its bearer token: masked until the user reveals it (each reveal
 * asks main); Copy is done by main, so the token reaches the window only when shown.
 */
function ServeEndpoint({ view }: { view: SettingsView }) {
  const bridge = useBridge();
  const t = useT();
  const urlId = useId();
  const tokenId = useId();
  const [token, setToken] = useState<string | null>(null);
  const [message, setMessage] = useState<MessageKey | null>(null);
  const { serve } = view;

  const act = async (action: () => Promise<void>) => {
    try {
      await action();
    } catch {
      setMessage('settings.serve.token.failed');
    }
  };
  const reveal = () => act(async () => {
    setToken(await bridge.revealServeToken());
    setMessage(null);
  });
  const copy = () => act(async () => {
    await bridge.copyServeToken();
    setMessage('settings.serve.token.copied');
  });
  const renew = () => act(async () => {
    await bridge.newServeToken();
    setToken(token === null ? null : await bridge.revealServeToken());
    setMessage('settings.serve.token.renewed');
  });

  return (
    <>
      <div className="field wide" data-path="serve.url">
        <label htmlFor={urlId}>{t('settings.serve.url')}</label>
        <input id={urlId} readOnly value={serve.running && serve.url ? serve.url : ''} placeholder={t('settings.serve.stopped')} />
        {!serve.running && serve.problem && <span className="field-note field-error" role="alert">{serve.problem}</span>}
      </div>
      <div className="field wide serve-token" data-path="serve.token">
        <label htmlFor={tokenId}>{t('settings.serve.token')}</label>
        <div className="api-key-row">
          <input id={tokenId} readOnly spellCheck={false} value={token ?? '••••••••••••••••'} />
          <button type="button" className="secondary" onClick={() => (token === null ? void reveal() : setToken(null))}>
            {token === null ? t('settings.serve.token.reveal') : t('settings.serve.token.hide')}
          </button>
          <button type="button" className="secondary" onClick={() => void copy()}>
            {t('settings.serve.token.copy')}
          </button>
          <button type="button" className="secondary danger" onClick={() => void renew()}>
            {t('settings.serve.token.new')}
          </button>
        </div>
        <span className="field-note" role="status">
          {!serve.tokenSaved && t('settings.serve.token.sessionOnly')}
          {message && <span className="key-message"> {t(message)}</span>}
        </span>
      </div>
    </>
  );
}

/** A language code's name in the window's language (`Intl.DisplayNames`), with the code: "日本語 (ja)". */
function languageName(uiLanguage: string, code: string): string {
  let name: string | undefined;
  try {
    name = new Intl.DisplayNames([uiLanguage], { type: 'language' }).of(code);
  } catch {
    name = undefined;
  }
  return name && name !== code ? `${name} (${code})` : code;
}
