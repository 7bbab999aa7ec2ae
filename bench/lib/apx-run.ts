/**
 * The measured work for apx, run in its own process by bench/parse.ts so its peak memory can be read from outside:
 * read one config file, parse it, and resolve it with src/config's load() when that stage exists. Prints one JSON
 * line (ApxRun) on stdout.
 *
 *   node dist/bench/lib/apx-run.js FILE
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Diagnostic } from '../../src/diagnostic.js';
import { sameName } from '../../src/syntax/names.js';
import { parse } from '../../src/syntax/parse.js';

export interface ApxRun {
  /** What was measured: `parse + resolve` when src/config's load() ran, else `parse only`. */
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

interface ConfigModule {
  load?: (entry: unknown, options?: unknown) => unknown;
}

/** src/config is optional: it may not exist yet in this checkout, so it is found at run time. */
async function configStage(): Promise<ConfigModule['load'] | null> {
  const url = new URL('../../src/config/index.js', import.meta.url);
  if (!existsSync(fileURLToPath(url))) return null;
  const mod = (await import(url.href)) as ConfigModule;
  return typeof mod.load === 'function' ? mod.load : null;
}

function diagnosticsOf(result: unknown): readonly Diagnostic[] {
  const ds = (result as { diagnostics?: unknown } | null)?.diagnostics;
  return Array.isArray(ds) ? (ds as Diagnostic[]) : [];
}

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error('usage: apx-run FILE');
  const load = await configStage();

  const started = performance.now();
  const text = readFileSync(file, 'utf8');
  const parsed = parse(text, file);
  let diagnostics: readonly Diagnostic[] = parsed.diagnostics;
  if (load) {
    const resolved = await load({ file, text }, {});
    diagnostics = [...diagnostics, ...diagnosticsOf(resolved)];
  }
  const workMs = performance.now() - started;

  const vhosts = parsed.ast.children.filter((n) => n.kind === 'section' && sameName(n.name, 'VirtualHost')).length;
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const run: ApxRun = {
    stage: load ? 'parse + resolve' : 'parse only',
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
