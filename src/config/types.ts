/**
 * The resolved configuration: every file httpd would read for one entry point, in the order it reads them, with
 * `${VAR}` expanded, `Include`s spliced in and every conditional section (`<IfModule>`, `<IfDefine>`, …) evaluated.
 *
 * Branches a condition turns off stay in the tree with `active: false` (certbot's ParserNode lesson: lint still
 * wants to see them); consumers that want httpd's view walk only active nodes (see ./walk.ts). Every node keeps
 * its syntax node and span, so every answer can point at the line it came from.
 *
 * load() builds the nodes as small class instances (./nodes.ts) whose `span` and `args` are getters, like the
 * syntax nodes': read them as properties and do not spread a node (`{ ...node }` drops getters); JSON.stringify
 * gives the plain form.
 */
import type { Diagnostic, Span } from '../diagnostic.js';
import type { ConfigFile, DirectiveNode, SectionNode } from '../syntax/ast.js';

/** The file access src/config needs; injectable so tests use in-memory trees (./fs.ts has node and memory ones). */
export interface ConfigFs {
  /** The file's text, or null when it does not exist or is not a readable file. */
  readFile(path: string): string | null;
  /** What is at `path`, following symlinks; null when nothing is. */
  stat(path: string): { readonly kind: 'file' | 'directory' } | null;
  /** Entry names of a directory (unsorted, no `.`/`..`), or null when it is not a readable directory. */
  readdir(path: string): readonly string[] | null;
  /** The canonical path (symlinks resolved), for cycle detection and "is this the entry file" checks. */
  realpath(path: string): string;
}

export interface LoadEntry {
  /** Path of the file to read, or `<stdin>`. */
  readonly file: string;
  /** The file's text when the caller already has it (stdin, an editor buffer); read through `fs` otherwise. */
  readonly text?: string;
}

export interface LoadOptions {
  readonly fs?: ConfigFs;
  /**
   * The complete set of loaded modules, in any form httpd or Debian uses (`proxy_http`, `mod_proxy_http`,
   * `proxy_http_module`, `mod_proxy_http.c`). When given, LoadModule lines and mods-enabled/ do not change it.
   */
  readonly modules?: readonly string[];
  /** ServerRoot; also the tree to read the entry in (its apache2.conf/httpd.conf is the root file). */
  readonly serverRoot?: string;
  /** `-D NAME` / `-D NAME=value` defines, as given on apache2's command line. */
  readonly defines?: readonly string[];
  /** Do not look for an enclosing Debian tree above the entry file; read it alone in the default context. */
  readonly noTreeDetection?: boolean;
}

/** A directive after expansion. `Include`/`IncludeOptional` become `include` nodes. */
export interface ResolvedDirective {
  readonly kind: 'directive';
  /** As written (compare with sameName). */
  readonly name: string;
  /** Arguments after `${VAR}` expansion, re-split the way httpd splits the expanded line. */
  readonly args: readonly string[];
  readonly syntax: DirectiveNode;
  readonly span: Span;
  /** False when an enclosing conditional section is false: httpd never sees this directive. */
  readonly active: boolean;
}

export type ConditionKind = 'IfModule' | 'IfDefine' | 'IfVersion' | 'IfFile' | 'IfDirective' | 'IfSection';

export interface ResolvedSection {
  readonly kind: 'section';
  readonly name: string;
  /** Opener arguments after expansion (without the closing `>`). */
  readonly args: readonly string[];
  readonly children: readonly ResolvedNode[];
  readonly syntax: SectionNode;
  readonly span: Span;
  readonly active: boolean;
  /** For the six conditional sections: which one and what it evaluated to; null for every other section. */
  readonly condition: { readonly kind: ConditionKind; readonly value: boolean } | null;
}

export interface ResolvedInclude {
  readonly kind: 'include';
  /** `Include` or `IncludeOptional`, as written. */
  readonly name: string;
  readonly args: readonly string[];
  /** The files the pattern matched, in the order httpd reads them (sorted), each resolved in place. */
  readonly files: readonly ResolvedFile[];
  readonly syntax: DirectiveNode;
  readonly span: Span;
  readonly active: boolean;
}

export type ResolvedNode = ResolvedDirective | ResolvedSection | ResolvedInclude;

export interface ResolvedFile {
  /** Absolute path (or `<stdin>`). */
  readonly path: string;
  readonly ast: ConfigFile;
  readonly children: readonly ResolvedNode[];
  /** True for a file apx read in although httpd would not (the entry file when no Include of the tree reaches it). */
  readonly spliced: boolean;
}

export type ModuleSetSource =
  /** `--modules`: the caller said what is loaded. */
  | 'option'
  /** LoadModule lines reached while reading the tree (Debian: mods-enabled/*.load). */
  | 'load-module'
  /** A lone file: the modules `apt install apache2` enables. */
  | 'debian-default';

export interface ModuleSet {
  /** a2enmod names (`proxy_http`), including modules compiled into Debian's apache2 (core, so, http, …). */
  readonly names: ReadonlySet<string>;
  readonly source: ModuleSetSource;
  /** For `load-module`: where each module was loaded, by a2enmod name. */
  readonly loadedAt: ReadonlyMap<string, Span>;
}

export interface LoadResult {
  /** The entry as given (`000-default.conf`, `<stdin>`). */
  readonly entry: string;
  /** `tree`: a whole server config was read; `lone-file`: the entry alone in a default Debian context. */
  readonly mode: 'tree' | 'lone-file';
  readonly serverRoot: string | null;
  /** The file reading started from: the tree's apache2.conf, or the entry itself for a lone file. */
  readonly root: ResolvedFile;
  /** The entry file's node within `root` (the same object as `root` for a lone file); null if it could not be read. */
  readonly entryFile: ResolvedFile | null;
  readonly modules: ModuleSet;
  /** Variables defined at the end of reading (Define, -D, envvars), name → value (null for a bare `Define X`). */
  readonly defines: ReadonlyMap<string, string | null>;
  /** Every assumption an answer depends on, in the user's terms ("read as part of a default Debian install: …"). */
  readonly assumptions: readonly string[];
  /** Syntax diagnostics of every file read, then resolution diagnostics (includes, variables, conditions). */
  readonly diagnostics: readonly Diagnostic[];
}
