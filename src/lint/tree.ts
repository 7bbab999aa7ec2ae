/**
 * The resolved tree read once for a lint run: one pass over the active nodes (includes spliced, conditionals
 * transparent, `<Macro>` bodies skipped) that every rule then reads, instead of each rule walking the tree.
 *
 * A 20,000-vhost config has 220,000 directives and 60,000 sections, so the index is kept flat: the nodes in
 * reading order in one array, the context of each in a parallel array, and the nodes grouped by the spelling of
 * their name — a rule that decides by name (unknown-directive, module-not-loaded …) looks the name up once per
 * spelling, not once per line. A context is one small object per section level (see Frame), shared by the nodes
 * of that level, whose answers (placement, virtual host, `<Proxy>` around it) are worked out once, on first use.
 */
import type { ResolvedDirective, ResolvedFile, ResolvedNode, ResolvedSection } from '../config/types.js';
import type { WalkContext } from '../config/walk.js';
import type { Placement } from '../directives/types.js';
import { nameKey } from '../syntax/names.js';
import type { NameGroup } from './types.js';

/** Sections that do not change where httpd considers a directive to be (they only narrow methods or group Require). */
const TRANSPARENT = ['limit', 'limitexcept', 'requireall', 'requireany', 'requirenone'];

const PLACEMENTS: Readonly<Record<string, Placement>> = {
  virtualhost: 'VirtualHost',
  directory: 'Directory',
  directorymatch: 'Directory',
  location: 'Location',
  locationmatch: 'Location',
  files: 'Files',
  filesmatch: 'Files',
  if: 'If',
  elseif: 'If',
  else: 'If',
  proxy: 'Proxy',
  proxymatch: 'Proxy',
};

/**
 * nameKey() of a section name, remembered by spelling: a big config repeats a handful of spellings tens of
 * thousands of times, and every frame asks about each section around it.
 */
const keys = new Map<string, string>();
export function sectionKey(name: string): string {
  let k = keys.get(name);
  if (k === undefined) {
    k = nameKey(name);
    if (keys.size < 10_000) keys.set(name, k);
  }
  return k;
}

/**
 * What a context-setting section makes of the directives inside it: a placement, `transparent` (look further
 * out), or null — <Macro> bodies, <MDomain>, mod_lua hook sections …: not a placement the registry knows.
 */
export function placementOfSection(name: string): Placement | null | 'transparent' {
  const key = sectionKey(name);
  if (TRANSPARENT.includes(key)) return 'transparent';
  return Object.hasOwn(PLACEMENTS, key) ? PLACEMENTS[key]! : null;
}

/** Memo slots start as `undefined` ("not worked out yet"); null is an answer. */
type Memo<T> = T | undefined;

/**
 * The context of the nodes directly inside one section (or one file). `up` is the frame of the level around
 * `section`; an included file's frame repeats its includer's `up` and `section`, so walking `up` visits each
 * enclosing section once. Getters live on the prototype: no closures per frame.
 */
export class Frame implements WalkContext {
  /** A field, not `instanceof`: the rules ask for every line whether a context is a frame, and this is cheaper. */
  readonly isFrame = true;
  private ancestorsMemo: readonly ResolvedSection[] | null = null;
  private enclosingMemo: readonly ResolvedSection[] | null = null;
  private innermostMemo: Memo<ResolvedSection | null> = undefined;
  private placementMemo: Memo<Placement | null> = undefined;
  private vhostMemo: Memo<ResolvedSection | null> = undefined;
  private proxyMemo: Memo<ResolvedSection | null> = undefined;

  constructor(
    readonly file: ResolvedFile,
    readonly up: Frame | null,
    /** The section whose children this frame holds; null at the top of the config. */
    readonly section: ResolvedSection | null,
  ) {}

  get ancestors(): readonly ResolvedSection[] {
    if (this.ancestorsMemo === null) {
      const out: ResolvedSection[] = [];
      for (let f: Frame | null = this; f !== null; f = f.up) if (f.section !== null) out.push(f.section);
      this.ancestorsMemo = out.reverse();
    }
    return this.ancestorsMemo;
  }

  get enclosing(): readonly ResolvedSection[] {
    if (this.enclosingMemo === null) {
      const out: ResolvedSection[] = [];
      for (let f: Frame | null = this; f !== null; f = f.up) if (f.section !== null && f.section.condition === null) out.push(f.section);
      this.enclosingMemo = out.reverse();
    }
    return this.enclosingMemo;
  }

  /** The innermost enclosing section that sets a context (`enclosing[enclosing.length - 1]`), or null. */
  get innermost(): ResolvedSection | null {
    if (this.innermostMemo === undefined) this.innermostMemo = this.find(null);
    return this.innermostMemo;
  }

  /** The placement httpd checks a directive here against, or null for a section the registry has no rule for. */
  get placement(): Placement | null {
    if (this.placementMemo === undefined) this.placementMemo = this.computePlacement();
    return this.placementMemo;
  }

  get virtualHost(): ResolvedSection | null {
    if (this.vhostMemo === undefined) this.vhostMemo = this.find('virtualhost');
    return this.vhostMemo;
  }

  /** The innermost enclosing `<Proxy>` (not `<ProxyMatch>`). */
  get proxySection(): ResolvedSection | null {
    if (this.proxyMemo === undefined) this.proxyMemo = this.find('proxy');
    return this.proxyMemo;
  }

  /** The innermost context-setting section whose nameKey() is `key` (any, for null). Once per frame and question. */
  private find(key: string | null): ResolvedSection | null {
    for (let f: Frame | null = this; f !== null; f = f.up) {
      const s = f.section;
      if (s !== null && s.condition === null && (key === null || sectionKey(s.name) === key)) return s;
    }
    return null;
  }

  private computePlacement(): Placement | null {
    for (let f: Frame | null = this; f !== null; f = f.up) {
      const s = f.section;
      if (s === null || s.condition !== null) continue;
      const p = placementOfSection(s.name);
      if (p !== 'transparent') return p;
    }
    return 'server';
  }
}

/** A NameGroup (./types.ts) whose contexts are frames. */
export interface FrameGroup<N extends ResolvedDirective | ResolvedSection> extends NameGroup<N> {
  readonly contexts: readonly Frame[];
}

interface Group<N> {
  readonly name: string;
  readonly nodes: N[];
  readonly contexts: Frame[];
  readonly seqs: number[];
}

/** The tree read once; shared by every rule of one lint run. */
export interface LintTree {
  /** Every directive httpd applies, in reading order. */
  readonly directives: readonly ResolvedDirective[];
  /** `directiveContexts[i]` is the context of `directives[i]`. */
  readonly directiveContexts: readonly Frame[];
  /** Every active section (conditional ones included), in reading order. */
  readonly sections: readonly ResolvedSection[];
  readonly sectionContexts: readonly Frame[];
  readonly directiveGroups: readonly FrameGroup<ResolvedDirective>[];
  readonly sectionGroups: readonly FrameGroup<ResolvedSection>[];
  /** Positions in `directives` of the directives whose nameKey() is `key`, in reading order. */
  seqsOf(key: string): readonly number[];
}

function group<N>(map: Map<string, Group<N>>, node: N, name: string, ctx: Frame, seq: number): void {
  const g = map.get(name);
  if (g !== undefined) {
    g.nodes.push(node);
    g.contexts.push(ctx);
    g.seqs.push(seq);
  } else {
    map.set(name, { name, nodes: [node], contexts: [ctx], seqs: [seq] });
  }
}

export function readTree(root: ResolvedFile): LintTree {
  const directives: ResolvedDirective[] = [];
  const directiveContexts: Frame[] = [];
  const sections: ResolvedSection[] = [];
  const sectionContexts: Frame[] = [];
  const dGroups = new Map<string, Group<ResolvedDirective>>();
  const sGroups = new Map<string, Group<ResolvedSection>>();

  // An explicit stack, as walk() has: generated configs nest and include deeply.
  const nodeStack: (readonly ResolvedNode[])[] = [root.children];
  const indexStack: number[] = [0];
  const frameStack: Frame[] = [new Frame(root, null, null)];
  while (nodeStack.length > 0) {
    const top = nodeStack.length - 1;
    const nodes = nodeStack[top]!;
    const i = indexStack[top]!;
    if (i >= nodes.length) {
      nodeStack.pop();
      indexStack.pop();
      frameStack.pop();
      continue;
    }
    indexStack[top] = i + 1;
    const node = nodes[i]!;
    if (!node.active) continue;
    const frame = frameStack[top]!;
    if (node.kind === 'directive') {
      group(dGroups, node, node.name, frame, directives.length);
      directives.push(node);
      directiveContexts.push(frame);
    } else if (node.kind === 'section') {
      // mod_macro: a <Macro> body is a template applied where `Use` expands it, never where it is written.
      if (sectionKey(node.name) === 'macro') continue;
      group(sGroups, node, node.name, frame, sections.length);
      sections.push(node);
      sectionContexts.push(frame);
      nodeStack.push(node.children);
      indexStack.push(0);
      frameStack.push(new Frame(frame.file, frame, node));
    } else if (node.kind === 'include') {
      // Reversed so the first matched file is read first.
      for (let k = node.files.length - 1; k >= 0; k--) {
        const f = node.files[k]!;
        nodeStack.push(f.children);
        indexStack.push(0);
        frameStack.push(new Frame(f, frame.up, frame.section));
      }
    }
  }

  // Spellings of one name share a key; their positions merge back into reading order.
  const byKey = new Map<string, number[]>();
  for (const g of dGroups.values()) {
    const key = nameKey(g.name);
    const have = byKey.get(key);
    byKey.set(key, have === undefined ? g.seqs : [...have, ...g.seqs].sort((a, b) => a - b));
  }
  const none: readonly number[] = [];
  return {
    directives,
    directiveContexts,
    sections,
    sectionContexts,
    directiveGroups: [...dGroups.values()],
    sectionGroups: [...sGroups.values()],
    seqsOf: (key) => byKey.get(key) ?? none,
  };
}

/** The innermost section of a hand-made context (one not from this run's tree) that `test` accepts. */
function innermostIn(ctx: WalkContext, test: (s: ResolvedSection) => boolean): ResolvedSection | null {
  for (let i = ctx.enclosing.length - 1; i >= 0; i--) if (test(ctx.enclosing[i]!)) return ctx.enclosing[i]!;
  return null;
}

function isFrame(ctx: WalkContext): ctx is Frame {
  return (ctx as Partial<Frame>).isFrame === true;
}

export function placementOf(ctx: WalkContext): Placement | null {
  if (isFrame(ctx)) return ctx.placement;
  for (let i = ctx.enclosing.length - 1; i >= 0; i--) {
    const p = placementOfSection(ctx.enclosing[i]!.name);
    if (p !== 'transparent') return p;
  }
  return 'server';
}

export function virtualHostOf(ctx: WalkContext): ResolvedSection | null {
  return isFrame(ctx) ? ctx.virtualHost : innermostIn(ctx, (s) => sectionKey(s.name) === 'virtualhost');
}

export function innermostOf(ctx: WalkContext): ResolvedSection | null {
  return isFrame(ctx) ? ctx.innermost : (ctx.enclosing[ctx.enclosing.length - 1] ?? null);
}

export function proxySectionOf(ctx: WalkContext): ResolvedSection | null {
  return isFrame(ctx) ? ctx.proxySection : innermostIn(ctx, (s) => sectionKey(s.name) === 'proxy');
}
