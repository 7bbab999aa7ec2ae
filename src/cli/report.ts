/**
 * Plain-text diagnostics for commands other than `lint` (which has its own formatters): one line per
 * problem in the `file:line:col: severity: message [code]` shape editors and CI logs recognise.
 */
import type { Diagnostic } from '../diagnostic.js';
import { compareDiagnostics } from '../diagnostic.js';

export function formatDiagnosticsText(diagnostics: readonly Diagnostic[]): string {
  return [...diagnostics]
    .sort(compareDiagnostics)
    .map((d) => {
      const head = `${d.span.file}:${d.span.line}:${d.span.column}: ${d.severity}: ${d.message} [${d.code}]`;
      return d.hint ? `${head}\n  hint: ${d.hint}` : head;
    })
    .map((s) => s + '\n')
    .join('');
}
