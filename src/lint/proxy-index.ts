/**
 * The proxy facts several rules need, read once from the resolved tree: every ProxyPass/ProxyPassMatch (with the
 * path it applies to and its target), every ProxyPassReverse, every RewriteRule [P] target, and every balancer
 * with its members. Positions follow httpd: a rule inside `<Location>` takes its path from the section
 * (mod_proxy.c add_pass() with cmd->path), `<Proxy balancer://x>` names the balancer its BalancerMembers join.
 */
import type { ResolvedDirective, ResolvedSection } from '../config/types.js';
import type { WalkContext } from '../config/walk.js';
import type { Span } from '../diagnostic.js';
import { nameKey, sameName } from '../syntax/names.js';
import { argSpan, balancerKey } from './paths.js';
import { innermostOf, proxySectionOf, sectionKey, virtualHostOf, type LintTree } from './tree.js';

export interface PassRule {
  readonly directive: ResolvedDirective;
  /** Position in reading order (the index among all active directives). */
  readonly seq: number;
  readonly ctx: WalkContext;
  /** The enclosing `<VirtualHost>`, null for the main server. */
  readonly vhost: ResolvedSection | null;
  /** The `<Location>`/`<LocationMatch>` that gives the rule its path, when written inside one. */
  readonly location: ResolvedSection | null;
  /** The prefix it matches, or the regular expression for ProxyPassMatch / `~` / `<LocationMatch>`. */
  readonly path: string;
  readonly regex: boolean;
  /** The backend URL, or `!`. */
  readonly target: string;
  readonly exclusion: boolean;
  /** Words after the URL: flags and key=value parameters. */
  readonly options: readonly string[];
  /** Index in directive.args of the first option word. */
  readonly optionsStart: number;
  readonly pathSpan: Span;
  readonly targetSpan: Span;
  /** A path written although the `<Location>` supplies one (Apache refuses it). */
  readonly pathInLocation: boolean;
}

export interface ReverseRule {
  readonly directive: ResolvedDirective;
  readonly seq: number;
  readonly ctx: WalkContext;
  readonly vhost: ResolvedSection | null;
  readonly location: ResolvedSection | null;
  readonly path: string;
  readonly url: string;
  readonly urlSpan: Span;
  readonly pathSpan: Span;
}

/** A `RewriteRule pattern scheme://… [P]`: a proxy target that ProxyPass does not declare. */
export interface RewriteProxy {
  readonly directive: ResolvedDirective;
  readonly seq: number;
  readonly ctx: WalkContext;
  readonly vhost: ResolvedSection | null;
  readonly target: string;
  readonly targetSpan: Span;
}

export interface BalancerMemberRef {
  readonly directive: ResolvedDirective;
  readonly url: string;
  readonly urlSpan: Span;
  /** Words after the member URL (worker parameters). */
  readonly params: readonly string[];
  readonly paramsStart: number;
}

export interface BalancerInfo {
  /** `balancer://name` lower-cased: the identity httpd looks it up by. */
  readonly key: string;
  readonly members: BalancerMemberRef[];
  /** `lbmethod=` values given for it (ProxySet, `<Proxy … lbmethod=…>`, ProxyPass parameters), with where. */
  readonly lbmethods: { readonly value: string }[];
  /** Where it is defined or configured: `<Proxy>` sections, ProxySet and standalone BalancerMember lines (see nodeSpan). */
  readonly definedAt: (ResolvedDirective | ResolvedSection)[];
  /** `growth=N` was given: balancer-manager may add members at run time. */
  growth: boolean;
}

/** A BalancerInfo while the index is built (its lists are replaced by exact-length copies at the end). */
interface Balancer {
  readonly key: string;
  members: BalancerMemberRef[];
  lbmethods: { readonly value: string }[];
  definedAt: (ResolvedDirective | ResolvedSection)[];
  growth: boolean;
}

/** The rules that apply to requests of one server: see scope.ts for why the main server's join every vhost's. */
export interface ScopedRules {
  readonly passes: readonly PassRule[];
  readonly reverses: readonly ReverseRule[];
  readonly rewriteProxies: readonly RewriteProxy[];
}

export interface ProxyIndex {
  /** ProxyPass and ProxyPassMatch, in reading order. */
  readonly passes: readonly PassRule[];
  readonly reverses: readonly ReverseRule[];
  readonly rewriteProxies: readonly RewriteProxy[];
  /** By balancerKey(). */
  readonly balancers: ReadonlyMap<string, BalancerInfo>;
  /** Targets that use a balancer, for rules about balancers in use. */
  readonly balancerUses: readonly { readonly key: string; readonly url: string; readonly span: Span }[];
  /**
   * The entries that share a server with `vhost`: its own and the main server's; for the main server (null),
   * every entry, since main-server rules apply in every virtual host. Computed once per server.
   */
  scoped(vhost: ResolvedSection | null): ScopedRules;
}


/** The `<Location>`/`<LocationMatch>` directly around the directive (a ProxyPass takes its path only from that). */
function directLocation(ctx: WalkContext): ResolvedSection | null {
  const s = innermostOf(ctx);
  if (s === null) return null;
  const key = sectionKey(s.name);
  return key === 'location' || key === 'locationmatch' ? s : null;
}

/** Looks like a URL path rather than a target (a path where the `<Location>` already gives one). */
const looksLikePath = (w: string): boolean => w.startsWith('/') || w === '~';

/*
 * The entries are classes with their spans as prototype getters: spans are built on demand (src/syntax/lazy.ts),
 * and a 20,000-vhost config has 40,000 of each entry, so no per-object closures.
 */
class Pass implements PassRule {
  private words: readonly string[] | null = null;
  constructor(
    readonly directive: ResolvedDirective,
    readonly seq: number,
    readonly ctx: WalkContext,
    readonly vhost: ResolvedSection | null,
    readonly location: ResolvedSection | null,
    readonly path: string,
    readonly regex: boolean,
    readonly target: string,
    readonly pathInLocation: boolean,
    /** Index of the path word, or -1 when the <Location> gives the path. */
    private readonly pathAt: number,
    private readonly targetAt: number,
  ) {}
  get exclusion(): boolean {
    return this.target === '!';
  }
  get options(): readonly string[] {
    return (this.words ??= this.directive.args.slice(this.targetAt + 1));
  }
  get optionsStart(): number {
    return this.targetAt + 1;
  }
  get pathSpan(): Span {
    return this.pathAt < 0 ? this.location!.syntax.openSpan : argSpan(this.directive, this.pathAt);
  }
  get targetSpan(): Span {
    return argSpan(this.directive, this.targetAt);
  }
}

class Reverse implements ReverseRule {
  constructor(
    readonly directive: ResolvedDirective,
    readonly seq: number,
    readonly ctx: WalkContext,
    readonly vhost: ResolvedSection | null,
    readonly location: ResolvedSection | null,
    readonly path: string,
    readonly url: string,
    /** Index of the URL word; the path is the word before it, or the <Location>'s when the URL is first. */
    private readonly urlAt: number,
  ) {}
  get urlSpan(): Span {
    return argSpan(this.directive, this.urlAt);
  }
  get pathSpan(): Span {
    return this.urlAt === 0 ? this.location!.syntax.openSpan : argSpan(this.directive, this.urlAt - 1);
  }
}

class RewriteTarget implements RewriteProxy {
  constructor(
    readonly directive: ResolvedDirective,
    readonly seq: number,
    readonly ctx: WalkContext,
    readonly vhost: ResolvedSection | null,
    readonly target: string,
  ) {}
  get targetSpan(): Span {
    return argSpan(this.directive, 1);
  }
}

class Member implements BalancerMemberRef {
  private words: readonly string[] | null = null;
  constructor(
    readonly directive: ResolvedDirective,
    readonly url: string,
    private readonly urlAt: number,
  ) {}
  get urlSpan(): Span {
    return argSpan(this.directive, this.urlAt);
  }
  get params(): readonly string[] {
    return (this.words ??= this.directive.args.slice(this.urlAt + 1));
  }
  get paramsStart(): number {
    return this.urlAt + 1;
  }
}

class BalancerUse {
  constructor(
    readonly key: string,
    readonly url: string,
    private readonly directive: ResolvedDirective,
    private readonly at: number,
  ) {}
  get span(): Span {
    return argSpan(this.directive, this.at);
  }
}

function readPass(d: ResolvedDirective, ctx: WalkContext, seq: number, isMatch: boolean): PassRule | null {
  const a = d.args;
  const location = directLocation(ctx);
  let i = 0;
  let path: string;
  let regex = isMatch;
  let pathAt = -1;
  let pathInLocation = false;
  if (location !== null) {
    path = location.args[0] ?? '/';
    regex = isMatch || sameName(location.name, 'LocationMatch') || location.args[0] === '~';
    if (regex && location.args[0] === '~') path = location.args[1] ?? '';
    // add_pass(): with cmd->path set, a second non key=value word means a path was given too.
    if (a.length >= 2 && looksLikePath(a[0]!) && !a[1]!.includes('=')) {
      pathInLocation = true;
      i = a[0] === '~' ? 2 : 1;
    }
  } else {
    if (a[0] === '~') {
      regex = true;
      i = 1;
    }
    if (a[i] === undefined) return null;
    path = a[i]!;
    pathAt = i;
    i++;
  }
  const target = a[i];
  if (target === undefined) return null;
  return new Pass(d, seq, ctx, virtualHostOf(ctx), location, path, regex, target, pathInLocation, pathAt, i);
}

function readReverse(d: ResolvedDirective, ctx: WalkContext, seq: number): ReverseRule | null {
  const a = d.args;
  const location = directLocation(ctx);
  if (location !== null && (a.length === 1 || (a.length === 2 && nameKey(a[1]!) === 'interpolate'))) {
    return new Reverse(d, seq, ctx, virtualHostOf(ctx), location, location.args[0] ?? '/', a[0]!, 0);
  }
  if (a.length < 2) return null;
  return new Reverse(d, seq, ctx, virtualHostOf(ctx), location, a[0]!, a[1]!, 1);
}

/** RewriteRule flags include P (proxy): mod_rewrite.c cmd_rewriterule_setflag() takes `P` and `proxy`, any case. */
export function rewriteFlagsProxy(flags: string | undefined): boolean {
  if (flags === undefined || !flags.startsWith('[')) return false;
  return flags
    .replace(/^\[|\]$/g, '')
    .split(',')
    .some((f) => /^(p|proxy)$/i.test(f.trim()));
}

/** The directive names the index reads, as nameKey() gives them. */
export const PROXY_INDEX_NAMES: readonly string[] = ['proxypass', 'proxypassmatch', 'proxypassreverse', 'rewriterule', 'balancermember', 'proxyset'];

/**
 * The entries of each server, every list at its exact length. The list is in reading order, where a virtual
 * host's entries follow each other, so it is cut into runs of one server: one map operation per run (a vhost
 * whose entries are split — the main server's around a vhost — joins its runs).
 */
function byServer<T extends { readonly vhost: ResolvedSection | null }>(list: readonly T[]): Map<ResolvedSection | null, T[]> {
  const out = new Map<ResolvedSection | null, T[]>();
  for (let start = 0; start < list.length; ) {
    const v = list[start]!.vhost;
    let end = start + 1;
    while (end < list.length && list[end]!.vhost === v) end++;
    const have = out.get(v);
    out.set(v, have === undefined ? list.slice(start, end) : have.concat(list.slice(start, end)));
    start = end;
  }
  return out;
}

/**
 * A balancer's lists start as this shared empty list; the first entry makes a list of exactly one (most balancers
 * are defined once, by one <Proxy>, and use no lbmethod=), later ones grow it. Frozen: an entry pushed onto it
 * by mistake throws instead of landing in every balancer.
 */
const NO_ENTRIES = Object.freeze([]) as never[];
function add<T>(list: T[], item: T): T[] {
  if (list === NO_ENTRIES) return [item];
  list.push(item);
  return list;
}

/** Reads only the directives named in PROXY_INDEX_NAMES (the rest of a large config is never looked at) and the `<Proxy>` sections. */
export function buildProxyIndex(tree: LintTree): ProxyIndex {
  const passes: PassRule[] = [];
  const reverses: ReverseRule[] = [];
  const rewriteProxies: RewriteProxy[] = [];
  const balancers = new Map<string, Balancer>();
  const balancerUses: BalancerUse[] = [];
  const balancer = (key: string): Balancer => {
    let b = balancers.get(key);
    if (!b) {
      b = { key, members: NO_ENTRIES, lbmethods: NO_ENTRIES, definedAt: NO_ENTRIES, growth: false };
      balancers.set(key, b);
    }
    return b;
  };
  /** The words of `words` from `from` on that configure the balancer (no slice: one call per ProxyPass). */
  const balancerWords = (words: readonly string[], from: number, b: Balancer): void => {
    for (let i = from; i < words.length; i++) {
      const w = words[i]!;
      if (!w.includes('=')) continue;
      const m = /^lbmethod=(.*)$/i.exec(w);
      if (m) b.lbmethods = add(b.lbmethods, { value: m[1]! });
      const g = /^growth=(\d+)/i.exec(w);
      if (g && Number(g[1]) > 0) b.growth = true;
    }
  };

  // <Proxy> sections in reading order, whatever their spelling.
  const proxySections: { section: ResolvedSection; seq: number }[] = [];
  for (const g of tree.sectionGroups) {
    if (!sameName(g.name, 'Proxy')) continue;
    for (let i = 0; i < g.nodes.length; i++) proxySections.push({ section: g.nodes[i]!, seq: g.seqs[i]! });
  }
  proxySections.sort((x, y) => x.seq - y.seq);
  for (const { section } of proxySections) {
    const key = balancerKey(section.args[0] ?? '');
    if (key === null) continue;
    const b = balancer(key);
    b.definedAt = add(b.definedAt, section);
    balancerWords(section.args, 1, b);
  }

  // Reading order across the six names without sorting: mark each position with its name (1 + index), then scan
  // the marked range once.
  const kindAt = new Uint8Array(tree.directives.length);
  let first = kindAt.length;
  let last = -1;
  PROXY_INDEX_NAMES.forEach((key, k) => {
    const seqs = tree.seqsOf(key);
    for (let i = 0; i < seqs.length; i++) kindAt[seqs[i]!] = k + 1;
    if (seqs.length > 0) {
      first = Math.min(first, seqs[0]!);
      last = Math.max(last, seqs[seqs.length - 1]!);
    }
  });
  for (let seq = first; seq <= last; seq++) {
    if (kindAt[seq] === 0) continue;
    const name = PROXY_INDEX_NAMES[kindAt[seq]! - 1]!;
    const d = tree.directives[seq]!;
    const ctx = tree.directiveContexts[seq]!;
    if (name === 'proxypass' || name === 'proxypassmatch') {
      const p = readPass(d, ctx, seq, name === 'proxypassmatch');
      if (!p) continue;
      passes.push(p);
      const key = balancerKey(p.target);
      if (key !== null) {
        balancerUses.push(new BalancerUse(key, p.target, d, p.optionsStart - 1));
        balancerWords(d.args, p.optionsStart, balancer(key));
      }
    } else if (name === 'proxypassreverse') {
      const r = readReverse(d, ctx, seq);
      if (r) reverses.push(r);
    } else if (name === 'rewriterule') {
      const target = d.args[1];
      if (target !== undefined && rewriteFlagsProxy(d.args[2]) && /^[A-Za-z][A-Za-z0-9+.-]*:/.test(target)) {
        rewriteProxies.push(new RewriteTarget(d, seq, ctx, virtualHostOf(ctx), target));
        const key = balancerKey(target);
        if (key !== null) balancerUses.push(new BalancerUse(key, target, d, 1));
      }
    } else if (name === 'balancermember') {
      // add_member(): inside <Proxy balancer://x> the section names the balancer; outside, the first word does.
      const proxy = proxySectionOf(ctx);
      const sectionKey = proxy ? balancerKey(proxy.args[0] ?? '') : null;
      const firstKey = balancerKey(d.args[0] ?? '');
      if (sectionKey !== null && firstKey === null && d.args[0] !== undefined) {
        const b = balancer(sectionKey);
        b.members = add(b.members, new Member(d, d.args[0], 0));
      } else if (firstKey !== null && d.args[1] !== undefined) {
        const b = balancer(firstKey);
        b.members = add(b.members, new Member(d, d.args[1], 1));
        if (sectionKey === null) b.definedAt = add(b.definedAt, d);
      }
    } else if (name === 'proxyset') {
      const proxy = proxySectionOf(ctx);
      const firstKey = balancerKey(d.args[0] ?? '');
      const key = firstKey ?? (proxy ? balancerKey(proxy.args[0] ?? '') : null);
      if (key !== null) {
        const b = balancer(key);
        b.definedAt = add(b.definedAt, d);
        balancerWords(d.args, firstKey !== null ? 1 : 0, b);
      }
    }
  }
  // A list grown by push() keeps spare room for 16 more entries; 20,000 balancers with two members each add up.
  for (const b of balancers.values()) {
    if (b.members.length > 1) b.members = b.members.slice();
    if (b.definedAt.length > 1) b.definedAt = b.definedAt.slice();
    if (b.lbmethods.length > 1) b.lbmethods = b.lbmethods.slice();
  }
  const ownPasses = byServer(passes);
  const ownReverses = byServer(reverses);
  const ownRewrites = byServer(rewriteProxies);
  const none: readonly never[] = [];
  const ownOf = (v: ResolvedSection | null): ScopedRules => ({
    passes: ownPasses.get(v) ?? none,
    reverses: ownReverses.get(v) ?? none,
    rewriteProxies: ownRewrites.get(v) ?? none,
  });
  const all: ScopedRules = { passes, reverses, rewriteProxies };
  const cache = new Map<ResolvedSection | null, ScopedRules>();
  let main: ScopedRules | null = null;
  const scoped = (vhost: ResolvedSection | null): ScopedRules => {
    if (vhost === null) return all;
    let s = cache.get(vhost);
    if (!s) {
      main ??= ownOf(null);
      const mine = ownOf(vhost);
      // Reading order: the main server's entries and the vhost's keep their relative order when merged by position.
      const merge = <T extends { seq: number }>(a: readonly T[], b: readonly T[]): readonly T[] =>
        a.length === 0 ? b : b.length === 0 ? a : [...a, ...b].sort((x, y) => x.seq - y.seq);
      s = { passes: merge(main.passes, mine.passes), reverses: merge(main.reverses, mine.reverses), rewriteProxies: merge(main.rewriteProxies, mine.rewriteProxies) };
      cache.set(vhost, s);
    }
    return s;
  };
  return { passes, reverses, rewriteProxies, balancers, balancerUses, scoped };
}
