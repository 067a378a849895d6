/**
 * Diagnostics for people (one line each: file, severity, message naming node and
 * property, code) and for machines (`--json`).
 */
import type { IDiagnostic } from '../compiler/model';

export interface IReporter {
  out: (text: string) => void;
  err: (text: string) => void;
}

export const stdio: IReporter = {
  out: text => process.stdout.write(text),
  err: text => process.stderr.write(text)
};

/** `FILE: error: Node "Load data" (abc), property "cpu": must be … [invalid-resource]` */
export function formatDiagnostic(file: string, d: IDiagnostic): string {
  const message = d.message.replace(/\s*[\r\n]+\s*/g, ' ');
  const where = d.nodeId && !message.includes(d.nodeId) ? ` (node ${d.nodeLabel ? `"${d.nodeLabel}" ` : ''}${d.nodeId})` : '';
  return `${file}: ${d.severity}: ${message}${where} [${d.code}]`;
}

export function printDiagnostics(reporter: IReporter, file: string, diagnostics: IDiagnostic[]): void {
  for (const d of diagnostics) {
    reporter.err(formatDiagnostic(file, d) + '\n');
  }
}

/** The JSON form of a diagnostic: the model's fields plus the file. */
export function diagnosticJson(file: string, d: IDiagnostic): Record<string, unknown> {
  return { file, ...d };
}

export function printJson(reporter: IReporter, value: unknown): void {
  reporter.out(JSON.stringify(value, null, 2) + '\n');
}
