/**
 * Lookups over the generated directive data: every directive of Apache 2.4 and of the modules Debian ships.
 * httpd finds a directive by strcasecmp over each loaded module's command table (config.c
 * ap_find_command()), so every lookup here is case-insensitive and returns Apache's own spelling.
 */
import { directivesData } from './data.js';
import { editDistance } from './distance.js';
import { nameKey } from './names.js';
import type { DirectiveInfo, OverrideCategory, Placement } from './types.js';

const directives: readonly DirectiveInfo[] = directivesData.directives;
const plain = new Map<string, DirectiveInfo>();
const sections = new Map<string, DirectiveInfo>();
for (const d of directives) (d.section ? sections : plain).set(nameKey(d.name), d);

/** `<VirtualHost`, `<VirtualHost>`, `</VirtualHost>` → `VirtualHost`; other names unchanged. */
function bareSectionName(name: string): string | null {
  const m = /^<\/?([^<>\s]*)>?$/.exec(name);
  return m ? m[1]! : null;
}

/**
 * The directive of that name, compared case-insensitively. A name written with `<` (`<Proxy`, `<Proxy>`) is
 * looked up among sections only; a bare name prefers a directive and falls back to a section, since mod_lua
 * defines both `LuaHookFixups` and `<LuaHookFixups>`.
 */
export function lookupDirective(name: string): DirectiveInfo | undefined {
  const bare = name.startsWith('<') ? bareSectionName(name) : null;
  if (bare !== null) return sections.get(nameKey(bare));
  const key = nameKey(name);
  return plain.get(key) ?? sections.get(key);
}

/** The section (container) of that name, with or without its `<`. */
export function lookupSection(name: string): DirectiveInfo | undefined {
  return sections.get(nameKey(bareSectionName(name) ?? name));
}

/** Every directive and section, sorted by lower-cased name (a directive before a section of the same name). */
export function allDirectives(): readonly DirectiveInfo[] {
  return directives;
}

export interface SuggestOptions {
  /** At most this many names (default 3). */
  readonly limit?: number;
  /** Only names of loaded modules, e.g. to suggest what would work with the current module set. */
  readonly filter?: (d: DirectiveInfo) => boolean;
}

/**
 * Did-you-mean for an unknown directive: the registry names nearest by case-insensitive edit distance, best
 * first. Only the best distance is offered (ties sorted by name), and only within max(2, ⌊length/3⌋) edits, so
 * `ProxyPas` gives ProxyPass and `ProxyPassReverseInterpolateEnv` (7 letters too many) gives
 * ProxyPassInterpolateEnv, while gibberish gives nothing. Sections are matched against sections when the name
 * is written with `<`.
 */
export function suggestDirective(name: string, options: SuggestOptions = {}): string[] {
  const limit = options.limit ?? 3;
  const bare = name.startsWith('<') ? bareSectionName(name) : null;
  const wanted = nameKey(bare ?? name);
  if (wanted === '') return [];
  const threshold = Math.max(2, Math.floor(wanted.length / 3));
  const pool = bare !== null ? sections : plain;
  let best = threshold + 1;
  let found: string[] = [];
  for (const [key, d] of pool) {
    if (options.filter && !options.filter(d)) continue;
    const dist = editDistance(wanted, key, best);
    if (dist < best) {
      best = dist;
      found = [d.name];
    } else if (dist === best && dist <= threshold) {
      found.push(d.name);
    }
  }
  return found.sort((a, b) => (nameKey(a) < nameKey(b) ? -1 : 1)).slice(0, limit);
}

/**
 * Whether Apache accepts the directive there at start-up, as far as the context alone decides: `-L`'s
 * "Allowed in" sentence plus what the real server refused when the generator placed it there. Arguments
 * can still make a placement fail (ProxyPass with a path inside <Location>); shapes.ts knows those.
 */
export function isAllowedIn(d: DirectiveInfo, where: Placement): boolean {
  if (d.refusedIn.includes(where)) return false;
  if (where === 'server') return d.context.server;
  return where === 'VirtualHost' ? d.context.virtualHost : d.context.directory;
}

/**
 * Whether a .htaccess file may hold the directive under this AllowOverride (`All`, `None`, or categories).
 * httpd allows it when any of its OR_* bits is in the directory's override set (config.c invoke_cmd()).
 */
export function isAllowedInHtaccess(d: DirectiveInfo, allowOverride: 'All' | 'None' | readonly OverrideCategory[]): boolean {
  if (d.context.htaccess === null || allowOverride === 'None') return false;
  if (allowOverride === 'All') return true;
  return d.context.htaccess.some((c) => allowOverride.includes(c));
}

/** Every module that can provide the directive: its own module first, then the alternatives. */
export function providersOf(d: DirectiveInfo): string[] {
  return [d.module, ...d.alternatives.map((a) => a.module)];
}
