import type { IDiagnostic } from '../model/types';

/**
 * A diagnostic's message without the "Node "x" (id), property "p": " prefix the model
 * adds for the CLI. The editor shows the node and property itself (on the node, in the
 * form field, in the problems list), so the prefix would only repeat them.
 */
export function problemText(d: IDiagnostic): string {
  const prefixes: string[] = [];
  if (d.nodeId) {
    const who = d.nodeLabel ? `Node "${d.nodeLabel}" (${d.nodeId})` : `Node ${d.nodeId}`;
    prefixes.push(d.property ? `${who}, property "${d.property}": ` : `${who}: `);
  } else if (d.property) {
    prefixes.push(`Pipeline property "${d.property}": `);
  }
  for (const prefix of prefixes) {
    if (d.message.startsWith(prefix)) {
      const rest = d.message.slice(prefix.length);
      return rest.charAt(0).toUpperCase() + rest.slice(1);
    }
  }
  return d.message;
}
