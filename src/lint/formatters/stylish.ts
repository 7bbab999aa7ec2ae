/**
 * The default output (ESLint's "stylish", plus a code frame): problems grouped by file, each with its position,
 * severity, message and rule, the source line with a caret at the column, and the fix; a summary; then what the
 * answer assumed (the module set, the Debian context a lone file was read in).
 */
import type { Diagnostic } from '../../diagnostic.js';
import { codeFrame, splitLines } from './code-frame.js';
import { paint } from './color.js';
import { displayPath } from './paths.js';
import type { Formatter } from './types.js';

/** Related places shown under a problem; the json and sarif formats keep them all. */
const MAX_RELATED = 3;

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export const stylish: Formatter = (result, options) => {
  const p = paint(options.color === true);
  const byFile = new Map<string, Diagnostic[]>();
  for (const d of result.diagnostics) {
    const list = byFile.get(d.span.file);
    if (list) list.push(d);
    else byFile.set(d.span.file, [d]);
  }
  const out: string[] = [];
  for (const [file, list] of byFile) {
    out.push(p.underline(displayPath(file, options.cwd)));
    const text = options.sources?.get(file);
    const lines = text !== undefined ? splitLines(text) : null;
    for (const d of list) {
      const sev = d.severity === 'error' ? p.red('error') : d.severity === 'warning' ? p.yellow('warning') : p.cyan('info');
      out.push(`  ${p.dim(`${d.span.line}:${d.span.column}`)}  ${sev}  ${d.message}  ${p.dim(d.code)}`);
      if (lines) {
        const frame = codeFrame(lines, d.span, p);
        if (frame) out.push(frame.replace(/^/gm, '    '));
      }
      if (d.hint !== undefined) {
        const [head, ...rest] = d.hint.split('\n');
        out.push(`    ${p.cyan('fix:')} ${head}${rest.map((l) => `\n         ${l}`).join('')}`);
      }
      const related = d.related ?? [];
      for (const r of related.slice(0, MAX_RELATED)) {
        out.push(`    ${p.dim(`${displayPath(r.span.file, options.cwd)}:${r.span.line}:${r.span.column}: ${r.message}`)}`);
      }
      if (related.length > MAX_RELATED) out.push(`    ${p.dim(`… and ${related.length - MAX_RELATED} more`)}`);
      out.push('');
    }
  }
  const total = result.errorCount + result.warningCount;
  if (total > 0) {
    const summary = `✖ ${plural(total, 'problem')} (${plural(result.errorCount, 'error')}, ${plural(result.warningCount, 'warning')})`;
    out.push(result.errorCount > 0 ? p.red(p.bold(summary)) : p.yellow(p.bold(summary)));
  } else {
    out.push(p.bold('✔ no problems'));
  }
  const assumptions = options.assumptions ?? [];
  if (assumptions.length > 0) {
    out.push('');
    out.push(p.dim('Assumed:'));
    for (const a of assumptions) out.push(p.dim(`  - ${a}`));
  }
  return out.join('\n') + '\n';
};
