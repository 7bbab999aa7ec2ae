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
  /** From process start to the first line of this script: Node's own start-up and loading apx's modules. */
  readonly startMs: number;
  readonly loadMs: number;
  readonly lintMs: number;
  readonly formatMs: number;
  /**
   * CPU time (user + system, all threads: the garbage collector's helpers too) of the same phases. On a shared
   * machine wall time swings with the other processes; CPU time much less.
   */
  readonly cpu: { readonly start: number; readonly load: number; readonly lint: number; readonly format: number };
  readonly errors: number;
  readonly warnings: number;
  readonly firstProblem: string | null;
  readonly maxRssMb: number;
}

// performance.now() counts from the process's time origin, so the first reading is the start-up cost.
const t0 = performance.now();
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const c0 = cpuMs();
const [file, modules] = process.argv.slice(2);
if (!file || modules === undefined) throw new Error('usage: lint-run FILE MODULES');
const loaded = load({ file, text: readFileSync(file, 'utf8') }, { noTreeDetection: true, modules: modules.split(',') });
const t1 = performance.now();
const c1 = cpuMs();
const result = lint(loaded);
const t2 = performance.now();
const c2 = cpuMs();
const text = FORMATTERS.json(result, {});
const t3 = performance.now();
const c3 = cpuMs();
const first = result.diagnostics[0];
const run: LintRun = {
  startMs: t0,
  loadMs: t1 - t0,
  lintMs: t2 - t1,
  formatMs: t3 - t2,
  cpu: { start: c0, load: c1 - c0, lint: c2 - c1, format: c3 - c2 },
  errors: result.errorCount,
  warnings: result.warningCount,
  firstProblem: first ? `${first.span.line}:${first.span.column} ${first.code}: ${first.message}` : null,
  maxRssMb: process.resourceUsage().maxRSS / 1024,
};
if (text.length === 0) throw new Error('no output');
process.stdout.write(`${JSON.stringify(run)}\n`);
