import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { keyed, messageWords, type MessageKey } from '../../../shared/i18n';
import type { SettingsView } from '../../../shared/ipc';
import { useBridge } from '../../bridge';
import { useT } from '../../i18n';
import { NEW_MCP_SERVER, formatList, parseList, toolSettingsProblems, withToolOn, type McpServer, type ToolSettings } from '../../state/toolSettings';
import { toolName } from '../../state/toolWords';
import { SecretField } from '../SecretField';
import './tools.css';

interface Props {
  view: SettingsView;
  /** The form's draft of the tools settings; saved with the rest of the form. */
  tools: ToolSettings;
  onChange: (tools: ToolSettings) => void;
  /** The setting is fixed by the environment. */
  locked: (path: string) => boolean;
  /** What main refused, in words, for a setting and everything under it. */
  fieldErrors: (path: string) => string[];
  onViewChange: (view: SettingsView) => void;
}

const APPROVAL_NAMES: Record<string, MessageKey> = {
  always: 'tools.mcp.approval.always',
  never: 'tools.mcp.approval.never',
};

/**
 * The Tools section of Settings: tools on or off, each built-in tool on or off (and whether it asks
 * first), the "always allow" list and its reset, and remote MCP servers with write-only header
 * values (like the API key: the window sets or clears a value, and only learns whether one is set).
 */
export function ToolsSettings({ view, tools, onChange, locked, fieldErrors, onViewChange }: Props) {
  const t = useT();
  const choicesId = useId();
  const problems = toolSettingsProblems(tools);
  const errorsAt = (path: string) => [...fieldErrors(path), ...problems.filter((p) => p.path === path).map((p) => messageWords(t, keyed(p.key, p.params)))];
  const setServer = (index: number, server: McpServer) => onChange({ ...tools, mcpServers: tools.mcpServers.map((s, i) => (i === index ? server : s)) });
  const allowed = tools.alwaysAllow;

  return (
    <fieldset className="settings-section tools-settings">
      <legend>{t('tools.settings.section')}</legend>
      <label className="check">
        <input type="checkbox" checked={tools.enabled} disabled={locked('tools.enabled')} onChange={(e) => onChange({ ...tools, enabled: e.target.checked })} />
        <span>
          {t('tools.settings.enabled')}
          <span className="field-note">{t('tools.settings.enabled.hint')}</span>
        </span>
      </label>

      <div className="field wide" data-path="tools.off">
        <span className="field-label" id={choicesId}>
          {t('tools.settings.builtIn')}
        </span>
        <ul className="tool-choices" aria-labelledby={choicesId}>
          {view.options.tools.map((tool) => (
              <li key={tool.name}>
                <label className="check">
                  <input type="checkbox" checked={!tools.off.includes(tool.name)} disabled={!tools.enabled || locked('tools.off')} onChange={(e) => onChange(withToolOn(tools, tool.name, e.target.checked))} />
                  <span>
                    {toolName(t, tool.name)}
                    <span className="field-note tool-choice-note">
                      {!tool.needsConsent ? t('tools.settings.noConsent') : allowed.includes(tool.name) ? t('tools.settings.alwaysAllowed') : t('tools.settings.asksFirst')}
                    </span>
                  </span>
                </label>
              </li>
          ))}
        </ul>
      </div>

      <ServerField label={t('tools.settings.liveBackendModel')} errors={errorsAt('tools.liveBackendModel')} hint={t('tools.settings.liveBackendModel.hint')} wide>
        {(id, describedBy) => (
          <input id={id} aria-describedby={describedBy} value={tools.liveBackendModel} readOnly={locked('tools.liveBackendModel')} spellCheck={false} onChange={(e) => onChange({ ...tools, liveBackendModel: e.target.value })} />
        )}
      </ServerField>

      <div className="field wide" data-path="tools.alwaysAllow">
        <span className="field-label">{t('tools.settings.alwaysAllow')}</span>
        <span className="field-note" role="status">
          {allowed.length === 0 ? t('tools.settings.alwaysAllow.none') : t('tools.settings.alwaysAllow.some', { count: allowed.length, tools: allowed.map((n) => toolName(t, n)).join(', ') })}
        </span>
        <div>
          <button type="button" className="secondary" disabled={allowed.length === 0 || locked('tools.alwaysAllow')} onClick={() => onChange({ ...tools, alwaysAllow: [] })}>
            {t('tools.settings.alwaysAllow.reset')}
          </button>
        </div>
      </div>

      <div className="field wide" data-path="tools.mcpServers">
        <span className="field-label">{t('tools.mcp.title')}</span>
        <span className="field-note">{t('tools.mcp.hint')}</span>
        <ul className="mcp-servers">
          {tools.mcpServers.map((server, index) => (
            <McpServerEditor
              key={index}
              index={index}
              server={server}
              saved={view.settings.tools.mcpServers.find((s) => s.label === server.label)}
              headersSet={view.mcpHeadersSet[server.label] ?? []}
              approvals={view.options.mcpApprovals}
              locked={locked('tools.mcpServers')}
              errorsAt={errorsAt}
              onChange={(next) => setServer(index, next)}
              onRemove={() => onChange({ ...tools, mcpServers: tools.mcpServers.filter((_, i) => i !== index) })}
              onHeaderSet={(header, set) => {
                const names = new Set(view.mcpHeadersSet[server.label] ?? []);
                if (set) names.add(header);
                else names.delete(header);
                const mcpHeadersSet = { ...view.mcpHeadersSet };
                if (names.size > 0) mcpHeadersSet[server.label] = [...names];
                else delete mcpHeadersSet[server.label];
                onViewChange({ ...view, mcpHeadersSet });
              }}
            />
          ))}
        </ul>
        <div>
          <button type="button" className="secondary" disabled={locked('tools.mcpServers')} onClick={() => onChange({ ...tools, mcpServers: [...tools.mcpServers, { ...NEW_MCP_SERVER }] })}>
            {t('tools.mcp.add')}
          </button>
        </div>
      </div>
    </fieldset>
  );
}

interface ServerProps {
  index: number;
  server: McpServer;
  /** The server as saved (same label): only its headers can take a value. */
  saved: McpServer | undefined;
  headersSet: readonly string[];
  /** The approval policies main offers. */
  approvals: readonly string[];
  locked: boolean;
  errorsAt: (path: string) => string[];
  onChange: (server: McpServer) => void;
  onRemove: () => void;
  onHeaderSet: (header: string, set: boolean) => void;
}

function McpServerEditor({ index, server, saved, headersSet, approvals, locked, errorsAt, onChange, onRemove, onHeaderSet }: ServerProps) {
  const t = useT();
  const at = `tools.mcpServers.${index}`;
  const name = server.label || t('tools.mcp.unnamed', { number: index + 1 });
  return (
    <li className="mcp-server" role="group" aria-label={t('tools.mcp.server', { name })} data-path={at}>
      <ServerField label={t('tools.mcp.label')} errors={errorsAt(`${at}.label`)}>
        {(id, describedBy) => <input id={id} aria-describedby={describedBy} value={server.label} readOnly={locked} spellCheck={false} placeholder="my-server" onChange={(e) => onChange({ ...server, label: e.target.value })} />}
      </ServerField>
      <ServerField label={t('tools.mcp.approval')} errors={errorsAt(`${at}.requireApproval`)}>
        {(id, describedBy) => (
          <select id={id} aria-describedby={describedBy} value={server.requireApproval} disabled={locked} onChange={(e) => onChange({ ...server, requireApproval: e.target.value as McpServer['requireApproval'] })}>
            {approvals.map((value) => (
              <option key={value} value={value}>
                {APPROVAL_NAMES[value] ? t(APPROVAL_NAMES[value]) : value}
              </option>
            ))}
          </select>
        )}
      </ServerField>
      <ServerField label={t('tools.mcp.url')} errors={errorsAt(`${at}.url`)} wide>
        {(id, describedBy) => <input id={id} aria-describedby={describedBy} type="url" value={server.url} readOnly={locked} spellCheck={false} placeholder="https://example.com/mcp" onChange={(e) => onChange({ ...server, url: e.target.value })} />}
      </ServerField>
      <ServerField label={t('tools.mcp.allowedTools')} errors={errorsAt(`${at}.allowedTools`)} wide>
        {(id, describedBy) => <ListInput id={id} describedBy={describedBy} value={server.allowedTools} readOnly={locked} placeholder={t('tools.mcp.allowedTools.all')} onChange={(list) => onChange(withAllowedTools(server, list))} />}
      </ServerField>
      <ServerField label={t('tools.mcp.headerNames')} errors={errorsAt(`${at}.headerNames`)} wide>
        {(id, describedBy) => <ListInput id={id} describedBy={describedBy} value={server.headerNames} readOnly={locked} placeholder="Authorization" onChange={(headerNames) => onChange({ ...server, headerNames })} />}
      </ServerField>
      {server.headerNames.map((header) => (
        <HeaderValue key={header} label={server.label} header={header} saved={saved?.headerNames.includes(header) === true} isSet={headersSet.includes(header)} onSet={(set) => onHeaderSet(header, set)} />
      ))}
      <div className="mcp-server-actions">
        <button type="button" className="secondary danger" disabled={locked} onClick={onRemove}>
          {t('tools.mcp.remove')}
        </button>
      </div>
    </li>
  );
}

function withAllowedTools(server: McpServer, list: string[]): McpServer {
  const { allowedTools: _all, ...rest } = server;
  return list.length > 0 ? { ...rest, allowedTools: list } : rest;
}

/** One setting (of a server, or the tools' own): its label, the control, and what is wrong with it (described-by, not part of its name). */
function ServerField({ label, errors, hint, wide, children }: { label: string; errors: string[]; hint?: string; wide?: boolean; children: (id: string, describedBy: string | undefined) => ReactNode }) {
  const id = useId();
  const noteId = `${id}-note`;
  const hasNote = errors.length > 0 || hint !== undefined;
  return (
    <div className={`mcp-field${wide ? ' wide' : ''}${errors.length > 0 ? ' invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children(id, hasNote ? noteId : undefined)}
      {hasNote && (
        <span id={noteId} className="field-note">
          {errors.map((e) => (
            <span key={e} className="field-error">
              {e}
            </span>
          ))}
          {errors.length === 0 && hint}
        </span>
      )}
    </div>
  );
}

/** A comma-separated list: the text stays as typed ("a, "), the list follows it. */
function ListInput({ id, describedBy, value, readOnly, placeholder, onChange }: { id: string; describedBy: string | undefined; value: readonly string[] | undefined; readOnly: boolean; placeholder: string; onChange: (list: string[]) => void }) {
  const [text, setText] = useState(formatList(value));
  // A new list from outside (Revert, a save) replaces the text; the list the text already says does not.
  const said = useRef(parseList(text));
  useEffect(() => {
    if (JSON.stringify(value ?? []) !== JSON.stringify(said.current)) {
      setText(formatList(value));
      said.current = [...(value ?? [])];
    }
  }, [value]);
  return (
    <input
      id={id}
      aria-describedby={describedBy}
      value={text}
      readOnly={readOnly}
      spellCheck={false}
      placeholder={placeholder}
      onChange={(e) => {
        setText(e.target.value);
        said.current = parseList(e.target.value);
        onChange(said.current);
      }}
    />
  );
}

/**
 * Write-only, like the API key: a value goes to main and is never read back. A header of a server
 * that is not saved yet takes its value after Save (main keeps values only for saved headers).
 */
function HeaderValue({ label, header, saved, isSet, onSet }: { label: string; header: string; saved: boolean; isSet: boolean; onSet: (set: boolean) => void }) {
  const bridge = useBridge();
  const t = useT();
  return (
    <SecretField
      className="wide mcp-header"
      rowClassName="mcp-header-row"
      data={{ 'data-header': header }}
      label={t('tools.mcp.value', { header })}
      placeholder={isSet ? t('tools.mcp.value.placeholderReplace') : t('tools.mcp.value.placeholder')}
      disabled={!saved}
      saveLabel={t('tools.mcp.value.save')}
      clearLabel={t('tools.mcp.value.clear')}
      canClear={isSet}
      note={!saved ? t('tools.mcp.value.saveFirst') : isSet ? t('tools.mcp.value.set') : t('tools.mcp.value.none')}
      showMessage
      failedMessage="tools.mcp.value.failed"
      save={async (value) => {
        const { set } = await bridge.setMcpHeader(label, header, value);
        onSet(set);
        return value === null ? 'tools.mcp.value.removed' : set ? 'tools.mcp.value.saved' : 'tools.mcp.value.failed';
      }}
    />
  );
}
