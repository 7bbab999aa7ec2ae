/**
 * The reader: one pass over the files in the order httpd reads them, doing at each line what httpd does while it
 * builds its config tree (server/config.c ap_build_config_sub): substitute `${VAR}` on the logical line, split it
 * into words, and run the EXEC_ON_READ directives at once — Include/IncludeOptional, Define/UnDefine, LoadModule,
 * ServerRoot and the six conditional sections. Everything else is only recorded.
 *
 * A false conditional is soaked up unread by httpd (ap_soak_end_container): its lines stay in the tree with
 * `active: false`, their Includes are not followed and their variables are not warned about.
 *
 * Where evaluating a condition or a variable changes what httpd's reader accepts, the syntax stage's verdict is
 * revised here (see ./revise.ts): a true conditional may run to the end of its file; its closer must be exactly
 * `</IfModule>`; a false one is skipped without checking `>` or BOMs; `${VAR}` may supply an opener's `>` or a
 * whole closer.
 *
 * The walk uses an explicit stack, so neither nesting nor include depth can overflow the JavaScript stack.
 */
import { posix } from 'node:path';
import type { Diagnostic, Span } from '../diagnostic.js';
import type { DirectiveNode, SectionNode } from '../syntax/ast.js';
import { nameKey, sameName } from '../syntax/names.js';
import { argsHoldDollar, wordValues } from '../syntax/lazy.js';
import { parse } from '../syntax/parse.js';
import { LineIndex } from '../syntax/positions.js';
import { splitWords } from '../syntax/words.js';
import { expandVars, type UndefinedVar } from './expand.js';
import { matchInclude, type GlobError } from './glob.js';
import { ModuleTracker } from './modules.js';
import { Directive, Include, Section } from './nodes.js';
import { fileOffsets } from './offsets.js';
import { type FileCtx, type Frame, type IncludeFrame, type NodesFrame, type ParsedFile } from './frames.js';
import { nextWordAt, ReaderRules } from './reader.js';
import { Revisions } from './revise.js';
import type { ConditionKind, ConfigFs, ResolvedFile, ResolvedNode, ResolvedSection } from './types.js';
import { Variables } from './variables.js';
import { evaluateIfVersion } from './version.js';

/** AP_MAX_INCLUDE_DEPTH in include/http_config.h: nested Includes beyond this fail. */
export const MAX_INCLUDE_DEPTH = 128;

const CONDITIONS: readonly ConditionKind[] = ['IfModule', 'IfDefine', 'IfVersion', 'IfFile', 'IfDirective', 'IfSection'];

/** The directives httpd runs while it reads (EXEC_ON_READ) that change what is read next, and the conditionals. */
type Keyword = 'include' | 'define' | 'undefine' | 'loadmodule' | 'serverroot' | ConditionKind;

const KEYWORDS: ReadonlyMap<string, Keyword> = new Map<string, Keyword>([
  [nameKey('Include'), 'include'],
  [nameKey('IncludeOptional'), 'include'],
  [nameKey('Define'), 'define'],
  [nameKey('UnDefine'), 'undefine'],
  [nameKey('LoadModule'), 'loadmodule'],
  [nameKey('ServerRoot'), 'serverroot'],
  ...CONDITIONS.map((c): [string, Keyword] => [nameKey(c), c]),
]);

/** Names as written → keyword: a big file repeats a few dozen names (interned by the parser) 400,000 times. */
const keywordCache = new Map<string, Keyword | null>();

function keyword(name: string): Keyword | null {
  let k = keywordCache.get(name);
  if (k === undefined) {
    k = KEYWORDS.get(nameKey(name)) ?? null;
    if (keywordCache.size < 4096) keywordCache.set(name, k);
  }
  return k;
}

function isCondition(k: Keyword | null): k is ConditionKind {
  return k !== null && k.startsWith('If');
}

/** A rewrite of absolute paths: a copied tree read where it lies instead of where its files say it lives. */
export interface PathMap {
  readonly from: string;
  readonly to: string;
}

/** Where to read an entry file that no Include of the tree reaches. */
export type SplicePoint =
  /** After the files of the n-th active Include/IncludeOptional read (0-based, in reading order). */
  | { readonly kind: 'after-include'; readonly index: number }
  /** After the root file's last line. */
  | { readonly kind: 'end-of-root' };

export interface ResolverOptions {
  readonly fs: ConfigFs;
  readonly modules: ModuleTracker;
  readonly variables: Variables;
  /** Relative paths resolve against this (changed by a ServerRoot line unless `fixedServerRoot`). */
  serverRoot: string;
  /** Tree mode: ServerRoot lines that point elsewhere are mapped onto the tree instead of followed. */
  readonly treeDir: string | null;
  readonly pathMaps: PathMap[];
  /** The entry's canonical path, to find its node; null for stdin. */
  readonly entryReal: string | null;
  /** The entry as the user named it, for its spans. */
  readonly entryName: string;
  /** Text to use for the entry file instead of reading it. */
  readonly entryText: string | undefined;
  /** Read the entry here when no Include reaches it. */
  readonly splice: { readonly at: SplicePoint; readonly path: string; readonly text: string | undefined } | null;
  /** Lone-file mode: say once that relative paths were read from the default ServerRoot. */
  readonly loneFile: boolean;
}

export interface ResolveOutput {
  readonly root: ResolvedFile;
  readonly entryFile: ResolvedFile | null;
  /** Index (in reading order) of the last active Include whose pattern names sites-enabled; -1 if none. */
  readonly sitesEnabledInclude: number;
  /** Path maps that changed at least one path. */
  readonly usedMaps: readonly PathMap[];
  readonly syntaxDiagnostics: Diagnostic[];
  readonly diagnostics: Diagnostic[];
  readonly assumptions: string[];
}

export class Resolver {
  private readonly parsed = new Map<string, ParsedFile>();
  /** Each file's syntax diagnostics, in the order the files were first read. */
  private readonly syntaxOf: { readonly file: ParsedFile; readonly diagnostics: readonly Diagnostic[] }[] = [];
  private readonly diagnostics: Diagnostic[] = [];
  private readonly assumptions: string[] = [];
  private readonly open = new Map<string, number>();
  private entryFile: ResolvedFile | null = null;
  private includeCount = 0;
  private sitesEnabledInclude = -1;
  private relativeNoted = false;
  private endSpliced = false;
  private readonly stack: Frame[] = [];
  private readonly usedMaps = new Set<PathMap>();
  private readonly rules = new ReaderRules(this.stack, (code, span, message, hint) => this.error(code, span, message, hint));

  constructor(private readonly o: ResolverOptions) {}

  /** Read `path` (or `text`) as the root file and everything it pulls in. */
  run(path: string, text: string | undefined): ResolveOutput {
    // Standard input (`<stdin>`, `-`) has no real path; it is its own.
    const real = path === this.o.entryReal ? path : this.o.fs.realpath(path);
    const rootFile = this.openFile(path, real, text, null, null, 0, false);
    const root = rootFile ?? this.emptyFile(path);
    this.drain();
    return {
      root,
      entryFile: this.entryFile,
      sitesEnabledInclude: this.sitesEnabledInclude,
      usedMaps: [...this.usedMaps],
      syntaxDiagnostics: this.syntaxOf.flatMap(({ file, diagnostics }) => (file.revisions ? file.revisions.apply(diagnostics) : diagnostics)),
      diagnostics: this.diagnostics,
      assumptions: this.assumptions,
    };
  }

  /** Parse `path` and push a frame for its lines; the ResolvedFile is filled in as the stack drains. */
  private openFile(path: string, real: string, textOverride: string | undefined, parent: FileCtx | null, via: Span | null, depth: number, spliced: boolean): ResolvedFile | null {
    const isEntry = this.o.entryReal !== null && real === this.o.entryReal;
    let parsed = this.parsed.get(path);
    if (!parsed) {
      const text = textOverride ?? (isEntry && this.o.entryText !== undefined ? this.o.entryText : this.o.fs.readFile(path));
      if (text === null) return null;
      // Spans of the entry use the name the user gave it (`site.conf`, `<stdin>`); others their path.
      const name = isEntry || spliced ? this.o.entryName : path;
      const r = parse(text, name);
      parsed = { ast: r.ast, text, name, lines: null, revisions: Revisions.of(r.diagnostics) };
      this.parsed.set(path, parsed);
      this.syntaxOf.push({ file: parsed, diagnostics: r.diagnostics });
    }
    const children: ResolvedNode[] = [];
    const file: ResolvedFile = { path, ast: parsed.ast, children, spliced };
    if ((isEntry || spliced) && this.entryFile === null) this.entryFile = file;
    const ctx: FileCtx = { path, real, parsed, parent, via, depth };
    this.open.set(real, (this.open.get(real) ?? 0) + 1);
    // Each file starts with httpd's top-level reader (ap_build_config), whatever section its Include sits in.
    this.stack.push({
      kind: 'nodes',
      nodes: parsed.ast.children,
      index: 0,
      file: ctx,
      closesFile: true,
      own: null,
      ownMayStayOpen: false,
      out: children,
      active: true,
      section: null,
      parent: null,
      contReader: false,
      trueConditional: false,
      inMacro: false,
      shifted: false,
    });
    return file;
  }

  private emptyFile(path: string): ResolvedFile {
    return { path, ast: parse('', path).ast, children: [], spliced: false };
  }

  private drain(): void {
    const stack = this.stack;
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      if (frame.kind === 'include') {
        this.stepInclude(frame);
        continue;
      }
      if (frame.index >= frame.nodes.length) {
        stack.pop();
        if (frame.own !== null) this.rules.endOfSection(frame, frame.own);
        if (frame.closesFile && frame.file.parent === null && this.o.splice?.at.kind === 'end-of-root' && !this.endSpliced) {
          this.endSpliced = true;
          this.spliceAtEnd(frame);
        }
        if (frame.closesFile) {
          const n = (this.open.get(frame.file.real) ?? 1) - 1;
          if (n <= 0) this.open.delete(frame.file.real);
          else this.open.set(frame.file.real, n);
        }
        continue;
      }
      const node = frame.nodes[frame.index++]!;
      if (node.kind === 'directive') this.directive(node, frame);
      else if (node.kind === 'section') this.section(node, frame);
    }
  }

  // ───────────────────────────────────────── directives ─────────────────────────────────────────

  private directive(node: DirectiveNode, frame: NodesFrame): void {
    const active = frame.active;
    const revisions = frame.file.parsed.revisions;
    // ap_soak_end_container reads only the first word of a skipped line, so a U+FEFF before it is never a command.
    if (revisions !== null && node.name.charCodeAt(0) === 0xfeff) revisions.decide('syntax/bom', node.span.offset, !active);
    let name = node.name;
    let words: readonly string[] | null = null;
    if (hasVariable(node)) {
      const ex = this.expand(node, frame, false);
      name = ex.name;
      words = ex.args;
      if (name.startsWith('</') && this.rules.closerLine(node, name, frame)) return;
      if (name.startsWith('<') && !name.startsWith('</') && active && !frame.inMacro) {
        this.warn(
          'config/variable-opener',
          node.span,
          `after \${…} substitution this line reads "${name}${words !== null && words.length > 0 ? ` ${words.join(' ')}` : ''}", which httpd reads as a section opener; apx keeps it as a directive and nests the lines after it as written`,
          'write section openers literally, not through a variable',
        );
      }
    }
    const k = keyword(name);
    if (k === 'include') {
      this.include(node, name, words ?? wordValues(node), frame);
      return;
    }
    const d = new Directive(node, name, words, active);
    frame.out.push(d);
    if (!active || k === null) return;
    const args = d.args;
    if (k === 'define') this.define(node, args);
    else if (k === 'undefine') {
      if (args.length === 1) this.o.variables.undefine(args[0]!);
      else this.error('config/define-args', node.span, `UnDefine takes one name, not ${args.length} arguments`, 'write UnDefine NAME');
    } else if (k === 'loadmodule') {
      if (args.length === 2) this.o.modules.load(args[0]!, node.span);
    } else if (k === 'serverroot') {
      if (args.length === 1) this.serverRoot(node, args[0]!);
    }
  }

  private define(node: DirectiveNode, args: readonly string[]): void {
    if (args.length < 1 || args.length > 2) {
      this.error('config/define-args', node.span, `Define takes a name and an optional value, not ${args.length} arguments`, 'quote a value that holds spaces: Define NAME "a value"');
      return;
    }
    if (args[0]!.includes(':')) {
      this.error('config/define-args', node.span, `Define ${args[0]}: httpd refuses variable names that contain ':'`, 'choose a name without a colon');
      return;
    }
    this.o.variables.define(args[0]!, args[1] ?? null);
  }

  /**
   * ServerRoot runs as it is read. In tree mode a ServerRoot naming another place (the tree was copied, or is
   * a test fixture) is mapped onto the tree being read: the ancestor of the tree with the same directory name.
   */
  private serverRoot(node: DirectiveNode, value: string): void {
    const v = posix.normalize(value.replace(/\/+$/, '') || '/');
    const tree = this.o.treeDir;
    if (tree === null) {
      this.o.serverRoot = v;
      return;
    }
    const realV = this.o.fs.stat(v)?.kind === 'directory' ? this.o.fs.realpath(v) : null;
    const realTree = this.o.fs.realpath(tree);
    if (realV !== null && (realTree === realV || realTree.startsWith(`${realV}/`))) {
      this.o.serverRoot = v;
      return;
    }
    let dir = tree;
    for (let i = 0; i < 3 && posix.basename(dir) !== posix.basename(v) && dir !== '/'; i++) dir = posix.dirname(dir);
    const target = posix.basename(dir) === posix.basename(v) && dir !== '/' ? dir : tree;
    if (!this.o.pathMaps.some((m) => m.from === v)) this.o.pathMaps.unshift({ from: v, to: target });
    this.o.serverRoot = target;
    this.assume(`ServerRoot ${value} (${where(node.span)}) is read as ${target}, where this tree is`);
  }

  // ───────────────────────────────────────── Include ─────────────────────────────────────────

  private include(node: DirectiveNode, name: string, args: readonly string[], frame: NodesFrame): void {
    const files: ResolvedFile[] = [];
    frame.out.push(new Include(node, name, args, files, frame.active));
    if (!frame.active) return;
    const index = this.includeCount++;
    const optional = sameName(name, 'IncludeOptional');
    if (args.length !== 1) {
      this.error('config/include-args', node.span, `${name} takes exactly one argument (a file, directory or wildcard), not ${args.length}`, 'quote a path that contains spaces');
      return;
    }
    const arg = args[0]!;
    if (/(^|\/)sites-enabled(\/|$)/.test(arg)) this.sitesEnabledInclude = index;
    const abs = this.absolute(arg);
    const result = matchInclude(this.o.fs, abs, optional);
    if (result.error) this.includeError(node, name, arg, result.error);
    const spliceHere = this.o.splice?.at.kind === 'after-include' && this.o.splice.at.index === index;
    if (result.files.length > 0 || spliceHere) {
      this.stack.push({ kind: 'include', paths: result.files, index: 0, out: files, from: frame.file, span: node.span, spliceAfter: spliceHere });
    }
  }

  private stepInclude(frame: IncludeFrame): void {
    if (frame.index >= frame.paths.length) {
      this.stack.pop();
      if (frame.spliceAfter && this.o.splice) {
        frame.spliceAfter = false;
        const s = this.o.splice;
        const f = this.openFile(s.path, this.o.entryReal ?? s.path, s.text, frame.from, frame.span, frame.from.depth + 1, true);
        if (f) frame.out.push(f);
      }
      return;
    }
    const path = frame.paths[frame.index++]!;
    const real = this.o.fs.realpath(path);
    const from = frame.from;
    if (this.open.has(real)) {
      const chain: string[] = [];
      for (let c: FileCtx | null = from; c !== null; c = c.parent) chain.unshift(c.path);
      const start = chain.findIndex((p) => this.o.fs.realpath(p) === real);
      const loop = [...chain.slice(Math.max(0, start)), path].join(' → ');
      this.error('config/include-cycle', frame.span, `Include cycle: ${loop}. httpd would read these files over and over until it stops with "Exceeded maximum include depth of ${MAX_INCLUDE_DEPTH}"`, `remove the Include that reads ${path} again, or narrow its wildcard`);
      return;
    }
    if (from.depth + 1 > MAX_INCLUDE_DEPTH) {
      this.error('config/include-depth', frame.span, `Includes nest more than ${MAX_INCLUDE_DEPTH} deep: httpd stops with "Exceeded maximum include depth of ${MAX_INCLUDE_DEPTH}"`, 'flatten the chain of Includes');
      return;
    }
    const f = this.openFile(path, real, undefined, from, frame.span, from.depth + 1, false);
    if (f) frame.out.push(f);
    else this.error('config/include-not-found', frame.span, `cannot read ${path}, which this Include names`, 'check the file\'s permissions');
  }

  /** The entry no Include reaches, read after the root file's last line through a synthetic Include. */
  private spliceAtEnd(frame: NodesFrame): void {
    const s = this.o.splice!;
    const at = endSpan(frame.file);
    const syntax: DirectiveNode = {
      kind: 'directive',
      name: 'Include',
      args: [],
      argsText: s.path,
      span: at,
      source: { indent: '', text: '', trailing: '', eol: '' },
    };
    const files: ResolvedFile[] = [];
    frame.out.push(new Include(syntax, 'Include', [s.path], files, true));
    this.stack.push({ kind: 'include', paths: [], index: 0, out: files, from: frame.file, span: at, spliceAfter: true });
  }

  private includeError(node: DirectiveNode, name: string, arg: string, e: GlobError): void {
    const optionalHint = sameName(name, 'Include') ? `, or use IncludeOptional if it may be missing` : '';
    switch (e.kind) {
      case 'not-found':
        this.error('config/include-not-found', node.span, `${name} ${arg}: ${e.path} does not exist; httpd stops with "Could not open configuration file"`, `create ${e.path} or fix the path${optionalHint}`);
        break;
      case 'no-match':
        this.error('config/include-not-found', node.span, `${name} ${arg}: the wildcard '${e.pattern}' matches nothing in ${e.dir}; httpd stops with "No matches for the wildcard"`, `fix the pattern${optionalHint}`);
        break;
      case 'bad-directory':
        this.error('config/include-not-found', node.span, `${name} ${arg}: cannot open the directory ${e.path}; httpd stops with "Could not open config directory"`, `create ${e.path} or fix the path${optionalHint}`);
        break;
      case 'too-deep':
        this.error('config/include-depth', node.span, `${name} ${arg}: directories nest more than 128 deep below it (at ${e.path}); httpd stops there — probably a symlink loop`, 'remove the directory loop');
        break;
    }
  }

  /** ap_server_root_relative, then the tree's path maps. */
  private absolute(p: string): string {
    let abs = p.startsWith('/') ? posix.normalize(p) : posix.join(this.o.serverRoot, p);
    if (!p.startsWith('/') && this.o.loneFile && !this.relativeNoted) {
      this.relativeNoted = true;
      this.assume(`relative paths are read from ${this.o.serverRoot}, Debian's ServerRoot`);
    }
    for (const m of this.o.pathMaps) {
      if (abs === m.from || abs.startsWith(`${m.from}/`)) {
        abs = m.to + abs.slice(m.from.length);
        this.usedMaps.add(m);
        break;
      }
    }
    return abs;
  }

  // ───────────────────────────────────────── sections ─────────────────────────────────────────

  private section(node: SectionNode, frame: NodesFrame): void {
    const revisions = frame.file.parsed.revisions;
    const openAt = revisions !== null ? node.openSpan.offset : -1;
    // An opener with arguments but no `>` (syntax/open-missing-gt): a `${VAR}` may still supply the `>`.
    const missingGt = revisions !== null && revisions.has('syntax/open-missing-gt', openAt);
    let name = node.name;
    let words: readonly string[] | null = null;
    let suppliedGt = false;
    if (hasVariable(node)) {
      const ex = this.expand(node, frame, missingGt);
      name = ex.name;
      words = ex.args;
      suppliedGt = ex.suppliedGt;
    }
    // ap_soak_end_container does not check the `>` of the openers it skips.
    if (missingGt) revisions.decide('syntax/open-missing-gt', openAt, suppliedGt || !frame.active);

    const k = keyword(node.name);
    let condition: ResolvedSection['condition'] = null;
    if (isCondition(k)) {
      words ??= wordValues(node);
      condition = { kind: k, value: this.condition(k, node, words, frame.active) };
    }
    const active = frame.active;
    const trueConditional = active && condition !== null && condition.value;
    const childActive = active && (condition === null || condition.value);
    const inMacro = frame.inMacro || sameName(node.name, 'Macro');
    // Who reads this section's lines decides whether it may stay open at the end of the file: a true
    // conditional's own reader (ap_build_cont_config) stops at EOF without complaint, for itself and for the
    // sections opened inside it; the top-level reader and a false conditional's skipping reader do not.
    const mayStayOpen = active && !inMacro && (condition !== null ? condition.value : frame.contReader);
    if (trueConditional && condition !== null && !inMacro && node.close !== null) this.rules.conditionalCloser(node.close, node.name, condition.kind, frame.file.parsed);
    else if (revisions !== null && condition !== null && node.close !== null) {
      // Read another time with the condition false, text after the closer is ignored, as the syntax stage says.
      revisions.decide('syntax/text-after-close', nextWordAt(frame.file.parsed.text, node.close.span.endOffset), false);
    }

    const children: ResolvedNode[] = [];
    frame.out.push(new Section(node, name, words, children, active, condition));
    this.stack.push({
      kind: 'nodes',
      nodes: node.children,
      index: 0,
      file: frame.file,
      closesFile: false,
      own: node,
      ownMayStayOpen: mayStayOpen,
      out: children,
      active: childActive,
      section: node,
      parent: frame,
      contReader: childActive && (trueConditional || frame.contReader),
      trueConditional,
      inMacro,
      shifted: false,
    });
  }

  /** The condition's value; `report` is false inside a false branch, which httpd never evaluates. */
  private condition(kind: ConditionKind, node: SectionNode, args: readonly string[], report: boolean): boolean {
    if (kind === 'IfVersion') {
      const r = evaluateIfVersion(args);
      if (r.ok) return r.value;
      if (report) this.error('config/condition-args', node.openSpan, `<IfVersion ${args.join(' ')}>: ${r.error}; httpd refuses to start`, 'write e.g. <IfVersion >= 2.4>');
      return false;
    }
    if (args.length !== 1) {
      if (report) this.error('config/condition-args', node.openSpan, `<${node.name}> takes one argument, not ${args.length}`, `write <${node.name} name> or <${node.name} !name>`);
      return false;
    }
    const raw = args[0]!;
    const not = raw.startsWith('!');
    const arg = not ? raw.slice(1) : raw;
    let value: boolean;
    switch (kind) {
      case 'IfModule': {
        const t = this.o.modules.ifModule(arg);
        value = t.value;
        if (report && t.module !== null && (t.form === 'mod-prefix' || t.form === 'other')) {
          // core.c start_ifmod matches only the source name and the symbol, with strcmp (checked on 2.4.71).
          const { symbol, source } = t.module;
          const httpd = not ? 'real httpd always reads this block, even when the module is loaded' : 'real httpd skips this block, even when the module is loaded';
          const apx = t.form === 'mod-prefix' ? `; apx reads it as ${not ? '!' : ''}${symbol}` : '';
          this.warn(
            'config/ifmodule-form',
            node.openSpan,
            `<IfModule ${raw}>: Apache 2.4 knows this module only as ${symbol} or ${source}, not "${arg}", so ${httpd}${apx}`,
            `write <IfModule ${not ? '!' : ''}${symbol}>`,
          );
        }
        break;
      }
      case 'IfDefine':
        value = this.o.variables.isDefined(arg);
        break;
      case 'IfFile':
        value = this.o.fs.stat(this.absolute(arg)) !== null;
        break;
      case 'IfDirective':
        value = this.o.modules.hasDirective(arg);
        break;
      case 'IfSection':
        value = this.o.modules.hasSection(arg);
        break;
      default:
        value = false;
    }
    return not ? !value : value;
  }

  // ───────────────────────────────────────── ${VAR} ─────────────────────────────────────────

  /**
   * Name and words after `${VAR}` substitution on the logical line (warnings only for lines httpd reads).
   * `cutAtGt`: an opener whose written line has no `>`; httpd cuts the substituted line at its last `>`.
   */
  private expand(node: DirectiveNode | SectionNode, frame: NodesFrame, cutAtGt: boolean): { name: string; args: readonly string[] | null; suppliedGt: boolean } {
    const text = node.argsText;
    if (node.name.includes('${')) {
      const ex = expandVars(`${node.name} ${text}`, this.o.variables.lookup);
      if (frame.active) for (const u of ex.undefinedVars) this.warnUndefined(u.name, node.kind === 'section' ? node.openSpan : node.span);
      const words = splitWords(ex.text).map((w) => w.value);
      return { name: words[0] ?? node.name, args: words.slice(1), suppliedGt: false };
    }
    const ex = expandVars(text, this.o.variables.lookup);
    if (frame.active && ex.undefinedVars.length > 0) {
      const base = node.args[0]?.span.offset ?? (node.kind === 'section' ? node.openSpan.offset : node.span.offset);
      this.undefinedVars(ex.undefinedVars, frame.file.parsed, base);
    }
    const gt = cutAtGt ? ex.text.lastIndexOf('>') : -1;
    if (gt !== -1) return { name: node.name, args: splitWords(ex.text.slice(0, gt)).map((w) => w.value), suppliedGt: true };
    if (!ex.changed) return { name: node.name, args: null, suppliedGt: false };
    return { name: node.name, args: splitWords(ex.text).map((w) => w.value), suppliedGt: false };
  }

  /** Warn at each `${X}` of a logical line that starts at file offset `base`; one pass over the line. */
  private undefinedVars(vars: readonly UndefinedVar[], p: ParsedFile, base: number): void {
    const at: number[] = [];
    for (const u of vars) at.push(u.start, u.end);
    const offsets = fileOffsets(p.text, base, at);
    p.lines ??= new LineIndex(p.name, p.text, p.ast.bom ? 1 : 0);
    for (let i = 0; i < vars.length; i++) this.warnUndefined(vars[i]!.name, p.lines.span(offsets[2 * i]!, offsets[2 * i + 1]!));
  }

  private warnUndefined(name: string, span: Span): void {
    this.warn('config/undefined-variable', span, `\${${name}} is not defined: httpd warns (AH00111) and keeps the text "\${${name}}" as written`, `add "Define ${name} value" above this line, or export ${name} in envvars`);
  }

  // ───────────────────────────────────────── reporting ─────────────────────────────────────────

  private error(code: string, span: Span, message: string, hint?: string): void {
    this.diagnostics.push({ severity: 'error', code, message, span, ...(hint !== undefined ? { hint } : {}) });
  }

  private warn(code: string, span: Span, message: string, hint?: string): void {
    this.diagnostics.push({ severity: 'warning', code, message, span, ...(hint !== undefined ? { hint } : {}) });
  }

  assume(text: string): void {
    if (!this.assumptions.includes(text)) this.assumptions.push(text);
  }
}

function where(span: Span): string {
  return `${span.file}:${span.line}`;
}

/** A zero-width span at the end of a file, for nodes apx adds there. */
function endSpan(file: FileCtx): Span {
  const p = file.parsed;
  p.lines ??= new LineIndex(p.name, p.text, p.ast.bom ? 1 : 0);
  return p.lines.span(p.text.length, p.text.length);
}

/** Whether the line holds a `${` anywhere (most do not: then nothing is substituted or split again). */
function hasVariable(node: DirectiveNode | SectionNode): boolean {
  return (argsHoldDollar(node) && node.argsText.includes('${')) || node.name.includes('${');
}

