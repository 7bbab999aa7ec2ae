/**
 * The proxy facts several rules need, read once from the resolved tree: every ProxyPass/ProxyPassMatch (with the
 * path it applies to and its target), every ProxyPassReverse, every RewriteRule [P] target, and every balancer
 * with its members. Positions follow httpd: a rule inside `<Location>` takes its path from the section
 * (mod_proxy.c add_pass() with cmd->path), `<Proxy balancer://x>` names the balancer its BalancerMembers join.
 */
import type { ResolvedDirective, ResolvedSection } from '../config/types.js';
import type { DirectiveVisit, WalkContext } from '../config/walk.js';
import type { Span } from '../diagnostic.js';
import { nameKey, sameName } from '../syntax/names.js';
import { argSpan, balancerKey } from './paths.js';

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


function innermost(ctx: WalkContext, names: readonly string[]): ResolvedSection | null {
  for (let i = ctx.enclosing.length - 1; i >= 0; i--) {
    const s = ctx.enclosing[i]!;
    if (names.some((n) => sameName(s.name, n))) return s;
  }
  return null;
}

// walk() shares one `enclosing` array among the nodes of a section: answer once per array.
const vhostCache = new WeakMap<readonly ResolvedSection[], ResolvedSection | null>();

export function enclosingVhost(ctx: WalkContext): ResolvedSection | null {
  let hit = vhostCache.get(ctx.enclosing);
  if (hit === undefined) vhostCache.set(ctx.enclosing, (hit = innermost(ctx, ['VirtualHost'])));
  return hit;
}

const proxyCache = new WeakMap<readonly ResolvedSection[], ResolvedSection | null>();

/** The innermost enclosing `<Proxy>`, once per `enclosing` array. */
function enclosingProxy(ctx: WalkContext): ResolvedSection | null {
  let hit = proxyCache.get(ctx.enclosing);
  if (hit === undefined) proxyCache.set(ctx.enclosing, (hit = innermost(ctx, ['Proxy'])));
  return hit;
}

/** The `<Location>`/`<LocationMatch>` directly around the directive (a ProxyPass takes its path only from that). */
function directLocation(ctx: WalkContext): ResolvedSection | null {
  const s = ctx.enclosing[ctx.enclosing.length - 1];
  return s && (sameName(s.name, 'Location') || sameName(s.name, 'LocationMatch')) ? s : null;
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

function readPass(v: DirectiveVisit, seq: number): PassRule | null {
  const d = v.directive;
  const a = d.args;
  const location = directLocation(v.ctx);
  const isMatch = sameName(d.name, 'ProxyPassMatch');
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
  return new Pass(d, seq, v.ctx, enclosingVhost(v.ctx), location, path, regex, target, pathInLocation, pathAt, i);
}

function readReverse(v: DirectiveVisit, seq: number): ReverseRule | null {
  const d = v.directive;
  const a = d.args;
  const location = directLocation(v.ctx);
  if (location !== null && (a.length === 1 || (a.length === 2 && nameKey(a[1]!) === 'interpolate'))) {
    return new Reverse(d, seq, v.ctx, enclosingVhost(v.ctx), location, location.args[0] ?? '/', a[0]!, 0);
  }
  if (a.length < 2) return null;
  return new Reverse(d, seq, v.ctx, enclosingVhost(v.ctx), location, a[0]!, a[1]!, 1);
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
 * @param directives the directives named in PROXY_INDEX_NAMES, in reading order — the rest of a large config is
 *   never looked at; `seqs[i]` is the position of `directives[i]` among all active directives.
 */
export function buildProxyIndex(
  directives: readonly DirectiveVisit[],
  seqs: readonly number[],
  sectionsInOrder: readonly { section: ResolvedSection; ctx: WalkContext }[],
): ProxyIndex {
  const passes: PassRule[] = [];
  const reverses: ReverseRule[] = [];
  const rewriteProxies: RewriteProxy[] = [];
  const balancers = new Map<string, BalancerInfo>();
  const balancerUses: BalancerUse[] = [];
  const balancer = (key: string): BalancerInfo => {
    let b = balancers.get(key);
    if (!b) {
      b = { key, members: [], lbmethods: [], definedAt: [], growth: false };
      balancers.set(key, b);
    }
    return b;
  };
  const balancerWords = (words: readonly string[], b: BalancerInfo): void => {
    for (const w of words) {
      if (!w.includes('=')) continue;
      const m = /^lbmethod=(.*)$/i.exec(w);
      if (m) b.lbmethods.push({ value: m[1]! });
      const g = /^growth=(\d+)/i.exec(w);
      if (g && Number(g[1]) > 0) b.growth = true;
    }
  };

  for (const { section } of sectionsInOrder) {
    if (!sameName(section.name, 'Proxy')) continue;
    const key = balancerKey(section.args[0] ?? '');
    if (key === null) continue;
    const b = balancer(key);
    b.definedAt.push(section);
    balancerWords(section.args.slice(1), b);
  }

  for (let n = 0; n < directives.length; n++) {
    const v = directives[n]!;
    const seq = seqs[n]!;
    const d = v.directive;
    const name = nameKey(d.name);
    if (name === 'proxypass' || name === 'proxypassmatch') {
      const p = readPass(v, seq);
      if (!p) continue;
      passes.push(p);
      const key = balancerKey(p.target);
      if (key !== null) {
        balancerUses.push(new BalancerUse(key, p.target, d, p.optionsStart - 1));
        balancerWords(p.options, balancer(key));
      }
    } else if (name === 'proxypassreverse') {
      const r = readReverse(v, seq);
      if (r) reverses.push(r);
    } else if (name === 'rewriterule') {
      const target = d.args[1];
      if (target !== undefined && rewriteFlagsProxy(d.args[2]) && /^[A-Za-z][A-Za-z0-9+.-]*:/.test(target)) {
        rewriteProxies.push(new RewriteTarget(d, seq, v.ctx, enclosingVhost(v.ctx), target));
        const key = balancerKey(target);
        if (key !== null) balancerUses.push(new BalancerUse(key, target, d, 1));
      }
    } else if (name === 'balancermember') {
      // add_member(): inside <Proxy balancer://x> the section names the balancer; outside, the first word does.
      const proxy = enclosingProxy(v.ctx);
      const sectionKey = proxy ? balancerKey(proxy.args[0] ?? '') : null;
      const firstKey = balancerKey(d.args[0] ?? '');
      if (sectionKey !== null && firstKey === null && d.args[0] !== undefined) {
        balancer(sectionKey).members.push(new Member(d, d.args[0], 0));
      } else if (firstKey !== null && d.args[1] !== undefined) {
        const b = balancer(firstKey);
        b.members.push(new Member(d, d.args[1], 1));
        if (sectionKey === null) b.definedAt.push(d);
      }
    } else if (name === 'proxyset') {
      const proxy = enclosingProxy(v.ctx);
      const firstKey = balancerKey(d.args[0] ?? '');
      const key = firstKey ?? (proxy ? balancerKey(proxy.args[0] ?? '') : null);
      if (key !== null) {
        const b = balancer(key);
        b.definedAt.push(d);
        balancerWords(d.args.slice(firstKey !== null ? 1 : 0), b);
      }
    }
  }
  const own = new Map<ResolvedSection | null, { passes: PassRule[]; reverses: ReverseRule[]; rewriteProxies: RewriteProxy[] }>();
  const ownOf = (v: ResolvedSection | null): { passes: PassRule[]; reverses: ReverseRule[]; rewriteProxies: RewriteProxy[] } => {
    let o = own.get(v);
    if (!o) own.set(v, (o = { passes: [], reverses: [], rewriteProxies: [] }));
    return o;
  };
  for (const p of passes) ownOf(p.vhost).passes.push(p);
  for (const r of reverses) ownOf(r.vhost).reverses.push(r);
  for (const r of rewriteProxies) ownOf(r.vhost).rewriteProxies.push(r);
  const all: ScopedRules = { passes, reverses, rewriteProxies };
  const cache = new Map<ResolvedSection | null, ScopedRules>();
  const scoped = (vhost: ResolvedSection | null): ScopedRules => {
    if (vhost === null) return all;
    let s = cache.get(vhost);
    if (!s) {
      const main = ownOf(null);
      const mine = ownOf(vhost);
      // Reading order: the main server's entries and the vhost's keep their relative order when merged by position.
      const merge = <T extends { seq: number }>(a: readonly T[], b: readonly T[]): T[] =>
        a.length === 0 ? [...b] : b.length === 0 ? [...a] : [...a, ...b].sort((x, y) => x.seq - y.seq);
      s = { passes: merge(main.passes, mine.passes), reverses: merge(main.reverses, mine.reverses), rewriteProxies: merge(main.rewriteProxies, mine.rewriteProxies) };
      cache.set(vhost, s);
    }
    return s;
  };
  return { passes, reverses, rewriteProxies, balancers, balancerUses, scoped };
}
