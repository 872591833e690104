import type { Settings } from '../settings';
import type { McpTool } from './types';

type McpServer = Settings['tools']['mcpServers'][number];

/**
 * Remote MCP servers as Realtime GA declares them. Header values come from the secrets
 * (`Credentials.mcpHeaders`, by label), only for the header names the settings list.
 */
export function mcpToolsOf(servers: readonly McpServer[], secrets: Record<string, Record<string, string>> = {}): McpTool[] {
  return servers.map((server) => {
    const values = secrets[server.label] ?? {};
    const headers = Object.fromEntries(server.headerNames.filter((name) => values[name] !== undefined).map((name) => [name, values[name] as string]));
    return {
      type: 'mcp',
      server_label: server.label,
      server_url: server.url,
      require_approval: server.requireApproval,
      ...(server.allowedTools ? { allowed_tools: server.allowedTools } : {}),
      ...(Object.keys(headers).length > 0 ? { headers } : {}),
    };
  });
}
