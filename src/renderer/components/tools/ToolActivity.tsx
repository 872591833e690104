import { memo } from 'react';
import { useT } from '../../i18n';
import type { ToolLine } from '../../state/types';
import { OUTCOME_KEYS, compactArguments, prettyArguments, toolName } from '../../state/toolWords';
import './tools.css';

/** A tool the assistant used, as its own transcript entry: its name, its arguments and how it ended. */
export const ToolActivity = memo(function ToolActivity({ line }: { line: ToolLine }) {
  const t = useT();
  const name = toolName(t, line.name, line.server);
  const args = compactArguments(line.arguments);
  const outcome = line.outcome ? t(OUTCOME_KEYS[line.outcome]) : t('tools.outcome.running');
  return (
    <div className={`tool-line tool-${line.outcome ?? 'running'}`} data-call-id={line.callId} role="group" aria-label={t('tools.activity.label', { tool: name })}>
      <div className="tool-head">
        <span className="tool-icon" aria-hidden="true" />
        <span className="tool-name">{line.source === 'mcp' ? t('tools.activity.mcp', { tool: name }) : name}</span>
        <span className="tool-outcome" data-outcome={line.outcome ?? 'running'}>
          {outcome}
        </span>
      </div>
      {args && <code className="tool-args">{args}</code>}
      {line.output !== undefined && line.output !== '' && (
        <details className="tool-details">
          <summary>{t('tools.activity.result')}</summary>
          <pre>{prettyArguments(line.output)}</pre>
        </details>
      )}
    </div>
  );
});
