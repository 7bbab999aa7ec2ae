/**
 * src/lint: rules over the resolved tree. PLACEHOLDER until engine.ts lands (issue 3).
 */
import type { Diagnostic } from '../diagnostic.js';
import type { LoadResult } from '../config/types.js';

export type RuleSetting = 'off' | 'warn' | 'error';

export interface LintOptions {
  /** Per-rule overrides (`--rule proxy-pass-reverse-missing=off`). */
  readonly rules?: Readonly<Record<string, RuleSetting>>;
}

export interface LintResult {
  /** Syntax, config and rule diagnostics, after overrides and `# apx-disable-next-line`, sorted. */
  readonly diagnostics: readonly Diagnostic[];
  readonly errorCount: number;
  readonly warningCount: number;
}

export function lint(_loaded: LoadResult, _options: LintOptions = {}): LintResult {
  throw new Error('src/lint lint() is not built yet');
}
