/**
 * What every rule sees: the tree read once (./tree.ts), the module set, and shared analyses computed on first use.
 * The `{ directive, ctx }` lists of the original contract are built only when a rule asks for them; the rules apx
 * ships read the name groups, and the few directives they need by name.
 */
import type { LoadResult, ResolvedDirective, ResolvedSection } from '../config/types.js';
import type { DirectiveVisit, WalkContext } from '../config/walk.js';
import type { Placement } from '../directives/types.js';
import { nameKey } from '../syntax/names.js';
import { buildProxyIndex, type ProxyIndex } from './proxy-index.js';
import { innermostOf, placementOf, proxySectionOf, readTree as readFrames, virtualHostOf, type LintTree } from './tree.js';
import type { NameGroup, Problem, RuleContext, SectionVisit } from './types.js';

export { placementOf, virtualHostOf, innermostOf, proxySectionOf };

/** The tree of one lint run with the lazily built views rules may ask for; shared by every rule. */
export class LintRun {
  readonly tree: LintTree;
  private visits: DirectiveVisit[] | null = null;
  private sectionVisits: SectionVisit[] | null = null;
  private readonly byKey = new Map<string, DirectiveVisit[]>();
  private readonly sectionsByKey = new Map<string, SectionVisit[]>();
  private proxyIndex: ProxyIndex | null = null;

  constructor(readonly loaded: LoadResult) {
    this.tree = readFrames(loaded.root);
  }

  get directives(): readonly DirectiveVisit[] {
    if (this.visits === null) {
      const { directives, directiveContexts } = this.tree;
      this.visits = directives.map((directive, i) => ({ directive, ctx: directiveContexts[i]! }));
    }
    return this.visits;
  }

  get sections(): readonly SectionVisit[] {
    if (this.sectionVisits === null) {
      const { sections, sectionContexts } = this.tree;
      this.sectionVisits = sections.map((section, i) => ({ section, ctx: sectionContexts[i]! }));
    }
    return this.sectionVisits;
  }

  byName(name: string): readonly DirectiveVisit[] {
    const key = nameKey(name);
    let hit = this.byKey.get(key);
    if (hit === undefined) {
      const { directives, directiveContexts } = this.tree;
      hit = this.tree.seqsOf(key).map((seq) => ({ directive: directives[seq]!, ctx: directiveContexts[seq]! }));
      this.byKey.set(key, hit);
    }
    return hit;
  }

  sectionsByName(name: string): readonly SectionVisit[] {
    const key = nameKey(name);
    let hit = this.sectionsByKey.get(key);
    if (hit === undefined) {
      const { sectionContexts } = this.tree;
      const found: { section: ResolvedSection; seq: number }[] = [];
      for (const g of this.tree.sectionGroups) {
        if (nameKey(g.name) === key) for (let i = 0; i < g.nodes.length; i++) found.push({ section: g.nodes[i]!, seq: g.seqs[i]! });
      }
      found.sort((a, b) => a.seq - b.seq);
      hit = found.map(({ section, seq }) => ({ section, ctx: sectionContexts[seq]! }));
      this.sectionsByKey.set(key, hit);
    }
    return hit;
  }

  proxy(): ProxyIndex {
    return (this.proxyIndex ??= buildProxyIndex(this.tree));
  }
}

/**
 * One rule's view of the run: `report` is the rule's own. The methods are bound (a rule may destructure
 * `const { byName } = context`, as it could with the first contract): a few closures per rule, none per line.
 */
class Context implements RuleContext {
  constructor(
    private readonly run: LintRun,
    readonly report: (p: Problem) => void,
  ) {}
  get loaded(): LoadResult {
    return this.run.loaded;
  }
  get modules(): ReadonlySet<string> {
    return this.run.loaded.modules.names;
  }
  get directives(): readonly DirectiveVisit[] {
    return this.run.directives;
  }
  get sections(): readonly SectionVisit[] {
    return this.run.sections;
  }
  get directiveGroups(): readonly NameGroup<ResolvedDirective>[] {
    return this.run.tree.directiveGroups;
  }
  get sectionGroups(): readonly NameGroup<ResolvedSection>[] {
    return this.run.tree.sectionGroups;
  }
  readonly byName = (name: string): readonly DirectiveVisit[] => this.run.byName(name);
  readonly sectionsByName = (name: string): readonly SectionVisit[] => this.run.sectionsByName(name);
  readonly isLoaded = (module: string): boolean => this.run.loaded.modules.names.has(module);
  readonly placementOf = (ctx: WalkContext): Placement | null => placementOf(ctx);
  readonly virtualHostOf = (ctx: WalkContext): ResolvedSection | null => virtualHostOf(ctx);
  readonly innermostOf = (ctx: WalkContext): ResolvedSection | null => innermostOf(ctx);
  readonly proxySectionOf = (ctx: WalkContext): ResolvedSection | null => proxySectionOf(ctx);
  readonly proxy = (): ProxyIndex => this.run.proxy();
}

export function ruleContext(run: LintRun, report: (p: Problem) => void): RuleContext {
  return new Context(run, report);
}
