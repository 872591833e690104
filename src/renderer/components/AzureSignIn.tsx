import { useState } from 'react';
import { messageWords } from '../../shared/i18n';
import type { AzureSignInResult, Settings as SettingsValues, SettingsView } from '../../shared/ipc';
import { useBridge } from '../bridge';
import { useT } from '../i18n';
import { Field } from './SettingsFields';

type Azure = SettingsValues['azure'];

interface Props {
  view: SettingsView;
  azure: Azure;
  onChange: (change: Partial<Azure>) => void;
  onViewChange: (view: SettingsView) => void;
  locked: (path: string) => boolean;
  fieldErrors: (path: string) => string[];
}

/**
 * Microsoft Entra ID in the window: the tenant and the app registration, and Sign in (the system
 * browser, in main). The window learns the account's name, never a token.
 */
export function AzureSignIn({ view, azure, onChange, onViewChange, locked, fieldErrors }: Props) {
  const bridge = useBridge();
  const t = useT();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<AzureSignInResult['problem'] | null>(null);
  const unsaved = azure.tenantId !== view.settings.azure.tenantId || azure.clientId !== view.settings.azure.clientId;
  const { signedIn, account } = view.azureSignIn;

  const signIn = async () => {
    setBusy(true);
    setProblem(null);
    try {
      const result = await bridge.signInAzure();
      if (result.signedIn) onViewChange({ ...view, azureSignIn: { signedIn: true, ...(result.account ? { account: result.account } : {}) } });
      else setProblem(result.problem ?? null);
    } catch (error) {
      setProblem({ key: 'main.signIn.failed', params: { detail: error instanceof Error ? error.message : String(error) } });
    } finally {
      setBusy(false);
    }
  };

  const status = busy
    ? t('settings.azureSignIn.busy')
    : problem
      ? messageWords(t, problem)
      : unsaved
        ? t('settings.azureSignIn.saveFirst')
        : signedIn
          ? t('settings.azureSignIn.signedIn', { account: account ?? '' })
          : t('settings.azureSignIn.none');
  const fields = [
    ['tenantId', 'settings.azureTenantId', 'settings.azureTenantId.hint', 'contoso.onmicrosoft.com'],
    ['clientId', 'settings.azureClientId', 'settings.azureClientId.hint', '00000000-0000-0000-0000-000000000000'],
  ] as const;

  return (
    <>
      {fields.map(([name, label, hint, placeholder]) => (
        <Field key={name} label={t(label)} path={`azure.${name}`} locked={locked(`azure.${name}`)} errors={fieldErrors(`azure.${name}`)} hint={t(hint)}>
          {(id, describedBy) => (
            <input id={id} aria-describedby={describedBy} spellCheck={false} value={azure[name] ?? ''} readOnly={locked(`azure.${name}`)} placeholder={placeholder} onChange={(e) => onChange({ [name]: e.target.value || undefined })} />
          )}
        </Field>
      ))}
      <div className="field wide azure-sign-in" data-path="azure.signIn">
        <button type="button" className="secondary" disabled={unsaved} onClick={() => void signIn()}>
          {t('settings.azureSignIn')}
        </button>
        <span className={`field-note${problem && !busy ? ' field-error' : ''}`} role={problem && !busy ? 'alert' : 'status'}>
          {status}
        </span>
      </div>
    </>
  );
}
