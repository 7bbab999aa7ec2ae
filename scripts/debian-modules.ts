/**
 * Reads Debian's `mods-available/*.load` files: the a2enmod name of each module, its LoadModule lines and the
 * `# Depends:` / `# Conflicts:` comments a2enmod follows. Shared by the registry generator and the test harness
 * that boots real Apache, so both agree on what "every module loaded" means.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DebianModule {
  /** a2enmod name: `proxy_http`. */
  readonly name: string;
  /** The module's symbol: `proxy_http_module`; null for the few `.load` files that only hold a comment. */
  readonly symbol: string | null;
  /** Shared object path from the LoadModule line. */
  readonly file: string | null;
  /** The `.load` file's LoadModule lines, verbatim (a few modules load more than one object). */
  readonly loadLines: readonly string[];
  readonly depends: readonly string[];
  readonly conflicts: readonly string[];
}

export const DEFAULT_MODS_AVAILABLE = '/etc/apache2/mods-available';

export function readDebianModules(dir: string = DEFAULT_MODS_AVAILABLE): DebianModule[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.load'))
    .sort()
    .map((f) => parseLoadFile(f.slice(0, -'.load'.length), readFileSync(join(dir, f), 'utf8')));
}

export function parseLoadFile(name: string, text: string): DebianModule {
  const loadLines: string[] = [];
  const depends: string[] = [];
  const conflicts: string[] = [];
  for (const line of text.split('\n')) {
    const t = line.trim();
    const dep = /^#\s*Depends:\s*(.*)$/i.exec(t);
    const con = /^#\s*Conflicts:\s*(.*)$/i.exec(t);
    if (dep) depends.push(...dep[1]!.split(/\s+/).filter(Boolean));
    else if (con) conflicts.push(...con[1]!.split(/\s+/).filter(Boolean));
    else if (/^LoadModule\s/i.test(t)) loadLines.push(t);
  }
  const own = loadLines.map((l) => l.split(/\s+/)).find((w) => w.length >= 3);
  return {
    name,
    symbol: own ? own[1]! : null,
    file: own ? own[2]! : null,
    loadLines,
    depends,
    conflicts,
  };
}

/**
 * LoadModule lines for every module Debian ships, in an order that satisfies `# Depends:` and picking one MPM
 * (event, Debian's default) since the MPMs conflict.
 */
export function allModulesLoadLines(mods: readonly DebianModule[] = readDebianModules(), mpm = 'mpm_event'): string[] {
  const byName = new Map(mods.map((m) => [m.name, m]));
  const out: string[] = [];
  const done = new Set<string>();
  const visit = (m: DebianModule): void => {
    if (done.has(m.name)) return;
    done.add(m.name);
    for (const d of m.depends) {
      const dep = byName.get(d);
      if (dep) visit(dep);
    }
    out.push(...m.loadLines);
  };
  for (const m of mods) {
    if (m.name.startsWith('mpm_') && m.name !== mpm) continue;
    visit(m);
  }
  return out;
}
