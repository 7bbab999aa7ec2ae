/**
 * Module knowledge: the modules compiled into Debian's apache2 and those it ships as shared objects, the names
 * each is known by, Debian's `.load` dependencies and the set a fresh install enables.
 */
import { modulesData } from './data.js';
import { nameKey } from './names.js';
import type { ModuleInfo } from './types.js';

const modules: readonly ModuleInfo[] = modulesData.modules;
const byKey = new Map<string, ModuleInfo>();
const byExact = new Map<string, ModuleInfo>();
for (const m of modules) {
  byExact.set(m.source, m);
  byExact.set(m.symbol, m);
  for (const alias of [m.name, m.symbol, m.source, m.source.replace(/\.c$/, ''), m.file ? m.file.replace(/^.*\//, '') : null]) {
    if (alias !== null) byKey.set(nameKey(alias), m);
  }
}

export function allModules(): readonly ModuleInfo[] {
  return modules;
}

/**
 * The module however a person or a tool might name it: the a2enmod name (`proxy_http`, `dump_io`), the symbol
 * (`proxy_http_module`), the source name (`mod_proxy_http.c`, `event.c`), the source name without `.c`
 * (`mod_proxy_http`) or the shared object (`mod_proxy_http.so`); any case. This is lenient on purpose, for
 * `--modules` and messages. `<IfModule>` is strict — use moduleForIfModule() to decide what httpd would.
 */
export function moduleByName(name: string): ModuleInfo | undefined {
  const key = nameKey(name.trim());
  return byKey.get(key) ?? (key.startsWith('mod_') ? byKey.get(key.slice(4)) : undefined);
}

/** The registry key (a2enmod name for shared modules) of a module named any way moduleByName() accepts. */
export function normalizeModuleName(name: string): string | undefined {
  return moduleByName(name)?.name;
}

/**
 * The module `<IfModule name>` (or `!name`, without the `!`) tests for, exactly as httpd matches it: core.c
 * find_module() compares the module's source name (`mod_proxy.c`) or its symbol (`proxy_module`) with strcmp.
 * Anything else — `mod_proxy`, `proxy`, `MOD_PROXY.C` — names no module, so the block is skipped even when the
 * module is loaded (checked on Apache 2.4.71). Undefined when no known module has that exact name.
 */
export function moduleForIfModule(arg: string): ModuleInfo | undefined {
  return byExact.get(arg);
}

/** Compiled-in modules: always present, never in a LoadModule line. */
export function staticModules(): ReadonlySet<string> {
  return new Set(modules.filter((m) => m.static).map((m) => m.name));
}

/**
 * What a fresh `apt install apache2` on Debian has loaded: the compiled-in modules and the ones its
 * mods-enabled/ holds (taken from a byte-for-byte copy of a fresh install, not from this machine).
 */
export function defaultDebianModules(): ReadonlySet<string> {
  return new Set(modules.filter((m) => m.debianDefault).map((m) => m.name));
}

/**
 * Everything that must be loaded for the module to load, itself last, dependencies first (a LoadModule order
 * that works): the transitive closure of Debian's `# Depends:` plus the link-time needs the `.load` files
 * forget (`requires`). Compiled-in modules are left out — they are always there. Unknown names give [].
 */
export function modulesNeededFor(name: string): string[] {
  const start = moduleByName(name);
  if (!start) return [];
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (m: ModuleInfo): void => {
    if (seen.has(m.name)) return;
    seen.add(m.name);
    for (const dep of m.requires) {
      const d = moduleByName(dep);
      if (d) visit(d);
    }
    if (!m.static) out.push(m.name);
  };
  visit(start);
  return out;
}

/** The modules `a2enmod name` enables: itself and, transitively, its `# Depends:` (a2enmod follows only those). */
function enabledByA2enmod(m: ModuleInfo): Set<string> {
  const out = new Set<string>();
  const visit = (x: ModuleInfo): void => {
    if (out.has(x.name)) return;
    out.add(x.name);
    for (const dep of x.depends) {
      const d = moduleByName(dep);
      if (d) visit(d);
    }
  };
  visit(m);
  return out;
}

/**
 * The command that enables the missing modules, e.g. `a2enmod proxy_http`. Names are normalised and deduped;
 * compiled-in modules are dropped (nothing to enable); a module that another missing one pulls in through
 * `# Depends:` is left to a2enmod (`proxy` next to `proxy_http`); the rest are sorted so the same set always
 * gives the same hint. Names the registry does not know are kept as given. Null when nothing is left.
 */
export function a2enmodHint(missing: readonly string[]): string | null {
  const known = new Map<string, ModuleInfo>();
  const unknown: string[] = [];
  for (const name of missing) {
    const m = moduleByName(name);
    if (!m) {
      if (!unknown.includes(name)) unknown.push(name);
    } else if (!m.static) known.set(m.name, m);
  }
  const implied = new Set<string>();
  for (const m of known.values()) {
    for (const n of enabledByA2enmod(m)) if (n !== m.name) implied.add(n);
  }
  const names = [...known.keys()].filter((n) => !implied.has(n)).sort();
  const all = [...names, ...unknown];
  return all.length ? `a2enmod ${all.join(' ')}` : null;
}
