import type { MessageKey } from '../../shared/i18n';
import type { Settings } from '../../shared/ipc';

export type ToolSettings = Settings['tools'];
export type McpServer = ToolSettings['mcpServers'][number];

/** A problem the form finds before saving: the setting's path and what is wrong (a catalogue key and params). */
export interface FormProblem {
  path: string;
  key: MessageKey;
  params?: Record<string, unknown>;
}

const LABEL = /^[A-Za-z0-9_-]{1,64}$/;
/** An HTTP header name (RFC 9110 token), as main checks it before it stores a value. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/;

/**
 * What the form refuses before it asks main: main checks the settings' shape, but an MCP server is
 * reached by the model's service over the internet with the user's secrets in its headers, so the
 * form asks for https (the settings schema also takes http), a header name a server can receive,
 * and labels that tell servers apart (secrets are kept by label).
 */
export function toolSettingsProblems(tools: ToolSettings): FormProblem[] {
  const problems: FormProblem[] = [];
  tools.mcpServers.forEach((server, index) => {
    const at = `tools.mcpServers.${index}`;
    if (!LABEL.test(server.label)) problems.push({ path: `${at}.label`, key: 'tools.mcp.problem.label' });
    else if (tools.mcpServers.findIndex((s) => s.label === server.label) !== index) problems.push({ path: `${at}.label`, key: 'tools.mcp.problem.labelTaken' });
    if (!isHttps(server.url)) problems.push({ path: `${at}.url`, key: 'tools.mcp.problem.url' });
    for (const name of server.headerNames) {
      if (!HEADER_NAME.test(name)) problems.push({ path: `${at}.headerNames`, key: 'tools.mcp.problem.header', params: { name } });
    }
  });
  return problems;
}

function isHttps(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' && url.hostname !== '';
  } catch {
    return false;
  }
}

/** A comma-separated list as typed ("a, b,") to its items. */
export function parseList(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

export const formatList = (items: readonly string[] | undefined): string => (items ?? []).join(', ');

/** A built-in tool turned on or off: the `off` list without or with it. */
export function withToolOn(tools: ToolSettings, name: string, on: boolean): ToolSettings {
  const off = tools.off.filter((n) => n !== name);
  return { ...tools, off: on ? off : [...off, name] };
}

export const NEW_MCP_SERVER: McpServer = { label: '', url: 'https://', requireApproval: 'always', headerNames: [] };
