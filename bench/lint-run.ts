/**
 * The measured work for `npm run bench:lint`, in its own process so its peak memory can be read from outside: read
 * one config file, resolve it (src/config load(), which parses it) and lint it, then format the result as the CLI
 * would (json). Prints one JSON line (LintRun) on stdout.
 *
 *   node dist/bench/lint-run.js FILE MODULES
 */
import { readFileSync } from 'node:fs';
import { load } from '../src/config/index.js';
import { FORMATTERS, lint } from '../src/lint/index.js';

export interface LintRun {
  readonly loadMs: number;
  readonly lintMs: number;
  readonly formatMs: number;
  readonly errors: number;
  readonly warnings: number;
  readonly firstProblem: string | null;
  readonly maxRssMb: number;
}

const [file, modules] = process.argv.slice(2);
if (!file || modules === undefined) throw new Error('usage: lint-run FILE MODULES');
const t0 = performance.now();
const loaded = load({ file, text: readFileSync(file, 'utf8') }, { noTreeDetection: true, modules: modules.split(',') });
const t1 = performance.now();
const result = lint(loaded);
const t2 = performance.now();
const text = FORMATTERS.json(result, {});
const t3 = performance.now();
const first = result.diagnostics[0];
const run: LintRun = {
  loadMs: t1 - t0,
  lintMs: t2 - t1,
  formatMs: t3 - t2,
  errors: result.errorCount,
  warnings: result.warningCount,
  firstProblem: first ? `${first.span.line}:${first.span.column} ${first.code}: ${first.message}` : null,
  maxRssMb: process.resourceUsage().maxRSS / 1024,
};
if (text.length === 0) throw new Error('no output');
process.stdout.write(`${JSON.stringify(run)}\n`);
