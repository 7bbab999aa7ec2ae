/**
 * The reader's state while it walks the syntax trees (./resolve.ts): one frame per list of lines being read —
 * a file's top level or a section's children — and one per Include whose matched files are being read.
 */
import type { Span } from '../diagnostic.js';
import type { ConfigFile, Node, SectionNode } from '../syntax/ast.js';
import type { LineIndex } from '../syntax/positions.js';
import type { Revisions } from './revise.js';
import type { ResolvedFile, ResolvedNode } from './types.js';

export interface ParsedFile {
  readonly ast: ConfigFile;
  readonly text: string;
  /** The file name its spans carry. */
  readonly name: string;
  lines: LineIndex | null;
  /** The syntax stage's verdicts this reading may take back; null when the file has none of them. */
  readonly revisions: Revisions | null;
}

export interface FileCtx {
  readonly path: string;
  readonly real: string;
  readonly parsed: ParsedFile;
  readonly parent: FileCtx | null;
  /** The Include line that read this file (in the parent). */
  readonly via: Span | null;
  readonly depth: number;
}

export interface NodesFrame {
  readonly kind: 'nodes';
  readonly nodes: readonly Node[];
  index: number;
  readonly file: FileCtx;
  /** Set on the frame of a file's top level: leaving it closes the file. */
  readonly closesFile: boolean;
  /** The section whose children `nodes` are (null at a file's top level), for its end-of-file verdict. */
  readonly own: SectionNode | null;
  /** Whether httpd accepts `own` left open at the end of the file (see Resolver.section()). */
  readonly ownMayStayOpen: boolean;
  // The rest describes the section httpd is in while it reads these lines. It is `own`'s, until a `${VAR}`
  // line closes `own` early: then the remaining lines belong to the enclosing section (see ./reader.ts).
  out: ResolvedNode[];
  active: boolean;
  section: SectionNode | null;
  parent: NodesFrame | null;
  /** Read by ap_build_cont_config (inside a true conditional): sections left open at EOF are accepted. */
  contReader: boolean;
  /** `section` is a true conditional httpd reads: only a line that is literally its closer ends it. */
  trueConditional: boolean;
  /** Inside a `<Macro>` body, which mod_macro reads instead of the section reader. */
  inMacro: boolean;
  /** A `${VAR}` closer moved these lines out of `own` (or a closer after one did): see ./reader.ts. */
  shifted: boolean;
}

export interface IncludeFrame {
  readonly kind: 'include';
  readonly paths: readonly string[];
  index: number;
  readonly out: ResolvedFile[];
  readonly from: FileCtx;
  readonly span: Span;
  /** Read the spliced entry after the matched files. */
  spliceAfter: boolean;
}

export type Frame = NodesFrame | IncludeFrame;

/** The lines left in `frame` are read in the section `context` is in: the one enclosing the section just closed. */
export function shiftOut(frame: NodesFrame, context: NodesFrame): void {
  frame.out = context.out;
  frame.active = context.active;
  frame.section = context.section;
  frame.parent = context.parent;
  frame.contReader = context.contReader;
  frame.trueConditional = context.trueConditional;
  frame.inMacro = context.inMacro;
  frame.shifted = true;
}
