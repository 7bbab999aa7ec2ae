/**
 * Config text → ProxyModel the way `apx serve` needs it: load → lint → compile, with the lone-file module
 * assumption. Pure: nothing is printed; the caller (the CLI, a user's script) decides what to show.
 *
 *   const r = prepare({ file: '000-default.conf', text }, {});
 *   if (r.model) await startProxy(r.model, {});
 */
import type { Diagnostic } from '../diagnostic.js';
import { isError } from '../diagnostic.js';
import { load, type LoadOptions } from '../config/index.js';
import type { LoadResult } from '../config/types.js';
import { modulesTheFileNeeds } from '../config/assume.js';
import { lint, type LintOptions } from '../lint/index.js';
import { compile } from '../model/index.js';
import type { ProxyModel } from '../model/types.js';

export interface PrepareOptions extends LoadOptions {
  /**
   * A file read with Debian's default module set (no --modules, no LoadModule, no tree) is run as if the modules
   * its directives and proxy URLs need had been enabled — deviation `lone-file-modules`. Default true.
   */
  readonly assumeNeededModules?: boolean;
  /** Passed to lint (rule settings). */
  readonly lint?: LintOptions;
}

export interface PrepareResult {
  /** The model to serve; null when lint or compile found an error. */
  readonly model: ProxyModel | null;
  readonly loaded: LoadResult;
  /** Lint's diagnostics, then compile's that lint did not already report; in that order. */
  readonly diagnostics: readonly Diagnostic[];
  /** Where it stopped: `lint` (a lint error), `compile` (no model could be built), or null. */
  readonly failedAt: 'lint' | 'compile' | null;
  /** a2enmod names assumed by `assumeNeededModules`, sorted; [] when none. */
  readonly assumedModules: readonly string[];
}

function diagKey(d: Diagnostic): string {
  return `${d.code}\u0000${d.span.file}:${d.span.offset}:${d.span.endOffset}\u0000${d.message}`;
}

export function prepare(input: { readonly file: string; readonly text: string }, options: PrepareOptions = {}): PrepareResult {
  const { assumeNeededModules = true, lint: lintOptions, ...loadOptions } = options;
  let loaded = load(input, loadOptions);
  let assumed: string[] = [];
  if (assumeNeededModules && loaded.modules.source === 'debian-default') {
    // Directives inside `<IfModule mod_proxy.c>` only become visible once mod_proxy is assumed: repeat until stable.
    for (let round = 0; round < 3; round++) {
      const more = modulesTheFileNeeds(loaded);
      if (more.length === 0) break;
      assumed = [...new Set([...assumed, ...more])].sort();
      loaded = load(input, { ...loadOptions, modules: [...loaded.modules.names, ...more] });
    }
  }
  const linted = lint(loaded, lintOptions);
  if (linted.errorCount > 0) return { model: null, loaded, diagnostics: linted.diagnostics, failedAt: 'lint', assumedModules: assumed };
  const printed = new Set(linted.diagnostics.map(diagKey));
  const compiled = compile(loaded);
  const fresh = compiled.diagnostics.filter((d) => !printed.has(diagKey(d)));
  const diagnostics = [...linted.diagnostics, ...fresh];
  if (compiled.model === null || fresh.some(isError)) return { model: null, loaded, diagnostics, failedAt: 'compile', assumedModules: assumed };
  return { model: compiled.model, loaded, diagnostics, failedAt: null, assumedModules: assumed };
}
