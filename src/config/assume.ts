/**
 * The modules a file read alone needs, for `apx serve` (and the library's `prepare`): what `a2enmod` would have to
 * enable before a fresh Debian install could run it.
 */
import type { LoadResult } from './types.js';
import { directives as directivesOf, sections as sectionsOf } from './walk.js';
import { lookupDirective, modulesForBalancer, modulesForProxyUrl, modulesNeededFor, type ModuleRequirement } from '../directives/index.js';

/**
 * A site file read alone is placed in a fresh Debian install, which has no mod_proxy loaded: read strictly, the
 * tutorial's `000-default.conf` would not proxy anything until `a2enmod proxy proxy_http` (its own comment says
 * so). `apx serve` runs the file, so it reads it as if those a2enmod lines had been run: every module its
 * directives and proxy URLs need (Debian's `.load` Depends included). `--modules` turns this off, and the modules
 * assumed are printed so nothing is silent. Returns the a2enmod names to add, sorted; [] when nothing is missing.
 */
export function modulesTheFileNeeds(loaded: LoadResult): string[] {
  const have = loaded.modules.names;
  const add = new Set<string>();
  const want = (module: string): void => {
    for (const m of modulesNeededFor(module)) if (!have.has(m)) add.add(m);
  };
  const wantReq = (reqs: readonly ModuleRequirement[]): void => {
    for (const r of reqs) if (!r.anyOf.some((m) => have.has(m) || add.has(m))) want(r.module);
  };
  const considerArgs = (args: readonly string[]): void => {
    for (const a of args) {
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(a) || /^unix:/i.test(a)) wantReq(modulesForProxyUrl(a));
      const lb = /^lbmethod=(.+)$/i.exec(a);
      if (lb) wantReq(modulesForBalancer(lb[1]!));
    }
  };
  for (const { directive } of directivesOf(loaded.root)) {
    const info = lookupDirective(directive.name);
    if (info && !have.has(info.module) && !info.alternatives.some((m) => have.has(m.module))) want(info.module);
    considerArgs(directive.args);
  }
  for (const { section } of sectionsOf(loaded.root)) {
    if (section.condition !== null) continue;
    const info = lookupDirective(`<${section.name}`);
    if (info && !have.has(info.module) && !info.alternatives.some((m) => have.has(m.module))) want(info.module);
    considerArgs(section.args);
  }
  return [...add].sort();
}
