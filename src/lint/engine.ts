/**
 * The lint engine: runs every enabled rule over one resolved tree, adds the syntax and config diagnostics the load
 * produced (so one run shows every problem), applies `--rule` overrides and `# apx-disable-next-line` comments,
 * and returns the diagnostics sorted with their counts.
 */
import type { Diagnostic, Severity } from '../diagnostic.js';
import { compareDiagnostics } from '../diagnostic.js';
import type { LoadResult } from '../config/types.js';
import { LintRun, ruleContext } from './context.js';
import { collectDisables, isDisabled } from './disable.js';
import { RULES } from './rules/index.js';
import type { Problem, Rule } from './types.js';

export type RuleSetting = 'off' | 'warn' | 'error';

export interface LintOptions {
  /** Per-rule overrides (`--rule proxy-pass-reverse-missing=off`); also accepts load codes (`syntax/bom`). */
  readonly rules?: Readonly<Record<string, RuleSetting>>;
  /** The rules to run (default: every rule apx has). */
  readonly ruleSet?: readonly Rule[];
}

export interface LintResult {
  /** Syntax, config and rule diagnostics, after overrides and `# apx-disable-next-line`, sorted. */
  readonly diagnostics: readonly Diagnostic[];
  readonly errorCount: number;
  readonly warningCount: number;
}

/** The code of a rule that threw: apx's own bug, reported rather than crashing the run. */
export const INTERNAL_ERROR_CODE = 'lint/internal-error';

function applySetting(severity: Severity, setting: RuleSetting | undefined): Severity | null {
  if (setting === 'off') return null;
  if (setting === 'warn') return 'warning';
  if (setting === 'error') return 'error';
  return severity;
}

export function lint(loaded: LoadResult, options: LintOptions = {}): LintResult {
  const settings = options.rules ?? {};
  const out: Diagnostic[] = [];
  for (const d of loaded.diagnostics) {
    const severity = applySetting(d.severity, Object.hasOwn(settings, d.code) ? settings[d.code] : undefined);
    if (severity !== null) out.push(severity === d.severity ? d : { ...d, severity });
  }

  const run = new LintRun(loaded);
  for (const rule of options.ruleSet ?? RULES) {
    const { id } = rule.meta;
    const setting = Object.hasOwn(settings, id) ? settings[id] : undefined;
    if (setting === 'off') continue;
    const report = (p: Problem): void => {
      const severity = applySetting(p.severity ?? rule.meta.severity, setting)!;
      out.push({
        severity,
        code: id,
        message: p.message,
        span: p.span,
        ...(p.hint !== undefined ? { hint: p.hint } : {}),
        ...(p.related !== undefined && p.related.length > 0 ? { related: p.related } : {}),
      });
    };
    try {
      rule.check(ruleContext(run, report));
    } catch (err) {
      out.push({
        severity: 'error',
        code: INTERNAL_ERROR_CODE,
        message: `apx's rule ${id} failed on this config (${err instanceof Error ? err.message : String(err)}); please report it`,
        span: loaded.root.ast.children[0]?.span ?? { file: loaded.root.path, line: 1, column: 1, endLine: 1, endColumn: 1, offset: 0, endOffset: 0 },
      });
    }
  }

  // Only files with something to report can silence it (a clean 10 MB config needs no comment scan).
  const disables = out.length === 0 ? new Map() : collectDisables(loaded, new Set(out.map((d) => d.span.file)));
  const kept = out.filter((d) => !isDisabled(d, disables)).sort(compareDiagnostics);
  // The same problem reached twice (a file Included from two places) is one problem.
  const unique: Diagnostic[] = [];
  let prev: Diagnostic | undefined;
  for (const d of kept) {
    if (prev && prev.code === d.code && prev.span.file === d.span.file && prev.span.offset === d.span.offset && prev.message === d.message) continue;
    unique.push(d);
    prev = d;
  }
  return {
    diagnostics: unique,
    errorCount: unique.filter((d) => d.severity === 'error').length,
    warningCount: unique.filter((d) => d.severity === 'warning').length,
  };
}
