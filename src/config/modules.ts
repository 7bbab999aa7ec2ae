/**
 * The module set while a tree is read. httpd runs LoadModule as the line is read (EXEC_ON_READ), so an
 * `<IfModule>` sees only the modules loaded above it; compiled-in modules (core, so, http, log_config, logio,
 * version, unixd, watchdog on Debian) are always there.
 */
import type { Span } from '../diagnostic.js';
import {
  defaultDebianModules,
  lookupDirective,
  lookupSection,
  moduleByName,
  moduleForIfModule,
  normalizeModuleName,
  staticModules,
  type DirectiveInfo,
} from '../directives/index.js';
import type { ModuleSet, ModuleSetSource } from './types.js';

/** How an `<IfModule>` argument names its module. */
export type IfModuleForm =
  /** `mod_proxy.c` or `proxy_module`: what httpd matches (core.c start_ifmod / find_module). */
  | 'exact'
  /** `mod_proxy`: apx reads it as the module, httpd does not (checked on 2.4.71). */
  | 'mod-prefix'
  /** Another spelling of a known module (`proxy`, `MOD_PROXY.C`, `mod_proxy.so`): httpd matches nothing. */
  | 'other'
  /** A module the registry does not know (third-party); true only if a LoadModule named it. */
  | 'unknown';

export interface IfModuleTest {
  readonly value: boolean;
  readonly form: IfModuleForm;
  /** The module meant, when known: its symbol and source name, the two spellings httpd matches. */
  readonly module: { readonly symbol: string; readonly source: string } | null;
}

/** The stem httpd's own naming gives a module the registry does not know: `php_module` → `php`. */
function unknownStem(symbol: string): string {
  return symbol.replace(/_module$/, '');
}

export class ModuleTracker {
  private readonly names = new Set<string>();
  private readonly loadedAt = new Map<string, Span>();
  /** Symbols of LoadModule'd modules the registry does not know, for `<IfModule x_module>`. */
  private readonly unknownSymbols = new Set<string>();

  constructor(
    readonly source: ModuleSetSource,
    initial: Iterable<string> = [],
  ) {
    for (const n of staticModules()) this.names.add(n);
    if (source === 'debian-default') for (const n of defaultDebianModules()) this.names.add(n);
    for (const raw of initial) {
      const n = normalizeModuleName(raw);
      if (n !== undefined) this.names.add(n);
      else {
        const stem = unknownStem(raw.trim().replace(/^mod_/, '').replace(/\.(c|so)$/, ''));
        this.names.add(stem);
        this.unknownSymbols.add(`${stem}_module`);
      }
    }
  }

  /** LoadModule symbol file: returns the key recorded. `--modules` fixes the set, so then it changes nothing. */
  load(symbol: string, span: Span): string {
    const key = normalizeModuleName(symbol) ?? unknownStem(symbol);
    if (this.source === 'option') return key;
    if (normalizeModuleName(symbol) === undefined) this.unknownSymbols.add(symbol);
    this.names.add(key);
    if (!this.loadedAt.has(key)) this.loadedAt.set(key, span);
    return key;
  }

  has(name: string): boolean {
    return this.names.has(normalizeModuleName(name) ?? name);
  }

  /** `<IfModule arg>` without its `!`. */
  ifModule(arg: string): IfModuleTest {
    const exact = moduleForIfModule(arg);
    if (exact) return { value: this.names.has(exact.name), form: 'exact', module: exact };
    if (this.unknownSymbols.has(arg)) return { value: true, form: 'exact', module: { symbol: arg, source: `mod_${unknownStem(arg)}.c` } };
    const m = /^mod_(\w+)\.c$/.exec(arg);
    if (m && this.unknownSymbols.has(`${m[1]}_module`)) return { value: true, form: 'exact', module: { symbol: `${m[1]}_module`, source: arg } };
    const lenient = moduleByName(arg);
    if (lenient && /^mod_\w+$/.test(arg)) return { value: this.names.has(lenient.name), form: 'mod-prefix', module: lenient };
    if (lenient) return { value: false, form: 'other', module: lenient };
    return { value: false, form: 'unknown', module: null };
  }

  /** Whether a loaded module defines the directive (any of its alternatives will do). */
  defines(info: DirectiveInfo): boolean {
    return this.names.has(info.module) || info.alternatives.some((a) => this.names.has(a.module));
  }

  /** `<IfDirective name>`: ap_exists_directive — a directive some loaded module provides. */
  hasDirective(name: string): boolean {
    const d = lookupDirective(name);
    return d !== undefined && !d.section && this.defines(d);
  }

  /** `<IfSection name>`: the `<name` container is provided by a loaded module. */
  hasSection(name: string): boolean {
    const d = lookupSection(name);
    return d !== undefined && this.defines(d);
  }

  snapshot(): ModuleSet {
    return { names: new Set(this.names), source: this.source, loadedAt: new Map(this.loadedAt) };
  }
}
