/** `--format json`: an array of diagnostics, one flat object each (issue 3's field list), for scripts and jq. */
import type { Formatter } from './types.js';

export interface JsonDiagnostic {
  readonly code: string;
  readonly severity: 'error' | 'warning' | 'info';
  readonly message: string;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly hint: string | null;
  readonly related: readonly { readonly message: string; readonly file: string; readonly line: number; readonly column: number }[];
}

export const json: Formatter = (result) => {
  const out: JsonDiagnostic[] = result.diagnostics.map((d) => ({
    code: d.code,
    severity: d.severity,
    message: d.message,
    file: d.span.file,
    line: d.span.line,
    column: d.span.column,
    endLine: d.span.endLine,
    endColumn: d.span.endColumn,
    hint: d.hint ?? null,
    related: (d.related ?? []).map((r) => ({ message: r.message, file: r.span.file, line: r.span.line, column: r.span.column })),
  }));
  return JSON.stringify(out, null, 2) + '\n';
};
