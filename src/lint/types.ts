/**
 * The rule contract, in ESLint's shape: a rule is `meta` (what it is) plus `check(context)` (what it reports).
 * Rules never decide their own severity or whether they run; the engine does (overrides, disable comments).
 */
import type { RelatedLocation, Span } from '../diagnostic.js';
import type { LoadResult, ResolvedDirective, ResolvedSection } from '../config/types.js';
import type { DirectiveVisit, WalkContext } from '../config/walk.js';
import type { Placement } from '../directives/types.js';
import type { ProxyIndex } from './proxy-index.js';

export type RuleSeverity = 'error' | 'warning';

export interface RuleMeta {
  /** Kebab-case id, also the diagnostic code and the name of `docs/rules/<id>.md`. */
  readonly id: string;
  /** One line: what the rule catches. */
  readonly description: string;
  /**
   * `error`: Apache refuses to start, or the config cannot work (every request to it fails).
   * `warning`: it works but is wrong or risky.
   */
  readonly severity: RuleSeverity;
  /** Repository-relative path of the rule's page. */
  readonly docs: string;
}

/** What a rule reports; the engine adds code and severity. */
export interface Problem {
  readonly message: string;
  readonly span: Span;
  /** The exact fix: a command (`a2enmod proxy_http`) or the corrected line. */
  readonly hint?: string;
  readonly related?: readonly RelatedLocation[];
  /** A milder (or harsher) case of the rule than its meta.severity; `--rule id=…` still overrides it. */
  readonly severity?: RuleSeverity;
}

export interface SectionVisit {
  readonly section: ResolvedSection;
  readonly ctx: WalkContext;
}

/**
 * The active nodes written with one spelling of a name (`ProxyPass` and `proxypass` are two groups), in reading
 * order: a rule that decides by name asks once per group instead of once per line.
 */
export interface NameGroup<N extends ResolvedDirective | ResolvedSection = ResolvedDirective | ResolvedSection> {
  /** As written. */
  readonly name: string;
  readonly nodes: readonly N[];
  /** `contexts[i]` is the context of `nodes[i]`. */
  readonly contexts: readonly WalkContext[];
  /** `seqs[i]`: the position of `nodes[i]` in reading order (among directives, or among sections). */
  readonly seqs: readonly number[];
}

export interface RuleContext {
  readonly loaded: LoadResult;
  /** a2enmod names of every loaded module (compiled-in ones included). */
  readonly modules: ReadonlySet<string>;
  /** Every directive httpd applies, in reading order, includes spliced and conditionals transparent. */
  readonly directives: readonly DirectiveVisit[];
  /** The directives of one name (compared as httpd does, case-insensitively), in reading order. */
  byName(name: string): readonly DirectiveVisit[];
  /** Every active section (conditional ones included), in reading order. */
  readonly sections: readonly SectionVisit[];
  /** The sections of one name (compared case-insensitively), in reading order. */
  sectionsByName(name: string): readonly SectionVisit[];
  /** The directives of `directives`, grouped by the spelling of their name. */
  readonly directiveGroups: readonly NameGroup<ResolvedDirective>[];
  /** The sections of `sections`, grouped by the spelling of their name. */
  readonly sectionGroups: readonly NameGroup<ResolvedSection>[];
  /** The innermost enclosing section that sets a context (the last of `ctx.enclosing`), or null in the main server. */
  innermostOf(ctx: WalkContext): ResolvedSection | null;
  /** The innermost enclosing `<Proxy>`, or null. */
  proxySectionOf(ctx: WalkContext): ResolvedSection | null;
  isLoaded(module: string): boolean;
  /** The placement httpd checks a directive against (innermost context-setting section), or null for one it has no rule for. */
  placementOf(ctx: WalkContext): Placement | null;
  /** The enclosing `<VirtualHost>`, or null for the main server. */
  virtualHostOf(ctx: WalkContext): ResolvedSection | null;
  /** ProxyPass/ProxyPassReverse/balancer facts, computed once and shared by the rules that need them. */
  proxy(): ProxyIndex;
  report(problem: Problem): void;
}

export interface Rule {
  readonly meta: RuleMeta;
  check(context: RuleContext): void;
}

export function docsPath(id: string): string {
  return `docs/rules/${id}.md`;
}
