/**
 * The measured work for apx, run in its own process by bench/parse.ts so its peak memory can be read from outside:
 * read one config file and parse it (`parse`), or read it and resolve it with src/config's load(), which parses
 * it too (`resolve`). Prints one JSON line (ApxRun) on stdout.
 *
 *   node dist/bench/lib/apx-run.js FILE [parse|resolve]
 */
import { readFileSync } from 'node:fs';
import type { Diagnostic } from '../../src/diagnostic.js';
import type { ConfigFile } from '../../src/syntax/ast.js';
import { sameName } from '../../src/syntax/names.js';
import { parse } from '../../src/syntax/parse.js';
import { load } from '../../src/config/index.js';
import { STAGE_LABEL, type Stage } from './config-stage.js';

export interface ApxRun {
  /** What was measured: `parse only`, or `parse + resolve` (src/config's load(), which parses the file itself). */
  readonly stage: string;
  /** Read + parse (+ resolve), milliseconds, measured inside the process (no Node start-up). */
  readonly workMs: number;
  /** Top-level <VirtualHost> sections in the syntax tree: proof that the file was really parsed. */
  readonly vhosts: number;
  readonly errors: number;
  readonly firstError: string | null;
  /** process.resourceUsage().maxRSS, MB. */
  readonly maxRssMb: number;
}

async function main(): Promise<void> {
  const file = process.argv[2];
  const stage = (process.argv[3] ?? 'parse') as Stage;
  if (!file || !(stage in STAGE_LABEL)) throw new Error('usage: apx-run FILE [parse|resolve]');

  const started = performance.now();
  const text = readFileSync(file, 'utf8');
  let ast: ConfigFile | undefined;
  let diagnostics: readonly Diagnostic[];
  if (stage === 'resolve') {
    // A lone file in the default Debian context: what `apx lint FILE` does for a site file.
    const r = load({ file, text }, { noTreeDetection: true });
    ast = r.entryFile?.ast;
    diagnostics = r.diagnostics;
  } else {
    const r = parse(text, file);
    ast = r.ast;
    diagnostics = r.diagnostics;
  }
  const workMs = performance.now() - started;

  const vhosts = (ast?.children ?? []).filter((n) => n.kind === 'section' && sameName(n.name, 'VirtualHost')).length;
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const run: ApxRun = {
    stage: STAGE_LABEL[stage],
    workMs,
    vhosts,
    errors: errors.length,
    firstError: errors[0] ? `${errors[0].span.line}:${errors[0].span.column} ${errors[0].code}: ${errors[0].message}` : null,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  };
  process.stdout.write(`${JSON.stringify(run)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
