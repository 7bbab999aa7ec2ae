/**
 * The one diagnostic shape used by every stage: the parser, the resolver, lint rules, the model compiler
 * and the runtime. A message says what is wrong in the user's terms; `hint` says what to do about it.
 */

/** A range of source text. Lines and columns are 1-based; `endColumn` points just past the last character. */
export interface Span {
  /** The file as the user named it (or as reached through Include), `-` or `<stdin>` for standard input. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  /** 0-based UTF-16 offsets into the file's text; `endOffset` is exclusive. */
  readonly offset: number;
  readonly endOffset: number;
}

export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  readonly severity: Severity;
  /** A lint rule id (`proxy-pass-reverse-missing`) or a stage error code (`syntax/unclosed-section`). */
  readonly code: string;
  readonly message: string;
  readonly span: Span;
  /** The command or edit that fixes it, e.g. `a2enmod proxy_http`. */
  readonly hint?: string;
  /** Other places that explain the problem (where a section was opened, the earlier rule that shadows). */
  readonly related?: readonly RelatedLocation[];
}

export interface RelatedLocation {
  readonly message: string;
  readonly span: Span;
}

export function isError(d: Diagnostic): boolean {
  return d.severity === 'error';
}

/** `file:line:col` the way compilers print it, for messages that point at another place. */
export function formatLocation(span: Span, relativeTo?: string): string {
  const file = relativeTo !== undefined && span.file === relativeTo ? '' : `${span.file}:`;
  return `${file}${span.line}:${span.column}`;
}

/** Stable order for output: by file, then position, then code. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  if (a.span.file !== b.span.file) return a.span.file < b.span.file ? -1 : 1;
  return a.span.offset - b.span.offset || a.span.line - b.span.line || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
}
