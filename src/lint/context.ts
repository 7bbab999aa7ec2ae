/**
 * What every rule sees: the resolved tree read once (active directives and sections in httpd's reading order,
 * includes spliced, conditionals transparent), the module set, and shared analyses computed on first use.
 */
import type { LoadResult, ResolvedSection } from '../config/types.js';
import type { DirectiveVisit, WalkContext } from '../config/walk.js';
import { walk } from '../config/walk.js';
import type { Placement } from '../directives/types.js';
import { nameKey, sameName } from '../syntax/names.js';
import { buildProxyIndex, enclosingVhost, PROXY_INDEX_NAMES, type ProxyIndex } from './proxy-index.js';
import type { Problem, RuleContext, SectionVisit } from './types.js';

/** Sections that do not change where httpd considers a directive to be (they only narrow methods or group Require). */
const TRANSPARENT = ['Limit', 'LimitExcept', 'RequireAll', 'RequireAny', 'RequireNone'];

const PLACEMENTS: readonly (readonly [readonly string[], Placement])[] = [
  [['VirtualHost'], 'VirtualHost'],
  [['Directory', 'DirectoryMatch'], 'Directory'],
  [['Location', 'LocationMatch'], 'Location'],
  [['Files', 'FilesMatch'], 'Files'],
  [['If', 'ElseIf', 'Else'], 'If'],
  [['Proxy', 'ProxyMatch'], 'Proxy'],
];

// walk() shares one `enclosing` array among all the nodes of a section, so the answer is cached per array.
const placementCache = new WeakMap<readonly ResolvedSection[], Placement | null>();

export function placementOf(ctx: WalkContext): Placement | null {
  const hit = placementCache.get(ctx.enclosing);
  if (hit !== undefined) return hit;
  const placement = computePlacement(ctx);
  placementCache.set(ctx.enclosing, placement);
  return placement;
}

function computePlacement(ctx: WalkContext): Placement | null {
  for (let i = ctx.enclosing.length - 1; i >= 0; i--) {
    const name = ctx.enclosing[i]!.name;
    if (TRANSPARENT.some((t) => sameName(t, name))) continue;
    for (const [names, placement] of PLACEMENTS) if (names.some((n) => sameName(n, name))) return placement;
    // <Macro> bodies, <MDomain>, mod_lua hook sections …: not a placement the registry knows.
    return null;
  }
  return 'server';
}

/** The tree read once; shared by every rule of one lint run. */
export interface LintTree {
  readonly directives: readonly DirectiveVisit[];
  /** Directives by nameKey(), in reading order. */
  byName(name: string): readonly DirectiveVisit[];
  readonly sections: readonly SectionVisit[];
  proxy(): ProxyIndex;
}

export function readTree(loaded: LoadResult): LintTree {
  const directives: DirectiveVisit[] = [];
  const sections: SectionVisit[] = [];
  walk(loaded.root, (node, ctx) => {
    // mod_macro: a <Macro> body is a template applied where `Use` expands it, never where it is written.
    if (node.kind === 'section' && sameName(node.name, 'Macro')) return 'skip';
    if (node.kind === 'directive') directives.push({ directive: node, ctx });
    else if (node.kind === 'section') sections.push({ section: node, ctx });
    return undefined;
  });
  let proxy: ProxyIndex | null = null;
  const index = new Map<string, DirectiveVisit[]>();
  const seqs = new Map<string, number[]>();
  for (let seq = 0; seq < directives.length; seq++) {
    const v = directives[seq]!;
    const key = nameKey(v.directive.name);
    const list = index.get(key);
    if (list) {
      list.push(v);
      seqs.get(key)!.push(seq);
    } else {
      index.set(key, [v]);
      seqs.set(key, [seq]);
    }
  }
  const proxyDirectives = (): [DirectiveVisit[], number[]] => {
    const order: number[] = [];
    for (const name of PROXY_INDEX_NAMES) for (const seq of seqs.get(name) ?? []) order.push(seq);
    order.sort((x, y) => x - y);
    return [order.map((seq) => directives[seq]!), order];
  };
  return {
    directives,
    byName: (name) => index.get(nameKey(name)) ?? [],
    sections,
    proxy: () => (proxy ??= buildProxyIndex(...proxyDirectives(), sections)),
  };
}

export function ruleContext(loaded: LoadResult, tree: LintTree, report: (p: Problem) => void): RuleContext {
  const modules = loaded.modules.names;
  return {
    loaded,
    modules,
    directives: tree.directives,
    byName: tree.byName,
    sections: tree.sections,
    isLoaded: (m) => modules.has(m),
    placementOf,
    virtualHostOf: (ctx): ResolvedSection | null => enclosingVhost(ctx),
    proxy: tree.proxy,
    report,
  };
}
