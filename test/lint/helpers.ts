/** Lint inline configs the way the CLI does: src/config load() over an in-memory tree, then lint(). */
import { describe, expect, it } from 'vitest';
import { load, memoryFs, type LoadResult } from '../../src/config/index.js';
import type { Diagnostic } from '../../src/diagnostic.js';
import { lint, type LintOptions, type LintResult } from '../../src/lint/index.js';

/** Modules a working reverse proxy with a balancer has (a2enmod names). */
export const PROXY_MODULES = ['proxy', 'proxy_http', 'proxy_balancer', 'slotmem_shm', 'lbmethod_byrequests', 'rewrite', 'headers', 'authz_core', 'authz_host', 'alias', 'status', 'ssl', 'proxy_wstunnel'];

export interface LintTextOptions extends LintOptions {
  /** Default: PROXY_MODULES. */
  readonly modules?: readonly string[] | 'debian-default';
  readonly file?: string;
  /** Other files of an in-memory tree (absolute path → text). */
  readonly files?: Readonly<Record<string, string>>;
  readonly serverRoot?: string;
}

export function loadText(text: string, options: LintTextOptions = {}): LoadResult {
  const file = options.file ?? '/srv/site.conf';
  const modules = options.modules === undefined ? PROXY_MODULES : options.modules === 'debian-default' ? undefined : options.modules;
  return load(
    { file, text },
    {
      fs: memoryFs({ ...(options.files ?? {}), ...(options.serverRoot === undefined ? {} : { [file]: text }) }),
      ...(modules !== undefined ? { modules } : {}),
      ...(options.serverRoot !== undefined ? { serverRoot: options.serverRoot } : { noTreeDetection: true }),
    },
  );
}

export function lintText(text: string, options: LintTextOptions = {}): LintResult {
  return lint(loadText(text, options), options);
}

/** Only the problems of one rule. */
export function problemsOf(text: string, rule: string, options: LintTextOptions = {}): Diagnostic[] {
  return lintText(text, options).diagnostics.filter((d) => d.code === rule);
}

export function codes(result: LintResult): string[] {
  return result.diagnostics.map((d) => d.code);
}

export interface Expect {
  /** How many problems of the rule (default 1). */
  readonly count?: number;
  readonly message?: RegExp;
  /** The exact hint, or a pattern. */
  readonly hint?: string | RegExp;
  readonly line?: number;
  readonly column?: number;
  readonly severity?: 'error' | 'warning';
}

export interface RuleCase {
  readonly name: string;
  readonly text: string;
  readonly expect?: Expect;
  readonly options?: LintTextOptions;
}

/** Table-driven fire / no-fire tests for one rule. */
export function ruleCases(rule: string, fire: readonly RuleCase[], quiet: readonly RuleCase[]): void {
  describe(rule, () => {
    it.each(fire.map((c) => [c.name, c] as const))('fires: %s', (_name, c) => {
      const found = problemsOf(c.text, rule, c.options);
      const e = c.expect ?? {};
      expect(found, JSON.stringify(found.map((d) => d.message))).toHaveLength(e.count ?? 1);
      const d = found[0]!;
      if (e.message) expect(d.message).toMatch(e.message);
      if (typeof e.hint === 'string') expect(d.hint).toBe(e.hint);
      else if (e.hint) expect(d.hint).toMatch(e.hint);
      if (e.line !== undefined) expect(d.span.line).toBe(e.line);
      if (e.column !== undefined) expect(d.span.column).toBe(e.column);
      if (e.severity !== undefined) expect(d.severity).toBe(e.severity);
    });
    it.each(quiet.map((c) => [c.name, c] as const))('stays quiet: %s', (_name, c) => {
      const found = problemsOf(c.text, rule, c.options);
      expect(found.map((d) => `${d.span.line}: ${d.message}`)).toEqual([]);
    });
  });
}
